/**
 * A long batch on the embedded file (runLongBatch, src/db/long-batches.ts) commits all of its rows,
 * and leaves its long write-ahead log for the checkpoint thread rather than copying it into
 * the file within its commit, on the event loop: seen from outside, right after the commit
 * the database file alone does not hold the rows yet, while every reader sees them. It works
 * with a large page cache, and the pooled connection gets its own back however it ends.
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import Database from "libsql";
import { describe, expect, it } from "vitest";
import { openEmbedded } from "../../src/db/embedded.ts";
import { createDb } from "../../src/db/index.ts";
import { runLongBatch } from "../../src/db/sql.ts";

describe("a long batch", () => {
  it("commits every row and leaves copying its log into the file to a checkpoint", async () => {
    const directory = mkdtempSync(join(tmpdir(), "grasrot-long-batch-"));
    const path = join(directory, "db.db");
    const client = await openEmbedded(`file:${path}`);
    await client.execute("CREATE TABLE t (x INTEGER, pad TEXT)");
    await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    const db = createDb(client);
    const rows = 2_000;
    // About 2 KB a row: some 1,000 pages of log, past the point where SQLite checkpoints within a commit.
    const statements = Array.from({ length: rows }, (_, i) => db.run(sql`INSERT INTO t VALUES (${i}, ${"x".repeat(2_000)})`));
    await runLongBatch(db, statements);
    expect(Number((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(rows);
    const copy = join(directory, "copy.db");
    copyFileSync(path, copy);
    const alone = new Database(copy);
    expect(Number((alone.prepare("SELECT count(*) FROM t").raw(true).all() as unknown[][])[0]?.[0])).toBe(0);
    alone.close();
    // The connection's own threshold is back for everything else.
    expect(Number((await client.execute("PRAGMA wal_autocheckpoint")).rows[0]?.[0])).toBe(1000);
    await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    copyFileSync(path, copy);
    const after = new Database(copy);
    expect(Number((after.prepare("SELECT count(*) FROM t").raw(true).all() as unknown[][])[0]?.[0])).toBe(rows);
    after.close();
    client.close();
  });

  it("works with a page cache large enough for an import, and gives the connection its own back whether it commits or fails", async () => {
    const directory = mkdtempSync(join(tmpdir(), "grasrot-long-batch-"));
    const client = await openEmbedded(`file:${join(directory, "db.db")}`);
    await client.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)");
    const db = createDb(client);
    // The connection a write transaction is given next is the one the batch gave back to the pool.
    const cacheOfNextTransaction = async () => {
      const transaction = await client.transaction("write");
      try {
        return Number((await transaction.execute("PRAGMA cache_size")).rows[0]?.[0]);
      } finally {
        transaction.close();
      }
    };
    const before = await cacheOfNextTransaction();
    const [, during] = await runLongBatch(db, [db.run(sql`INSERT INTO t VALUES (1)`), db.all(sql`PRAGMA cache_size`)]);
    expect(Number(Object.values((during as Record<string, unknown>[])[0] ?? {})[0])).toBe(-16384);
    expect(await cacheOfNextTransaction()).toBe(before);
    await expect(runLongBatch(db, [db.run(sql`INSERT INTO t VALUES (2)`), db.run(sql`INSERT INTO t VALUES (1)`)])).rejects.toThrow(
      /UNIQUE/,
    );
    expect(await cacheOfNextTransaction()).toBe(before);
    expect(Number((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(1);
    client.close();
  });
});
