/** Applies the migrations to LIBSQL_URL (default: the embedded data/grasrot.db), e.g. a Turso database before a deploy. */
import { mkdirSync } from "node:fs";
import { readConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/embedded.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { migrationLevel } from "../src/db/migration-level.ts";

const { libsql } = readConfig(process.env);
if (!libsql.url) mkdirSync("data", { recursive: true });
const url = libsql.url ?? "file:data/grasrot.db";
const client = await openDatabase(url, libsql.authToken);
await applyMigrations(client);
const level = await migrationLevel(createDb(client));
console.log(`${url}: ${level.applied} of ${level.expected} migrations applied (latest ${level.latest})`);
client.close();
