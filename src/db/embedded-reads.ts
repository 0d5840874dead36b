/**
 * Reads of the embedded database on a connection of their own, with what the libSQL
 * client's file driver does not do: its prepared statements are kept and reused (the client
 * prepares every statement afresh, and compiling SQL was the largest cost of a small read),
 * and result rows are built cheaply (the client defines every column of every row with
 * `Object.defineProperty`, the largest cost of a long read). The results are the client's
 * own shape: each row has the columns as enumerable properties, and the values by index
 * and a `length` that are not enumerable (here they sit on a prototype shared by all rows of
 * one column list).
 *
 * In WAL mode a separate connection reads what has been committed; the client's writes
 * commit before they resolve, so a read that follows a write sees it. Reads inside a
 * transaction still go through the transaction's own connection.
 */
import { type InStatement, LibsqlError, type ResultSet, type Row } from "@libsql/client";
import Database from "libsql";

/** Prepared statements kept per connection: the app's distinct queries, with room to spare. */
export const preparedStatementsKept = 500;

type Statement = ReturnType<InstanceType<typeof Database>["prepare"]>;

/** A statement kept, with what its results look like (asking the driver each time costs a native call per column). */
interface Prepared {
  statement: Statement;
  columns: string[];
  columnTypes: string[];
  prototype: object | null;
}

/** The database file of a `file:` URL, or undefined where a second connection would not reach the same database. */
export function embeddedPath(url: string): string | undefined {
  if (!url.startsWith("file:") || url.includes("?") || url.includes(":memory:")) return undefined;
  let path = url.slice("file:".length);
  // file:///absolute and file://localhost/absolute
  if (path.startsWith("//")) path = path.replace(/^\/\/(localhost)?/, "");
  return path === "" ? undefined : decodeURIComponent(path);
}

const minSafe = BigInt(Number.MIN_SAFE_INTEGER);
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** A value read, as the client gives it (integers as numbers, refused beyond what a number holds exactly). */
function fromSql(value: unknown): unknown {
  if (typeof value === "bigint") {
    if (value < minSafe || value > maxSafe)
      throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
    return Number(value);
  }
  if (Buffer.isBuffer(value)) return (value as Buffer).buffer;
  return value;
}

/** An argument, as the client passes it. */
function toSql(value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value))
    throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  return value;
}

function argsOf(stmt: InStatement): unknown[] | Record<string, unknown> {
  if (typeof stmt === "string" || stmt.args === undefined) return [];
  if (Array.isArray(stmt.args)) return stmt.args.map(toSql);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(stmt.args)) named[/^[@$:]/.test(name) ? name.slice(1) : name] = toSql(value);
  return named;
}

/** An SQLite error as the client reports it, so that busy and constraint errors are told apart the same way. */
function asLibsqlError(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const raw = (error as { rawCode?: number }).rawCode;
  const base = raw === undefined ? "SQLITE_UNKNOWN" : (sqliteCodes[raw & 0xff] ?? `SQLITE_UNKNOWN_${raw & 0xff}`);
  return new LibsqlError(error.message, base, error.code, raw, error);
}

const sqliteCodes: Record<number, string> = {
  1: "SQLITE_ERROR",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
};

const canonicalIndex = /^(0|[1-9]\d*)$/;

/**
 * The prototype of the rows of one column list: values by index and `length`, read from
 * the named properties. Null where names collide (twice the same name, a name that is an
 * index or `length`): those rows are built property by property, as the client does.
 */
const prototypes = new Map<string, object | null>();

