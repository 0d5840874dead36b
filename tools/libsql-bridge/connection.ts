import Database from "libsql";
import { PreparedStatements, primaryCode } from "../../src/db/prepared-statements.ts";
import { type DescribeResult, encodeValue, type ProtoError, type SqlValue, type StmtResult } from "./protocol.ts";
import { type StatementInfo, splitSql } from "./sql.ts";

/** How long a bridge connection waits for another process's lock. */
export const bridgeBusyTimeoutMs = 1000;

/** An error that belongs in a stream result (the request failed, the stream lives on), unlike a ProtocolError. */
export class StmtError extends Error {
  override name = "StmtError";

  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }

  toProto(): ProtoError {
    return { message: this.message, code: this.code };
  }
}

export interface ConnectionOptions {
  /**
   * sqld reports only the primary result code (SQLITE_CONSTRAINT, not SQLITE_CONSTRAINT_UNIQUE), so by default
   * we do too: code that relies on extended codes would pass against the bridge and fail in production.
   */
  extendedErrorCodes: boolean;
}

export function toStmtError(error: unknown, options: ConnectionOptions): StmtError {
  if (error instanceof StmtError) return error;
  const details = error as { message?: unknown; code?: unknown; rawCode?: unknown };
  const message = typeof details?.message === "string" ? details.message : String(error);
  const extended = typeof details?.code === "string" && details.code.startsWith("SQLITE_") ? details.code : undefined;
  if (extended === undefined) return new StmtError(message, "SQLITE_UNKNOWN");
  const primary = typeof details.rawCode === "number" ? primaryCode(details.rawCode) : undefined;
  return new StmtError(`SQLite error: ${message}`, options.extendedErrorCodes ? extended : (primary ?? extended));
}

const STATEMENT_CACHE_SIZE = 100;

function singleStatement(sql: string): StatementInfo {
  const statements = splitSql(sql);
  const first = statements[0];
  if (first === undefined) throw new StmtError("SQL string does not contain any statement", "SQL_NO_STATEMENT");
  if (statements.length > 1) throw new StmtError("SQL string contains more than one statement", "SQL_MANY_STATEMENTS");
  return first;
}

function argsInvalid(detail: string): StmtError {
  return new StmtError(`Arguments do not match SQL parameters: ${detail}`, "ARGS_INVALID");
}

/** Binds Hrana arguments to parameter indexes exactly as sqld's `Params::bind` does. */
export function bindArguments(info: StatementInfo, args: SqlValue[], namedArgs: { name: string; value: SqlValue }[]): SqlValue[] {
  if (args.length > 0 && namedArgs.length > 0) {
    throw new StmtError("Specifying both positional and named arguments is not supported", "ARGS_BOTH_POSITIONAL_AND_NAMED");
  }
  const named = namedArgs.length > 0 ? new Map(namedArgs.map((arg) => [arg.name, arg.value])) : undefined;
  const count = info.params.length;
  const given = named?.size ?? args.length;
  if (given > count) throw argsInvalid(`too many parameters, expected ${count} found ${given}`);
  const values: SqlValue[] = [];
  for (let index = 1; index <= count; index++) {
    const name = info.params[index - 1] ?? null;
    let value: SqlValue | undefined;
    if (name === null || name.startsWith("?")) {
      const position = name === null ? index : Number(name.slice(1));
      value = named === undefined ? args[position - 1] : undefined;
    } else if (named !== undefined) {
      value = named.has(name) ? named.get(name) : named.get(name.slice(1));
    }
    if (value === undefined) {
      // sqld lets EXPLAIN run with missing arguments; they are NULL then.
      if (info.isExplain) break;
      throw argsInvalid(`value for parameter ${name ?? index} not found`);
    }
    values.push(value);
  }
  return values;
}

/**
 * One libSQL connection. The `libsql` driver only really closes a connection once every statement prepared on
 * it has been garbage collected, and an open transaction lives on until then, so connections are long-lived
 * (pooled per database), statements are cached, and a transaction is always rolled back explicitly.
 */
export class Connection {
  readonly #db: Database.Database;
  readonly #options: ConnectionOptions;
  readonly #statements: PreparedStatements<StatementInfo>;
  #changes: Database.Statement | undefined;
  #temporaryObjects: Database.Statement | undefined;
  #closed = false;

