/**
 * Writes of one process take turns at the write gate (src/db/write-gate.ts). What a writer
 * relies on: behind a long batch that keeps working (an import writing for seconds) it is
 * answered when the batch ends, not refused as busy; behind a holder that does nothing, or
 * past the longest wait, it is refused with a busy error that changed nothing.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openEmbedded } from "../../src/db/embedded.ts";
import { createDb } from "../../src/db/index.ts";
import { runLongBatch } from "../../src/db/sql.ts";
import { WriteGateTimeout } from "../../src/db/write-gate.ts";

const directory = mkdtempSync(join(tmpdir(), "grasrot-gate-"));
let counter = 0;

async function setUp(options: { gateTimeoutMs: number; gateMaxWaitMs: number }) {
  const client = await openEmbedded(`file:${join(directory, `db-${++counter}.db`)}`, options);
  await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
  return { client, db: createDb(client) };
}

/** A long batch of `statements` writes that each take some milliseconds of work. */
function slowStatements(db: ReturnType<typeof createDb>, statements: number) {
  return Array.from({ length: statements }, (_, i) =>
    db.run(sql`INSERT INTO t (id, name)
      SELECT ${1000 + i}, 'batch ' || count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT x FROM c)`),
  );
}

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the write gate", () => {
  it("answers a write that waits behind a long batch, however far past the idle timeout the batch goes", async () => {
    const { client, db } = await setUp({ gateTimeoutMs: 150, gateMaxWaitMs: 10_000 });
    const started = performance.now();
    const batch = runLongBatch(db, slowStatements(db, 60));
    await waitMs(20);
    const write = client.batch([{ sql: "INSERT INTO t (id, name) VALUES (1, 'waited')", args: [] }], "write");
    await batch;
    const batchMs = performance.now() - started;
    await write;
    expect(batchMs).toBeGreaterThan(300);
    expect((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(61);
    client.close();
  });

  it("refuses it past the longest wait, changing nothing, while the batch goes on to commit", async () => {
    const { client, db } = await setUp({ gateTimeoutMs: 150, gateMaxWaitMs: 200 });
    const batch = runLongBatch(db, slowStatements(db, 60));
    await waitMs(20);
    const write = client
      .batch([{ sql: "INSERT INTO t (id, name) VALUES (1, 'refused')", args: [] }], "write")
      .catch((error: unknown) => error);
    expect(await write).toBeInstanceOf(WriteGateTimeout);
    await batch;
    expect((await client.execute("SELECT count(*) AS n, sum(id = 1) AS refused FROM t")).rows[0]).toMatchObject({ n: 60, refused: 0 });
    client.close();
  });

  it("refuses it behind a transaction that does nothing, after the idle timeout", async () => {
    const { client } = await setUp({ gateTimeoutMs: 150, gateMaxWaitMs: 10_000 });
    const transaction = await client.transaction("write");
    await transaction.execute("INSERT INTO t (id, name) VALUES (2, 'held')");
    const started = performance.now();
    const write = await client
      .batch([{ sql: "INSERT INTO t (id, name) VALUES (1, 'refused')", args: [] }], "write")
      .catch((error: unknown) => error);
    expect(write).toBeInstanceOf(WriteGateTimeout);
    expect(performance.now() - started).toBeLessThan(2_000);
    await transaction.commit();
    expect((await client.execute("SELECT name FROM t")).rows.map((row) => row.name)).toEqual(["held"]);
    client.close();
  });
});