function rowPrototype(columns: string[]): object | null {
  const key = columns.join("\u0000");
  const known = prototypes.get(key);
  if (known !== undefined) return known;
  const plain =
    new Set(columns).size === columns.length &&
    columns.every((name) => name !== "length" && name !== "__proto__" && !canonicalIndex.test(name));
  let prototype: object | null = null;
  if (plain) {
    prototype = {};
    Object.defineProperty(prototype, "length", { value: columns.length });
    columns.forEach((name, index) => {
      Object.defineProperty(prototype, index, {
        get(this: Record<string, unknown>) {
          return this[name];
        },
      });
    });
  }
  // Column lists are the app's queries: few. A bound keeps a pathological caller from growing it.
  if (prototypes.size >= 2000) prototypes.clear();
  prototypes.set(key, prototype);
  return prototype;
}

function rowOf(values: unknown[], columns: string[], prototype: object | null): Row {
  if (prototype) {
    const row = Object.create(prototype) as Record<string, unknown>;
    for (let i = 0; i < columns.length; i++) row[columns[i] as string] = fromSql(values[i]);
    return row as Row;
  }
  const row: Record<string | number, unknown> = {};
  Object.defineProperty(row, "length", { value: values.length });
  for (let i = 0; i < values.length; i++) {
    const value = fromSql(values[i]);
    Object.defineProperty(row, i, { value });
    const name = columns[i] as string;
    if (!Object.hasOwn(row, name)) Object.defineProperty(row, name, { value, enumerable: true, configurable: true, writable: true });
  }
  return row as Row;
}

export class EmbeddedReads {
  readonly #path: string;
  readonly #timeoutMs: number;
  #db: InstanceType<typeof Database> | undefined;
  #closed = false;
  readonly #statements = new Map<string, Prepared>();

  constructor(path: string, timeoutMs: number) {
    this.#path = path;
    this.#timeoutMs = timeoutMs;
  }

  #connection() {
    if (this.#closed) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
    this.#db ??= new Database(this.#path, { timeout: this.#timeoutMs } as never);
    return this.#db;
  }

  #prepared(sql: string): Prepared {
    const kept = this.#statements.get(sql);
    if (kept) {
      // Least recently used last out: a Map iterates in insertion order.
      this.#statements.delete(sql);
      this.#statements.set(sql, kept);
      return kept;
    }
    const statement = this.#connection().prepare(sql);
    statement.safeIntegers(true);
    statement.raw(true);
    const info = statement.columns();
    const columns = info.map((column) => column.name);
    const prepared = { statement, columns, columnTypes: info.map((column) => column.type ?? ""), prototype: rowPrototype(columns) };
    this.#statements.set(sql, prepared);
    if (this.#statements.size > preparedStatementsKept) {
      const oldest = this.#statements.keys().next();
      if (!oldest.done) this.#statements.delete(oldest.value);
    }
    return prepared;
  }

  /** One statement that only reads (see isReadOnlySql). */
  async execute(stmt: InStatement): Promise<ResultSet> {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    try {
      const { statement, columns, columnTypes, prototype } = this.#prepared(sql);
      const values = statement.all(argsOf(stmt)) as unknown[][];
      const rows = values.map((value) => rowOf(value, columns, prototype));
      return {
        columns,
        columnTypes,
        rows,
        rowsAffected: 0,
        lastInsertRowid: undefined,
        toJSON() {
          return { columns, columnTypes, rows: rows.map((row) => Array.prototype.slice.call(row)), rowsAffected: 0, lastInsertRowid: null };
        },
      };
    } catch (error) {
      // A statement stopped part-way (a lock, say) may keep its read transaction open, and the
      // connection would go on reading that old snapshot: start afresh on a new connection.
      this.#drop();
      throw asLibsqlError(error);
    }
  }

  #drop() {
    this.#statements.clear();
    try {
      this.#db?.close();
    } catch {
      // closing an unusable connection: nothing to do
    }
    this.#db = undefined;
  }

  /** Closes the connection; reads fail as the client's do once it is closed, until `reopen`. */
  close() {
    this.#closed = true;
    this.#drop();
  }

  /** After `close`: the next read opens a new connection. */
  reopen() {
    this.close();
    this.#closed = false;
  }
}