  constructor(path: string, options: ConnectionOptions) {
    this.#options = options;
    // Streams of this bridge never wait here for each other (they queue at the database's lock); the busy
    // timeout is for other processes on the same file, such as `npm run tick` beside `npm run dev`. The
    // bridge retries nothing itself, so it waits in SQLite's busy handler, event loop and all: a tool for
    // development, where a second's stall is better than a write refused.
    this.#db = new Database(path, { timeout: bridgeBusyTimeoutMs });
    this.#statements = new PreparedStatements(this.#db, STATEMENT_CACHE_SIZE, (_stmt, sql) => singleStatement(sql));
    try {
      // WAL lets readers proceed during a write, and is persistent, so this is a no-op after the first time.
      // NORMAL skips the fsync per commit: a power cut may lose the last commits, which is fine for development.
      this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
      this.reset();
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  /** Puts connection state that a previous stream may have changed back to what every new stream expects. */
  reset(): void {
    this.#db.exec("PRAGMA foreign_keys = ON");
  }

  get isAutocommit(): boolean {
    return !this.#db.inTransaction;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether a stream left connection-local objects (temporary tables, views, triggers) that the next one should not see. */
  hasTemporaryObjects(): boolean {
    if (this.#temporaryObjects === undefined) {
      this.#temporaryObjects = this.#db.prepare("SELECT count(*) FROM temp.sqlite_schema");
      this.#temporaryObjects.raw(true);
    }
    const rows = this.#temporaryObjects.all() as unknown[][];
    return Number(rows[0]?.[0] ?? 0) > 0;
  }

  #changesAndRowid(): [number, bigint] {
    if (this.#changes === undefined) {
      this.#changes = this.#db.prepare("SELECT changes(), last_insert_rowid()");
      this.#changes.raw(true);
      this.#changes.safeIntegers(true);
    }
    const row = (this.#changes.all() as unknown[][])[0] ?? [];
    return [Number(row[0] ?? 0), BigInt((row[1] as bigint | undefined) ?? 0n)];
  }

  execute(sql: string, args: SqlValue[], namedArgs: { name: string; value: SqlValue }[], wantRows: boolean): StmtResult {
    // Refuses an empty text or several statements before anything is prepared.
    const info = this.#statements.has(sql) ? this.#statements.get(sql).facts : singleStatement(sql);
    const values = bindArguments(info, args, namedArgs);
    try {
      const { stmt, reader } = this.#statements.get(sql);
      let cols: StmtResult["cols"] = [];
      let rows: StmtResult["rows"] = [];
      if (reader) {
        const raw = stmt.all(values) as unknown[][];
        cols = stmt.columns().map((col) => ({ name: col.name, decltype: col.type }));
        if (wantRows) rows = raw.map((row) => row.map(encodeValue));
      } else {
        stmt.run(values);
      }
      // Like sqld: changes() is stale after anything but INSERT/UPDATE/DELETE, and the rowid only means something after an INSERT.
      let affected = 0;
      let lastInsertRowid: string | null = null;
      if (info.isIud) {
        const [changes, rowid] = this.#changesAndRowid();
        affected = changes;
        if (info.isInsert) lastInsertRowid = rowid.toString();
      }
      return { cols, rows, affected_row_count: affected, last_insert_rowid: lastInsertRowid };
    } catch (error) {
      this.#statements.forget(sql);
      throw toStmtError(error, this.#options);
    }
  }

  /** Runs several statements separated by semicolons, stopping at the first error. */
  sequence(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw toStmtError(error, this.#options);
    }
  }

  describe(sql: string): DescribeResult {
    const info = singleStatement(sql);
    try {
      const { stmt } = this.#statements.get(sql);
      return {
        params: info.params.map((name) => ({ name })),
        cols: stmt.columns().map((col) => ({ name: col.name, decltype: col.type })),
        is_explain: info.isExplain,
        is_readonly: this.#isReadonly(info.body),
      };
    } catch (error) {
      this.#statements.forget(sql);
      throw toStmtError(error, this.#options);
    }
  }

  /**
   * What sqlite3_stmt_readonly() answers, which the driver does not expose: a program is read-only unless it
   * opens a write transaction or checkpoints, vacuums or changes the journal mode (see resolveP2Values in vdbeaux.c).
   */
  #isReadonly(body: string): boolean {
    const explain = this.#db.prepare(`EXPLAIN ${body}`);
    explain.raw(true);
    const program = explain.all() as unknown[][];
    return !program.some(([, opcode, , p2]) => {
      if (opcode === "Transaction") return Number(p2) !== 0;
      return opcode === "Vacuum" || opcode === "Checkpoint" || opcode === "JournalMode";
    });
  }

  /** Ends an open transaction so that its locks go away now rather than whenever the driver frees the connection. */
  rollback(): void {
    if (this.#closed || this.isAutocommit) return;
    try {
      this.#db.exec("ROLLBACK");
    } catch {
      // Nothing else can be done; the connection is unusable if even ROLLBACK fails, and the caller drops it.
    }
  }

  /** Copies everything from the write-ahead log into the database file, so that the file alone is a full copy. */
  checkpoint(): void {
    const stmt = this.#db.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    stmt.raw(true);
    const [busy] = ((stmt.all() as unknown[][])[0] ?? []) as unknown[];
    if (Number(busy) !== 0) throw new Error("The database is busy; could not checkpoint it");
  }

  close(): void {
    if (this.#closed) return;
    this.rollback();
    this.#closed = true;
    this.#statements.clear();
    this.#changes = undefined;
    this.#temporaryObjects = undefined;
    this.#db.close();
  }
}
