import { Buffer } from "node:buffer";
import { type InArgs, type InStatement, LibsqlBatchError, LibsqlError, type ResultSet, type Row, type Transaction } from "@libsql/client";
import type Database from "libsql";
import { isDatabaseBusy } from "./errors.ts";
import { openFileConnection } from "./file-connection.ts";
import { PreparedStatements, primaryCode } from "./prepared-statements.ts";
import { argumentsOf } from "./statement-arguments.ts";

/** Enough for every distinct statement text the API sends; lists with IN (…) of many lengths take turns at the end. */
const preparedStatementsKept = 500;

/** Where a row keeps its values, out of sight of Object.keys, JSON and spreading. */
const valuesOfRow = Symbol("values");

interface Columns {
  names: string[];
  types: string[];
  /** Each distinct name with the first column that has it: a row answers to a name once, as @libsql/client's rows do. */
  named: [string, number][];
  /** The rows' prototype: their values by index, and their length, read from the values. */
  rowPrototype: object;
}

/**
 * Rows as @libsql/client shapes them (values by index and a length, neither enumerable; values
 * by column name, enumerable), for a fraction of the cost: the index properties are getters on
 * one prototype per statement instead of properties defined on every row.
 */
function rowPrototypeOf(width: number): object {
  const prototype = {};
  type WithValues = { [valuesOfRow]: unknown[] };
  for (let index = 0; index < width; index++)
    Object.defineProperty(prototype, index, {
      get(this: WithValues) {
        return this[valuesOfRow][index];
      },
    });
  Object.defineProperty(prototype, "length", {
    get(this: WithValues) {
      return this[valuesOfRow].length;
    },
  });
  return prototype;
}

function columnsFrom(names: string[], types: string[]): Columns {
  const named: [string, number][] = [];
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (seen.has(name)) return;
    seen.add(name);
    named.push([name, index]);
  });
  return { names, types, named, rowPrototype: rowPrototypeOf(names.length) };
}

function columnsOf(stmt: Database.Statement): Columns {
  if (!stmt.reader) return { names: [], types: [], named: [], rowPrototype: {} };
  const columns = stmt.columns();
  return columnsFrom(
    columns.map((column) => column.name),
    columns.map((column) => column.type ?? ""),
  );
}

