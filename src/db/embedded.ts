/**
 * The one way Node code opens a libSQL database: the server, `npm run tick`, the migration
 * and development scripts, and the tests' helpers. The embedded file is shared between
 * processes (a tick beside the server, two ticks at once), so every connection to it must
 * wait for a lock rather than fail, and writes must not depend on luck.
 */
import type { Client, InArgs, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";
// The Node build explicitly: this module is also loaded under workerd's resolve conditions (the workerd suite's set-up).
import { createClient } from "@libsql/client/node";
import { type BatchStatement, EmbeddedConnection } from "./embedded-connection.ts";
import { LongBatchThread } from "./long-batch-thread-client.ts";
import { longBatchCacheKiB, runEmbeddedLongBatch, serveLongBatchTransactions } from "./long-batches.ts";
import { serveLongReads } from "./long-reads.ts";
import { QueryThread } from "./query-thread-client.ts";
import { serveQueryValues } from "./query-values.ts";
import { type RetryPolicy, retryWhileBusy, writeRetry } from "./retry.ts";
import { serveEmbeddedLongBatches } from "./sql.ts";
import { WriteGate } from "./write-gate.ts";

/**
 * How long one statement waits for another process's lock (SQLite's busy timeout), on every
 * connection: not at all. That wait blocks the event loop (the driver is synchronous), and
 * another process's long batch (a worker's import, with GRASROT_WORKERS) would stall every
 * request of this one for as long. The operation is tried again asynchronously instead
 * (`retryWhileBusy`, `writeRetry`), while the loop goes on.
 */
export const embeddedBusyTimeoutMs = 0;

/** How long a write waits for a write of its own process that does nothing meanwhile, before it is answered as busy … */
export const writeGateTimeoutMs = 5000;
/** … and how long in all for one that keeps working (a long batch), so that it is answered rather than refused. */
export const writeGateMaxWaitMs = 30_000;

export interface EmbeddedOptions {
  busyTimeoutMs?: number;
  retry?: RetryPolicy;
  gateTimeoutMs?: number;
  gateMaxWaitMs?: number;
}

interface ResilientOptions extends EmbeddedOptions {
  /** Where plain queries outside transactions go, their statements prepared once; without it, to `inner`. */
  reads?: EmbeddedConnection;
  /** Where single statements and batches that write go, their statements prepared once; without it, to `inner`. */
  writes?: EmbeddedConnection;
  /** Where long reads go (`allLong`), off the event loop; without it, they run in line. */
  longReads?: QueryThread;
  /** Where long batches run (`runLongBatch`), off the event loop; without it, in a write transaction of `inner`. */
  longBatches?: LongBatchThread;
}

/** A query the read connection serves: SELECT or VALUES, never EXPLAIN (see EmbeddedConnection). */
const plainQuery = /^\s*(select|values)\b/i;

/** Whether a statement only reads: those need neither the gate nor the write lock. Anything unsure counts as a write. */
export function isReadOnlySql(sql: string): boolean {
  const body = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\()*/, "");
  return /^(select|values|explain)\b/i.test(body);
}

const toStatement = (stmtOrSql: InStatement | string, args?: InArgs): InStatement =>
  typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;

/**
 * A write transaction that lets the gate go when it ends, however it ends, and tells the gate
 * of each statement it ran, so that writes waiting behind a long batch wait on (WriteGate).
 */
function gatedTransaction(transaction: Transaction, gate: WriteGate, release: () => void): Transaction {
  const working = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } finally {
      gate.progress();
    }
  };
  const settle = async <T>(end: () => Promise<T> | T): Promise<T> => {
    try {
      return await end();
    } finally {
      release();
    }
  };
  return {
    execute: (stmt) => working(transaction.execute(stmt)),
    batch: (stmts) => working(transaction.batch(stmts)),
    executeMultiple: (sql) => working(transaction.executeMultiple(sql)),
    commit: () => settle(() => transaction.commit()),
    rollback: () => settle(() => transaction.rollback()),
    close: () => {
      try {
        transaction.close();
      } finally {
        release();
      }
    },
    get closed() {
      return transaction.closed;
    },
  };
}

