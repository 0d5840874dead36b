import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@libsql/client";
import { type EmbeddedOptions, openEmbedded } from "../../src/db/embedded.ts";
import { applyMigrations } from "../../src/db/migrate.ts";

const directory = mkdtempSync(join(tmpdir(), "grasrot-test-"));
let template: Promise<string> | undefined;
let counter = 0;

/** Migrating once and copying the file makes a fresh database per test cost a file copy. */
async function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const path = join(directory, "template.db");
    const client = await openEmbedded(`file:${path}`);
    await applyMigrations(client);
    // The driver closes connections lazily, so move the write-ahead log into the file before copying it.
    await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    client.close();
    return path;
  })();
  return template;
}

export interface TestDatabase {
  client: Client;
  path: string;
  close(): void;
}

/** A real libSQL database file, fully migrated, used by one test only, opened as the server opens its own. */
export async function freshDatabase(options: EmbeddedOptions = {}): Promise<TestDatabase> {
  const path = join(directory, `db-${process.pid}-${++counter}.db`);
  copyFileSync(await migratedTemplate(), path);
  const client = await openEmbedded(`file:${path}`, options);
  return {
    client,
    path,
    close() {
      client.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
    },
  };
}
