import { fileURLToPath } from "node:url";
import type { Client } from "@libsql/client";
import { migrate } from "drizzle-orm/libsql/migrator";
import { createDb } from "./index.ts";

export const migrationsFolder = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Applies every migration in migrations/ that the database has not seen yet (Node only: it reads files). */
export async function applyMigrations(client: Client): Promise<void> {
  await migrate(createDb(client), { migrationsFolder });
}
