/**
 * The embedded database as every Node entry opens it (src/db/embedded.ts): WAL on every
 * connection, writes of one process taking turns instead of blocking each other, another
 * process's lock waited for between tries rather than in SQLite's busy handler, and a write
 * that meets a lock tried again only when it cannot have half-happened.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, LibsqlError, type ResultSet, type Transaction, type TransactionMode } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { type EmbeddedOptions, embeddedBusyTimeoutMs, openEmbedded, resilientClient } from "../../src/db/embedded.ts";
import { turnsWhile } from "../helpers/event-loop.ts";

const directory = mkdtempSync(join(tmpdir(), "grasrot-embedded-"));
let counter = 0;
const newFile = () => `file:${join(directory, `db-${++counter}.db`)}`;

async function pragma(run: (sql: string) => Promise<ResultSet>, name: string): Promise<string> {
  return String((await run(`PRAGMA ${name}`)).rows[0]?.[0]).toLowerCase();
}

describe("opening the embedded database", () => {
  it("puts WAL, the busy timeout and foreign keys on every connection, including those opened beside transactions", async () => {
    const client = await openEmbedded(newFile());
    await client.execute("CREATE TABLE t (x INTEGER)");
    // Read transactions each hold a connection of their own, so three at once make the client open new ones.
    const transactions = await Promise.all([client.transaction("read"), client.transaction("read"), client.transaction("read")]);
    const write = await client.transaction("write");
    for (const tx of [...transactions, write]) {
      const run = (sql: string) => tx.execute(sql);
      expect(await pragma(run, "journal_mode")).toBe("wal");
      expect(await pragma(run, "busy_timeout")).toBe(String(embeddedBusyTimeoutMs));
      expect(await pragma(run, "foreign_keys")).toBe("1");
    }
    await write.commit();
    for (const tx of transactions) await tx.rollback();
    expect(await pragma((sql) => client.execute(sql), "busy_timeout")).toBe(String(embeddedBusyTimeoutMs));
    client.close();
  });

  it("makes a write wait for an open write transaction of the same process instead of failing", async () => {
    const client = await openEmbedded(newFile());
    await client.execute("CREATE TABLE t (x INTEGER)");
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO t VALUES (1)");
    // Without the gate this would busy-wait on the event loop the transaction needs, and fail with SQLITE_BUSY.
    const waiting = client.execute("INSERT INTO t VALUES (2)");
    await tx.execute("INSERT INTO t VALUES (3)");
    await tx.commit();
    await waiting;
    expect((await client.execute("SELECT x FROM t ORDER BY rowid")).rows.map((row) => Number(row.x))).toEqual([1, 3, 2]);
    client.close();
  });
});

describe("another process's lock", () => {
  /**
   * This client on a new file, while another process holds its write lock: a plain client on
   * the same file, outside this client's gate, that commits after `commitAfterMs`.
   */
  async function whileAnotherProcessHolds(commitAfterMs: number, options: EmbeddedOptions = {}) {
    const url = newFile();
    const client = await openEmbedded(url, options);
    await client.execute("CREATE TABLE t (x INTEGER)");
    const other = createClient({ url });
    const holding = await other.transaction("write");
    await holding.execute("INSERT INTO t VALUES (0)");
    setTimeout(async () => {
      await holding.commit();
      other.close();
    }, commitAfterMs);
    const values = async () => (await client.execute("SELECT x FROM t ORDER BY rowid")).rows.map((row) => Number(row.x));
    return { client, values };
  }

  it("is waited for without holding the event loop, and the write is made once it is free", async () => {
    const { client, values } = await whileAnotherProcessHolds(400);
    const { turns } = await turnsWhile(() => client.execute("INSERT INTO t VALUES (1)"));
    // The loop turned on while the write waited; SQLite's own busy handler would have held it, a few turns in all.
    expect(turns).toBeGreaterThan(100);
    expect(await values()).toEqual([0, 1]);
    client.close();
  });

  it("opens a write transaction once it is free, whose savepoints work after the BEGINs that met the lock", async () => {
    const { client, values } = await whileAnotherProcessHolds(200);
    const transaction = await client.transaction("write");
    // A BEGIN that met the lock and was left unfinished on the connection would refuse this ("SQL statements in progress").
    await transaction.batch(["SAVEPOINT s", "INSERT INTO t VALUES (1)", "RELEASE s"]);
    await transaction.commit();
    expect(await values()).toEqual([0, 1]);
    client.close();
  });

  it("keeps the writes of this process waiting behind the one that waits for it, past the gate's idle timeout", async () => {
    const { client, values } = await whileAnotherProcessHolds(400, { gateTimeoutMs: 100, gateMaxWaitMs: 5000 });
    await Promise.all([client.execute("INSERT INTO t VALUES (1)"), client.execute("INSERT INTO t VALUES (2)")]);
    expect(await values()).toEqual([0, 1, 2]);
    client.close();
  });
});

