import type Database from "libsql";

/** A statement prepared once on a connection, with what its callers learn of it once. */
export interface PreparedStatement<Facts> {
  stmt: Database.Statement;
  /** Whether it returns rows (a SELECT, a RETURNING); such statements are in raw mode: rows are arrays. */
  reader: boolean;
  facts: Facts;
}

/**
 * The statements of one embedded connection, each SQL text prepared once and kept, the most
 * recently used first, up to `size` of them. Preparing is the larger part of a short query's
 * cost (SQLite parses and plans the text anew each time), and the app sends the same texts
 * over and over. Integers come back as bigint (`safeIntegers`), so callers decide how to read them.
 *
 * A kept statement holds no snapshot between uses: the driver resets it once its rows are
 * read, so a later statement on the connection sees every commit before it.
 */
export class PreparedStatements<Facts = undefined> {
  readonly #cache = new Map<string, PreparedStatement<Facts>>();
  readonly #db: Database.Database;
  readonly #size: number;
  readonly #learn: (stmt: Database.Statement, sql: string) => Facts;

  /**
   * `learn` is what to learn of a statement once, when it is prepared (its columns, its
   * parameters). No parameter properties here: the query thread loads this file with Node's
   * own type stripping, which does not take them.
   */
  constructor(db: Database.Database, size: number, learn: (stmt: Database.Statement, sql: string) => Facts) {
    this.#db = db;
    this.#size = size;
    this.#learn = learn;
  }

  get(sql: string): PreparedStatement<Facts> {
    const cached = this.#cache.get(sql);
    if (cached !== undefined) {
      // Re-inserted to keep the map in least-recently-used order.
      this.#cache.delete(sql);
      this.#cache.set(sql, cached);
      return cached;
    }
    const stmt = this.#db.prepare(sql);
    const reader = stmt.reader;
    // raw() throws for statements that return no data.
    if (reader) stmt.raw(true);
    stmt.safeIntegers(true);
    const prepared = { stmt, reader, facts: this.#learn(stmt, sql) };
    this.#cache.set(sql, prepared);
    if (this.#cache.size > this.#size) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return prepared;
  }

  has(sql: string): boolean {
    return this.#cache.has(sql);
  }

  /** Forgets one statement: after it failed mid-way, its state is unknown, so it is prepared afresh next time. */
  forget(sql: string): void {
    this.#cache.delete(sql);
  }

  /**
   * Forgets every statement. Before the connection closes: the driver only really closes a
   * connection once no statement prepared on it is referenced any more.
   */
  clear(): void {
    this.#cache.clear();
  }
}

// Indexed by the primary result code (the low byte of an extended code).
const primaryCodes = [
  "SQLITE_OK",
  "SQLITE_ERROR",
  "SQLITE_INTERNAL",
  "SQLITE_PERM",
  "SQLITE_ABORT",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_NOMEM",
  "SQLITE_READONLY",
  "SQLITE_INTERRUPT",
  "SQLITE_IOERR",
  "SQLITE_CORRUPT",
  "SQLITE_NOTFOUND",
  "SQLITE_FULL",
  "SQLITE_CANTOPEN",
  "SQLITE_PROTOCOL",
  "SQLITE_EMPTY",
  "SQLITE_SCHEMA",
  "SQLITE_TOOBIG",
  "SQLITE_CONSTRAINT",
  "SQLITE_MISMATCH",
  "SQLITE_MISUSE",
  "SQLITE_NOLFS",
  "SQLITE_AUTH",
  "SQLITE_FORMAT",
  "SQLITE_RANGE",
  "SQLITE_NOTADB",
  "SQLITE_NOTICE",
  "SQLITE_WARNING",
];

/** The primary result code (SQLITE_CONSTRAINT) of a driver error's raw, extended code (that of SQLITE_CONSTRAINT_UNIQUE). */
export function primaryCode(rawCode: number): string | undefined {
  return primaryCodes[rawCode & 0xff];
}
