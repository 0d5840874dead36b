/**
 * A long batch on the embedded file (runLongBatch, src/db/long-batches.ts) commits all of its rows,
 * and leaves its long write-ahead log for the checkpoint thread rather than copying it into
 * the file within its commit, on the event loop: seen from outside, right after the commit
 * the database file alone does not hold the rows yet, while every reader sees them. It works
 * on a connection of its own with a large page cache (on the long batch thread), and the
 * client's own connections keep theirs however it ends.
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
import { turnsWhile } from "../helpers/event-loop.ts";

/** A new database file with table `t` as given. */
async function fileWith(table: string) {
  const path = join(mkdtempSync(join(tmpdir(), "grasrot-long-batch-")), "db.db");
  const client = await openEmbedded(`file:${path}`);
  await client.execute(`CREATE TABLE t (${table})`);
  return { path, client, db: createDb(client) };
}

describe("a long batch", () => {
  it("commits every row and leaves copying its log into the file to a checkpoint", async () => {
    const { path, client, db } = await fileWith("x INTEGER, pad TEXT");
    await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    const rows = 2_000;
    // About 2 KB a row: some 1,000 pages of log, past the point where SQLite checkpoints within a commit.
    const statements = Array.from({ length: rows }, (_, i) => db.run(sql`INSERT INTO t VALUES (${i}, ${"x".repeat(2_000)})`));
    await runLongBatch(db, statements);
    expect(Number((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(rows);
    const copy = `${path}.copy`;
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

  it("works with a page cache large enough for an import, leaving the client's connections theirs whether it commits or fails", async () => {
    const { client, db } = await fileWith("x INTEGER PRIMARY KEY");
    // The connection a write transaction of the client is given.
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
    // The failure is reported as the driver reports it, and the next long batch commits.
    await expect(runLongBatch(db, [db.run(sql`INSERT INTO t VALUES (1)`)])).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT",
      extendedCode: "SQLITE_CONSTRAINT_PRIMARYKEY",
    });
    await runLongBatch(db, [db.run(sql`INSERT INTO t VALUES (3)`)]);
    expect(Number((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(2);
    client.close();
  });

  it("runs its statements and its commit off the event loop, which turns on meanwhile", async () => {
    const { client, db } = await fileWith("x INTEGER");
    // Each statement keeps SQLite busy for a while: on the event loop, the loop would turn only between them.
    const insertMany = (from: number) =>
      db.run(
        sql`WITH RECURSIVE c(x) AS (SELECT ${from} UNION ALL SELECT x + 1 FROM c WHERE x < ${from + 199_999}) INSERT INTO t SELECT x FROM c`,
      );
    const { turns } = await turnsWhile(() => runLongBatch(db, [insertMany(0), insertMany(200_000), insertMany(400_000)]));
    expect(turns).toBeGreaterThan(100);
    expect(Number((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(600_000);
    client.close();
  });
});