/** A client whose operations fail with the given errors, one per call, before they succeed. */
function flaky(errors: Error[]): Client & { calls: string[] } {
  const calls: string[] = [];
  const next = async (what: string) => {
    calls.push(what);
    const error = errors.shift();
    if (error) throw error;
    return { rows: [], columns: [], columnTypes: [], rowsAffected: 1, lastInsertRowid: undefined, toJSON: () => ({}) } as ResultSet;
  };
  return {
    calls,
    protocol: "file",
    closed: false,
    execute: (async () => next("execute")) as Client["execute"],
    batch: async (_stmts, mode?: TransactionMode) => [await next(`batch:${mode}`)],
    migrate: async () => [await next("migrate")],
    transaction: (async (mode?: TransactionMode) => {
      await next(`transaction:${mode}`);
      return {} as Transaction;
    }) as Client["transaction"],
    executeMultiple: async () => {
      await next("executeMultiple");
    },
    sync: async () => undefined,
    close: () => {},
    reconnect: () => {},
  };
}

const busy = () => new LibsqlError("database is locked", "SQLITE_BUSY", "SQLITE_BUSY", 5);
const policy = { waitMs: 30, baseDelayMs: 2, maxDelayMs: 4 };

describe("retrying writes that met a lock", () => {
  it("runs a statement again while it meets SQLITE_BUSY, within the budget", async () => {
    const inner = flaky([busy(), busy()]);
    await resilientClient(inner, { retry: policy }).execute("INSERT INTO t VALUES (1)");
    expect(inner.calls).toEqual(["execute", "execute", "execute"]);
  });

  it("gives up with the busy error once the budget is spent", async () => {
    const inner = flaky(Array.from({ length: 1000 }, busy));
    const started = performance.now();
    await expect(resilientClient(inner, { retry: policy }).execute("UPDATE t SET x = 1")).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    // It kept trying for its budget, less at most one pause, and then stopped.
    expect(performance.now() - started).toBeGreaterThanOrEqual(policy.waitMs - policy.maxDelayMs);
    expect(inner.calls.length).toBeGreaterThan(3);
    expect(inner.calls.length).toBeLessThan(1000);
  });

  it("runs every batch as a write transaction from its start, and retries it whole", async () => {
    const inner = flaky([busy()]);
    await resilientClient(inner, { retry: policy }).batch(["INSERT INTO t VALUES (1)"]);
    await resilientClient(inner, { retry: policy }).batch(["INSERT INTO t VALUES (1)"], "deferred");
    expect(inner.calls).toEqual(["batch:write", "batch:write", "batch:write"]);
  });

  it("never runs a multi-statement script again, since part of it may have been applied", async () => {
    const inner = flaky([busy()]);
    await expect(
      resilientClient(inner, { retry: policy }).executeMultiple("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)"),
    ).rejects.toThrow("database is locked");
    expect(inner.calls).toEqual(["executeMultiple"]);
  });

  it("does not retry other errors", async () => {
    const inner = flaky([new LibsqlError("UNIQUE constraint failed: t.x", "SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT_UNIQUE", 2067)]);
    await expect(resilientClient(inner, { retry: policy }).execute("INSERT INTO t VALUES (1)")).rejects.toThrow("UNIQUE");
    expect(inner.calls).toEqual(["execute"]);
  });
});
