/**
 * The one way Node code opens a libSQL database: the server, `npm run tick`, the migration
 * and development scripts, and the tests' helpers. The embedded file is shared between
 * processes (a tick beside the server, two ticks at once), so every connection to it must
 * wait for a lock rather than fail, and writes must not depend on luck.
 */
import type { Client, InArgs, InStatement, Transaction, TransactionMode } from "@libsql/client";
// The Node build explicitly: this module is also loaded under workerd's resolve conditions (the workerd suite's set-up).
import { createClient } from "@libsql/client/node";
import { EmbeddedReads, embeddedPath } from "./embedded-reads.ts";
import { type RetryPolicy, retryWhileBusy, writeRetry } from "./retry.ts";
import { WriteGate } from "./write-gate.ts";

/**
 * How long one statement waits for another process's lock (SQLite's busy timeout), on every
 * connection. The wait blocks the event loop (the driver is synchronous), so it is kept short
 * and the operation is retried asynchronously instead (see `writeRetry`).
 */
export const embeddedBusyTimeoutMs = 1000;

/** How long a write waits for the writes of its own process before it is answered as busy. */
export const writeGateTimeoutMs = 5000;

export interface EmbeddedOptions {
  busyTimeoutMs?: number;
  retry?: RetryPolicy;
  gateTimeoutMs?: number;
}

/** Whether a statement only reads: those need neither the gate nor the write lock. Anything unsure counts as a write. */
export function isReadOnlySql(sql: string): boolean {
  const body = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\()*/, "");
  return /^(select|values|explain)\b/i.test(body);
}

const toStatement = (stmtOrSql: InStatement | string, args?: InArgs): InStatement =>
  typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;

/** A write transaction that lets the gate go when it ends, however it ends. */
function gatedTransaction(transaction: Transaction, release: () => void): Transaction {
  const settle = async <T>(end: () => Promise<T> | T): Promise<T> => {
    try {
      return await end();
    } finally {
      release();
    }
  };
  return {
    execute: (stmt) => transaction.execute(stmt),
    batch: (stmts) => transaction.batch(stmts),
    executeMultiple: (sql) => transaction.executeMultiple(sql),
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

/**
 * The embedded client as the app uses it:
 * - writes of this process take turns at a gate (see WriteGate);
 * - every batch and write transaction begins IMMEDIATE, taking the write lock up front with
 *   the busy timeout, rather than as a deferred transaction that reads first and then finds
 *   it cannot upgrade its snapshot to a write (which fails at once, without waiting);
 * - a statement or batch that still meets a lock is tried again, a few times: it wrote
 *   nothing. A multi-statement script is not, since part of it may have been applied.
 */
export function resilientClient(inner: Client, options: EmbeddedOptions = {}, reads?: EmbeddedReads): Client {
  const policy = options.retry ?? writeRetry;
  const gate = new WriteGate(options.gateTimeoutMs ?? writeGateTimeoutMs);
  const write = <T>(operation: () => Promise<T>) => gate.run(() => retryWhileBusy(operation, policy));

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
      if (!isReadOnlySql(sql)) return write(() => inner.execute(stmt));
      return retryWhileBusy(() => (reads ? reads.execute(stmt) : inner.execute(stmt)), policy);
    }) as Client["execute"],
    batch(stmts, mode?: TransactionMode) {
      if (mode === "read") return retryWhileBusy(() => inner.batch(stmts, "read"), policy);
      return write(() => inner.batch(stmts, "write"));
    },
    migrate: (stmts) => write(() => inner.migrate(stmts)),
    executeMultiple: (sql) => gate.run(() => inner.executeMultiple(sql)),
    async transaction(mode?: TransactionMode) {
      if (mode === "read") return retryWhileBusy(() => inner.transaction("read"), policy);
      const release = await gate.acquire();
      try {
        return gatedTransaction(await retryWhileBusy(() => inner.transaction("write"), policy), release);
      } catch (error) {
        release();
        throw error;
      }
    },
    sync: () => inner.sync(),
    close: () => {
      reads?.close();
      inner.close();
    },
    reconnect: () => {
      reads?.reopen();
      return inner.reconnect();
    },
  };
  return client;
}

/**
 * Opens an embedded database (`file:` URL or `:memory:`): WAL, so that readers never wait
 * for a writer and a writer waits only for another writer; a busy timeout on every
 * connection the client opens (the client passes it to each new connection, including
 * those it opens after handing one to a transaction); and the write discipline of
 * `resilientClient`. Foreign keys are on by default in libSQL's build, on every connection.
 * `synchronous` stays FULL, the default: every commit is durable, at the cost of an fsync
 * while the write lock is held.
 */
export async function openEmbedded(url: string, options: EmbeddedOptions = {}): Promise<Client> {
  const busyTimeoutMs = options.busyTimeoutMs ?? embeddedBusyTimeoutMs;
  const inner = createClient({ url, timeout: busyTimeoutMs });
  // Reads of a database file on a connection of their own, with statements kept (see EmbeddedReads).
  const path = embeddedPath(url);
  const client = resilientClient(inner, options, path === undefined ? undefined : new EmbeddedReads(path, busyTimeoutMs));
  try {
    // The journal mode is a property of the file: set once, it holds for every connection and process.
    const result = await client.execute("PRAGMA journal_mode = WAL");
    const mode = String(result.rows[0]?.[0] ?? "").toLowerCase();
    if (mode !== "wal" && mode !== "memory") throw new Error(`${url}: could not switch the database to WAL (journal mode is '${mode}')`);
    // Per connection, and not set here but by the driver on each: a build without them must not go unnoticed.
    const foreignKeys = await client.execute("PRAGMA foreign_keys");
    if (Number(foreignKeys.rows[0]?.[0]) !== 1) throw new Error(`${url}: this libSQL build does not enforce foreign keys by default`);
  } catch (error) {
    inner.close();
    throw error;
  }
  return client;
}

/** The database of a Node entry: embedded for `file:` URLs, else a remote libSQL server or Turso. */
export async function openDatabase(url: string, authToken?: string): Promise<Client> {
  if (url.startsWith("file:") || url === ":memory:") return openEmbedded(url);
  return createClient({ url, authToken });
}