const minSafe = BigInt(Number.MIN_SAFE_INTEGER);
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
function fromSql(value: unknown): unknown {
  if (typeof value === "bigint") {
    if (value < minSafe || value > maxSafe)
      throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
    return Number(value);
  }
  if (value instanceof Uint8Array) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

/** A value as @libsql/client writes it in a result's JSON: blobs in base64. */
const valueToJson = (value: unknown) => (value instanceof ArrayBuffer ? Buffer.from(value).toString("base64") : value);

/** A row as @libsql/client shapes it: its values by index (not enumerable) and by column name, and a length. */
function rowOf(values: unknown[], columns: Columns): Row {
  for (let index = 0; index < values.length; index++) values[index] = fromSql(values[index]);
  const row = Object.create(columns.rowPrototype) as Record<string, unknown>;
  Object.defineProperty(row, valuesOfRow, { value: values });
  for (const [name, index] of columns.named) row[name] = values[index];
  return row as Row;
}

const noColumns: Columns = { names: [], types: [], named: [], rowPrototype: {} };

/** A result as @libsql/client gives it. */
function resultSetOf(columns: Columns, rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return {
    columns: columns.names,
    columnTypes: columns.types,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({
      columns: columns.names,
      columnTypes: columns.types,
      rows: rows.map((row) => Array.prototype.map.call(row, valueToJson)),
      rowsAffected,
      lastInsertRowid: lastInsertRowid === undefined ? null : String(lastInsertRowid),
    }),
  };
}

/** What one statement gave, as the driver gives it: rows of values (integers as bigint), or the rows it changed. */
export interface StatementOutcome {
  names: string[];
  types: string[];
  rows: unknown[][];
  changes: number;
  lastInsertRowid: bigint | undefined;
}

/** A statement's outcome, read on another thread, as @libsql/client gives a result. */
export function resultSetOfOutcome({ names, types, rows, changes, lastInsertRowid }: StatementOutcome): ResultSet {
  const columns = names.length === 0 ? noColumns : columnsFrom(names, types);
  return resultSetOf(
    columns,
    rows.map((row) => rowOf(row, columns)),
    changes,
    lastInsertRowid,
  );
}

/** A statement of a batch as @libsql/client takes it: text, a statement, or [text, arguments]. */
export type BatchStatement = InStatement | [string, InArgs?];

const statementOf = (stmt: BatchStatement): InStatement => (Array.isArray(stmt) ? { sql: stmt[0], args: stmt[1] ?? [] } : stmt);

/** What a transaction of the embedded file does, on whichever connection it runs (src/db/embedded-connection.ts, src/db/long-batch-thread-client.ts). */
export interface TransactionWork {
  /** Statements in turn: their results, or the first failure (a LibsqlBatchError naming it when `asBatch`). */
  run(stmts: InStatement[], asBatch: boolean): Promise<ResultSet[]>;
  script(sql: string): Promise<void>;
  /** Commits or rolls back; called once, and at once (its synchronous part) when the transaction is closed. */
  end(commit: boolean): Promise<void>;
}

/**
 * A Transaction as @libsql/client gives one, over `work`: closed once it has ended, and
 * rolled back when closed before. The end starts at once, before the caller's write gate
 * lets the next writer of the connection in.
 */
export function transactionOver(work: TransactionWork): Transaction {
  let closed = false;
  const open = () => {
    if (closed) throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
  };
  const end = async (commit: boolean) => {
    open();
    closed = true;
    await work.end(commit);
  };
  return {
    execute: async (stmtOrSql: InStatement | string, args?: InArgs) => {
      open();
      return (await work.run([typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql], false))[0] as ResultSet;
    },
    batch: async (stmts) => {
      open();
      return work.run(stmts.map(statementOf), true);
    },
    executeMultiple: async (sql) => {
      open();
      await work.script(sql);
    },
    commit: () => end(true),
    rollback: () => end(false),
    close: () => {
      if (closed) return;
      closed = true;
      // A failure here leaves nothing behind: the transaction is gone with its connection.
      work.end(false).catch(() => undefined);
    },
    get closed() {
      return closed;
    },
  } as Transaction;
}

/** The driver's errors as @libsql/client reports them: the primary SQLite code, and the extended one beside it. */
function libsqlError(error: unknown): unknown {
  const details = error as { message?: string; code?: string; rawCode?: number };
  if (!(error instanceof Error) || typeof details.code !== "string" || !details.code.startsWith("SQLITE_")) return error;
  const primary = typeof details.rawCode === "number" ? primaryCode(details.rawCode) : undefined;
  return new LibsqlError(error.message, primary ?? details.code, details.code, details.rawCode, error);
}

/** A batch's failure as @libsql/client reports it: which statement failed, and why. */
function batchError(error: unknown, index: number): Error {
  const failure = libsqlError(error);
  if (failure instanceof LibsqlError)
    return new LibsqlBatchError(failure.message, index, failure.code, failure.extendedCode, failure.rawCode, failure);
  return failure instanceof Error ? failure : new Error(String(failure));
}

/**
 * A connection of this process to the embedded file whose statements are prepared once per
 * text and kept (see PreparedStatements), which the client of @libsql/client does not do: it
 * prepares every statement afresh, and for the app's short statements that was most of their
 * cost. The embedded client keeps two: one for the plain queries it runs outside transactions,
 * one for its single statements and batches of writes (which take turns at its write gate).
 *
 * One of each is enough: the driver is synchronous, so only one statement runs at a time in
 * the process anyway. In WAL mode each statement reads the latest commit, whichever
 * connection wrote it, as long as no statement of the connection is left unfinished: so
 * queries are read to their last row, EXPLAIN is not sent here (the driver leaves it open),
 * and after a failure the connection is replaced (a failed statement is not reset either).
 */
export class EmbeddedConnection {
  #db: Database.Database;
  #statements: PreparedStatements<Columns>;
  #closed = false;
  readonly #path: string;
  readonly #busyTimeoutMs: number;

  constructor(path: string, busyTimeoutMs: number) {
    this.#path = path;
    this.#busyTimeoutMs = busyTimeoutMs;
    this.#db = openFileConnection(path, busyTimeoutMs);
    this.#statements = new PreparedStatements(this.#db, preparedStatementsKept, columnsOf);
  }

  /** A query's rows. */
  execute(stmt: InStatement): ResultSet {
    const { values, columns } = this.#query(stmt);
    return resultSetOf(
      columns,
      values.map((row) => rowOf(row, columns)),
      0,
      undefined,
    );
  }

  /** The rows' values alone, in column order, without making row objects: for callers that map rows themselves (src/db/rows.ts). */
  values(stmt: InStatement): unknown[][] {
    const { values } = this.#query(stmt);
    for (const row of values) for (let index = 0; index < row.length; index++) row[index] = fromSql(row[index]);
    return values;
  }

  /** Any statement, on its own (it commits as it ends): rows for a query or RETURNING, else the rows it changed. */
  run(stmt: InStatement): ResultSet {
    try {
      return this.#step(stmt);
    } catch (error) {
      this.#recover();
      throw libsqlError(error);
    }
  }

  /** Statements all or nothing, in one write transaction begun IMMEDIATE, as @libsql/client's batch in "write" mode. */
  batch(stmts: BatchStatement[]): ResultSet[] {
    this.run("BEGIN IMMEDIATE");
    const outcome = this.#stepAll(stmts);
    if (outcome instanceof Error) {
      this.#recover();
      throw outcome;
    }
    try {
      this.#step("COMMIT");
    } catch (error) {
      this.#recover();
      throw libsqlError(error);
    }
    return outcome;
  }

  /**
   * Several callers' batches in one write transaction: one commit, and so one wait for the
   * disk, for all of them (a commit's fsync cost several times a short batch's statements).
   * Each batch runs in a savepoint of its own, so it still holds or fails alone: its results,
   * or the error it would have met by itself (the statement that failed, and nothing of the
   * batch applied), in the order given. Throws what fails them all: the lock (nothing is
   * written then; a lone batch's busy statement too, to be tried again) or the commit.
   */
  batches(groups: BatchStatement[][]): (ResultSet[] | Error)[] {
    if (groups.length === 1) {
      try {
        return [this.batch(groups[0] as BatchStatement[])];
      } catch (error) {
        if (error instanceof LibsqlBatchError && !isDatabaseBusy(error)) return [error];
        throw error;
      }
    }
    this.run("BEGIN IMMEDIATE");
    const outcomes: (ResultSet[] | Error)[] = [];
    try {
      for (const stmts of groups) {
        this.#step("SAVEPOINT grouped_batch");
        const outcome = this.#stepAll(stmts);
        if (outcome instanceof Error) this.#step("ROLLBACK TO grouped_batch");
        this.#step("RELEASE grouped_batch");
        outcomes.push(outcome);
      }
      this.#step("COMMIT");
    } catch (error) {
      this.#recover();
      throw libsqlError(error);
    }
    // A statement that failed is left as it stopped (see #recover): the connection is renewed.
    if (outcomes.some((outcome) => outcome instanceof Error)) this.#recover();
    return outcomes;
  }

  /**
   * A write transaction on this connection, begun IMMEDIATE (the write lock up front, or
   * SQLITE_BUSY at once, after which the connection is renewed: a BEGIN that met a lock is
   * left unfinished, and would stop every savepoint after it). The connection is the
   * transaction's until it ends: the caller's write gate keeps its other writes away.
   * A statement that fails inside it leaves it open, as @libsql/client's would.
   */
  transaction(): Transaction {
    this.run("BEGIN IMMEDIATE");
    return transactionOver({
      // Each statement on its own, so that the one that fails is known.
      run: async (stmts, asBatch) =>
        stmts.map((stmt, index) =>
          this.#inTransaction(
            stmt,
            () => this.#step(stmt),
            (error) => (asBatch ? batchError(error, index) : libsqlError(error)),
          ),
        ),
      script: async (sql) => {
        this.#inTransaction(sql, () => this.#db.exec(sql), libsqlError);
      },
      end: async (commit) => this.#end(commit),
    });
  }

  /** One statement (or script) of an open transaction. A failed statement is prepared afresh next time; if SQLite ended the transaction, the connection is renewed. */
  #inTransaction<T>(stmt: InStatement, work: () => T, reported: (error: unknown) => unknown): T {
    const sql = this.#sqlOf(stmt);
    try {
      return work();
    } catch (error) {
      this.#statements.forget(sql);
      if (!this.#db.inTransaction) this.#recover();
      throw reported(error);
    }
  }

  #end(commit: boolean): void {
    // Closed meanwhile (the client was closed): the transaction ended with the connection, rolled back.
    // A closed connection must not be asked anything: the driver aborts the process.
    if (this.#closed) {
      if (commit) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
      return;
    }
    try {
      if (this.#db.inTransaction) this.#step(commit ? "COMMIT" : "ROLLBACK");
    } catch (error) {
      this.#recover();
      throw libsqlError(error);
    }
  }

  /** A batch's statements in turn: their results, or the error of the first that fails (those after it do not run). */
  #stepAll(stmts: BatchStatement[]): ResultSet[] | Error {
    const results: ResultSet[] = [];
    for (const [index, stmt] of stmts.entries()) {
      try {
        results.push(this.#step(statementOf(stmt)));
      } catch (error) {
        return batchError(error, index);
      }
    }
    return results;
  }

  #query(stmt: InStatement): { values: unknown[][]; columns: Columns } {
    const sql = this.#sqlOf(stmt);
    try {
      const { stmt: prepared, reader, facts: columns } = this.#statements.get(sql);
      if (!reader) throw new TypeError(`Not a query: ${sql.slice(0, 60)}`);
      return { values: prepared.all(argumentsOf(stmt)) as unknown[][], columns };
    } catch (error) {
      this.#recover();
      throw libsqlError(error);
    }
  }

  #step(stmt: InStatement): ResultSet {
    const { stmt: prepared, reader, facts: columns } = this.#statements.get(this.#sqlOf(stmt));
    const args = argumentsOf(stmt);
    if (reader)
      return resultSetOf(
        columns,
        (prepared.all(args) as unknown[][]).map((row) => rowOf(row, columns)),
        0,
        undefined,
      );
    const info = prepared.run(args) as { changes: number; lastInsertRowid: number | bigint };
    return resultSetOf(noColumns, [], info.changes, BigInt(info.lastInsertRowid));
  }

  #sqlOf(stmt: InStatement): string {
    if (this.#closed) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
    return typeof stmt === "string" ? stmt : stmt.sql;
  }

  /** Forgets every prepared statement, as after a change of the schema. */
  forgetStatements(): void {
    this.#statements.clear();
  }

  /**
   * After a failure: a transaction left open is rolled back, and the connection is replaced,
   * as a statement stopped mid-way is not reset (the driver cannot be asked to) and would keep
   * its snapshot. The old connection goes with its statements.
   */
  #recover(): void {
    if (this.#closed) return;
    try {
      if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
    } catch {
      // Closing the connection below ends the transaction too.
    }
    this.#statements.clear();
    this.#db.close();
    this.#db = openFileConnection(this.#path, this.#busyTimeoutMs);
    this.#statements = new PreparedStatements(this.#db, preparedStatementsKept, columnsOf);
  }

  close(): void {
    this.#closed = true;
    this.#statements.clear();
    this.#db.close();
  }
}