interface WaitingBatch {
  stmts: BatchStatement[];
  /** When it stops waiting for the gate (performance.now()). */
  deadline: number;
  resolve: (results: ResultSet[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Batches of writes that come in the same turn of the event loop, or while the gate is taken,
 * wait together, and run together when it is free: in one transaction, each in a savepoint of its own (EmbeddedConnection.batches),
 * with one commit. Under load most of a short write's time was its commit's fsync, paid once
 * per batch. Each batch is answered as if it had run alone: its results once the commit is
 * durable, or its own error; and it waits for the gate no longer than it would have alone.
 */
function groupedBatches(writes: EmbeddedConnection, gate: WriteGate, policy: RetryPolicy) {
  const waiting: WaitingBatch[] = [];
  let queued = false;

  const runWaiting = async () => {
    let release: () => void;
    try {
      release = await gate.acquire(Math.max(0, (waiting[0] as WaitingBatch).deadline - performance.now()));
    } catch (timeout) {
      // Those whose own wait is over are refused; the others wait on, for the time they have left.
      queued = false;
      const now = performance.now();
      for (let index = waiting.length - 1; index >= 0; index--) {
        const batch = waiting[index] as WaitingBatch;
        if (batch.deadline <= now + 1) {
          waiting.splice(index, 1);
          batch.reject(timeout);
        }
      }
      if (waiting.length > 0) {
        queued = true;
        void runWaiting();
      }
      return;
    }
    queued = false;
    const group = waiting.splice(0);
    try {
      // A busy error means nothing of the group was written: it is tried again whole.
      const outcomes = await retryWhileBusy(async () => writes.batches(group.map((batch) => batch.stmts)), policy, gate.progress);
      for (const [index, batch] of group.entries()) {
        const outcome = outcomes[index] as ResultSet[] | Error;
        if (outcome instanceof Error) batch.reject(outcome);
        else batch.resolve(outcome);
      }
    } catch (error) {
      for (const batch of group) batch.reject(error);
    } finally {
      release();
    }
  };

  return (stmts: BatchStatement[]): Promise<ResultSet[]> =>
    new Promise((resolve, reject) => {
      waiting.push({ stmts, deadline: performance.now() + gate.timeoutMs, resolve, reject });
      if (queued) return;
      queued = true;
      // A turn of the event loop first: the driver is synchronous, so the gate is seldom seen
      // taken, and it is the requests read in the same turn whose batches can go together.
      setImmediate(() => void runWaiting());
    });
}

/**
 * The embedded client as the app uses it:
 * - writes of this process take turns at a gate (see WriteGate);
 * - every batch and write transaction begins IMMEDIATE, taking the write lock up front,
 *   rather than as a deferred transaction that reads first and then finds it cannot upgrade
 *   its snapshot to a write (which could not be retried: it has read);
 * - plain queries outside transactions go to the read connection, and single writes,
 *   batches and write transactions to the write connection, when there are (their
 *   statements prepared once);
 * - a statement, batch or BEGIN that meets another process's lock is tried again after a
 *   pause, for up to 30 s (`writeRetry`): it wrote nothing. A multi-statement script is not,
 *   since part of it may have been applied.
 */
export function resilientClient(inner: Client, options: ResilientOptions = {}): Client {
  const policy = options.retry ?? writeRetry;
  const { reads, writes, longReads, longBatches } = options;
  const read = (stmt: InStatement, sql: string) =>
    reads && plainQuery.test(sql) ? Promise.resolve().then(() => reads.execute(stmt)) : inner.execute(stmt);
  // A change of the schema may change what a kept statement's columns are.
  const changingSchema = async <T>(operation: Promise<T>) => {
    try {
      return await operation;
    } finally {
      reads?.forgetStatements();
      writes?.forgetStatements();
    }
  };
  const gate = new WriteGate(options.gateTimeoutMs ?? writeGateTimeoutMs, options.gateMaxWaitMs ?? writeGateMaxWaitMs);
  // Waiting for another process's lock counts as work: this process's writes wait on behind it.
  const write = <T>(operation: () => Promise<T>) => gate.run(() => retryWhileBusy(operation, policy, gate.progress));
  const batchOnWrites = writes ? groupedBatches(writes, gate, policy) : undefined;
  // A write transaction holds the gate from its BEGIN to its end, whichever connection it is on.
  const gatedWriteTransaction = async (begin: () => Promise<Transaction>) => {
    const release = await gate.acquire();
    try {
      return gatedTransaction(await retryWhileBusy(begin, policy, gate.progress), gate, release);
    } catch (error) {
      release();
      throw error;
    }
  };

  const client: Client = {
    get protocol() {
      return inner.protocol;
    },
    get closed() {
      return inner.closed;
    },
    execute: ((stmtOrSql: InStatement | string, args?: InArgs) => {
      const stmt = toStatement(stmtOrSql, args);
      const sql = typeof stmt === "string" ? stmt : stmt.sql;
      if (isReadOnlySql(sql)) return retryWhileBusy(() => read(stmt, sql), policy);
      return write(() => (writes ? Promise.resolve().then(() => writes.run(stmt)) : inner.execute(stmt)));
    }) as Client["execute"],
    batch(stmts, mode?: TransactionMode) {
      if (mode === "read") return retryWhileBusy(() => inner.batch(stmts, "read"), policy);
      return batchOnWrites ? batchOnWrites(stmts) : write(() => inner.batch(stmts, "write"));
    },
    migrate: (stmts) => changingSchema(write(() => inner.migrate(stmts))),
    executeMultiple: (sql) => changingSchema(gate.run(() => inner.executeMultiple(sql))),
    async transaction(mode?: TransactionMode) {
      if (mode === "read") return retryWhileBusy(() => inner.transaction("read"), policy);
      // On the write connection when there is one: its statements are kept prepared, and a BEGIN that
      // meets another process's lock renews it, where the client's pool would keep the BEGIN unfinished.
      return gatedWriteTransaction(async () => (writes ? writes.transaction() : inner.transaction("write")));
    },
    sync: () => inner.sync(),
    close: () => {
      reads?.close();
      writes?.close();
      longReads?.close();
      longBatches?.close();
      inner.close();
    },
    reconnect: () => inner.reconnect(),
  };
  // Plain queries' values, for callers that map rows themselves (src/db/rows.ts).
  if (reads)
    serveQueryValues(client, (stmt) => (plainQuery.test(stmt.sql) ? retryWhileBusy(async () => reads.values(stmt), policy) : undefined));
  if (longReads) serveLongReads(client, (sql, args) => longReads.query(sql, args));
  if (longBatches) serveLongBatchTransactions(client, () => gatedWriteTransaction(() => longBatches.begin()));
  return client;
}

/**
 * Opens an embedded database (`file:` URL or `:memory:`): WAL, so that readers never wait
 * for a writer and a writer waits only for another writer; the busy timeout (0) on every
 * connection the client opens (the client passes it to each new connection, including
 * those it opens after handing one to a transaction); and the write discipline of
 * `resilientClient`. Foreign keys are on by default in libSQL's build, on every connection.
 * `synchronous` stays FULL, the default: every commit is durable, at the cost of an fsync
 * while the write lock is held.
 */
export async function openEmbedded(url: string, options: EmbeddedOptions = {}): Promise<Client> {
  serveEmbeddedLongBatches(runEmbeddedLongBatch);
  const busyTimeoutMs = options.busyTimeoutMs ?? embeddedBusyTimeoutMs;
  const inner = createClient({ url, timeout: busyTimeoutMs });
  let reads: EmbeddedConnection | undefined;
  let writes: EmbeddedConnection | undefined;
  const path = embeddedFilePath(url);
  try {
    // Opened once the client has opened the file (and created it if new).
    if (path !== undefined) {
      reads = new EmbeddedConnection(path, busyTimeoutMs);
      writes = new EmbeddedConnection(path, busyTimeoutMs);
    }
  } catch (error) {
    reads?.close();
    inner.close();
    throw error;
  }
  // Long reads and long batches on threads, each started at the first of them.
  const longReads = path === undefined ? undefined : new QueryThread({ path, busyTimeoutMs });
  const longBatches = path === undefined ? undefined : new LongBatchThread({ path, cacheKiB: longBatchCacheKiB });
  const client = resilientClient(inner, { ...options, reads, writes, longReads, longBatches });
  try {
    // The journal mode is a property of the file: set once, it holds for every connection and process.
    const result = await client.execute("PRAGMA journal_mode = WAL");
    const mode = String(result.rows[0]?.[0] ?? "").toLowerCase();
    if (mode !== "wal" && mode !== "memory") throw new Error(`${url}: could not switch the database to WAL (journal mode is '${mode}')`);
    // Per connection, and not set here but by the driver on each: a build without them must not go unnoticed.
    const foreignKeys = await client.execute("PRAGMA foreign_keys");
    if (Number(foreignKeys.rows[0]?.[0]) !== 1) throw new Error(`${url}: this libSQL build does not enforce foreign keys by default`);
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

/**
 * The file a `file:` URL names, as @libsql/client reads it (`file:data/x.db`, `file:/abs/x.db`,
 * `file:///abs/x.db`); undefined for an in-memory database, which a second connection would
 * not see, and for URLs with parameters, which are left to the client alone.
 */
export function embeddedFilePath(url: string): string | undefined {
  if (!url.startsWith("file:") || url.includes("?") || url.includes("#")) return undefined;
  let path = url.slice("file:".length);
  if (path.startsWith("//")) {
    const authority = /^\/\/(localhost)?(?=\/)/i.exec(path);
    if (!authority) return undefined;
    path = path.slice(authority[0].length);
  }
  try {
    path = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  return path === "" || path === ":memory:" ? undefined : path;
}

/** The database of a Node entry: embedded for `file:` URLs, else a remote libSQL server or Turso. */
export async function openDatabase(url: string, authToken?: string): Promise<Client> {
  if (url.startsWith("file:") || url === ":memory:") return openEmbedded(url);
  return createClient({ url, authToken });
}
