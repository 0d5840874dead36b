import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { copyFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Connection, type ConnectionOptions, StmtError } from "./connection.ts";
import { DatabaseLock } from "./lock.ts";

/** Letters, digits, `-` and `_`: safe as a file name and as a URL path segment, and never `..`. */
export const DATABASE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Statements as the client sent them: an `execute` is one, a batch its steps without the
 * BEGIN/COMMIT/ROLLBACK a client wraps it in. A round trip is one HTTP request that carried
 * at least one statement.
 */
export interface DatabaseCounts {
  statements: number;
  roundTrips: number;
}

export interface DatabaseSettings {
  directory: string;
  maxIdleConnections: number;
  lockTimeoutMs: number;
  connection: ConnectionOptions;
}

/** One database file: its write lock and a pool of connections that streams borrow. */
export class DatabaseEntry {
  readonly lock = new DatabaseLock();
  readonly #idle: Connection[] = [];
  readonly #settings: DatabaseSettings;
  deleted = false;
  /** When a stream last took or returned a connection; see closeIdleConnections(). */
  lastUsed = Date.now();
  /** What clients asked of this database, for benchmarks and tests that count a request's work (`GET /_bridge/databases/<name>/counts`). */
  readonly counts: DatabaseCounts = { statements: 0, roundTrips: 0 };

  readonly name: string;
  readonly path: string;

  constructor(name: string, path: string, settings: DatabaseSettings) {
    this.name = name;
    this.path = path;
    this.#settings = settings;
  }

  /** Creates the file if needed and switches it to WAL, with a connection that is closed again at once. */
  initialize(): void {
    // A connection that never prepared a statement is freed by close() right away; see Connection.
    new Connection(this.path, this.#settings.connection).close();
  }

  openConnection(): Connection {
    this.lastUsed = Date.now();
    for (let conn = this.#idle.pop(); conn !== undefined; conn = this.#idle.pop()) {
      try {
        conn.reset();
        return conn;
      } catch {
        conn.close();
      }
    }
    return new Connection(this.path, this.#settings.connection);
  }

  /** Takes a connection back from a stream; one that carries state the next stream should not inherit is closed instead. */
  releaseConnection(conn: Connection): void {
    this.lastUsed = Date.now();
    conn.rollback();
    let reusable = !this.deleted && !conn.closed && conn.isAutocommit && this.#idle.length < this.#settings.maxIdleConnections;
    if (reusable) {
      try {
        reusable = !conn.hasTemporaryObjects();
      } catch {
        reusable = false;
      }
    }
    if (reusable) this.#idle.push(conn);
    else conn.close();
  }

  /**
   * Closes pooled connections, e.g. of a test's database once the test is over. Each keeps a few file
   * descriptors open (database, log, shared memory) until the driver frees it after garbage collection.
   */
  closeIdleConnections(): void {
    for (const conn of this.#idle.splice(0)) conn.close();
  }

  /** Makes the database file self-contained and copies it; waits for any open transaction to finish first. */
  async copyTo(targetPath: string): Promise<void> {
    const owner = {};
    await this.lock.acquire(owner, this.#settings.lockTimeoutMs);
    try {
      const conn = this.openConnection();
      try {
        conn.checkpoint();
      } finally {
        this.releaseConnection(conn);
      }
      const temporary = `${targetPath}.${randomBytes(4).toString("hex")}.tmp`;
      await copyFile(this.path, temporary);
      await rename(temporary, targetPath);
    } finally {
      this.lock.release(owner);
    }
  }
}

export class DatabaseRegistry {
  readonly #settings: DatabaseSettings;
  readonly #entries = new Map<string, DatabaseEntry>();
  readonly #reserved = new Set<string>();

  constructor(settings: DatabaseSettings) {
    this.#settings = settings;
    mkdirSync(settings.directory, { recursive: true });
  }

  pathOf(name: string): string {
    return join(this.#settings.directory, `${name}.db`);
  }

  exists(name: string): boolean {
    return this.#entries.has(name) || this.#reserved.has(name) || existsSync(this.pathOf(name));
  }

  /** The entry for an existing database, or a new empty one when `create` is set; undefined otherwise. */
  get(name: string, create: boolean): DatabaseEntry | undefined {
    const known = this.#entries.get(name);
    if (known !== undefined) return known;
    if (this.#reserved.has(name)) return undefined;
    const path = this.pathOf(name);
    if (!create && !existsSync(path)) return undefined;
    const entry = new DatabaseEntry(name, path, this.#settings);
    this.#entries.set(name, entry);
    return entry;
  }

  /** Creates a database, empty or as a copy of `template`. The caller checks that the name is free. */
  async create(name: string, template: DatabaseEntry | undefined): Promise<DatabaseEntry> {
    this.#reserved.add(name);
    const path = this.pathOf(name);
    try {
      // Leftovers of an earlier database with this name would be taken for this one's log.
      await rm(`${path}-wal`, { force: true });
      await rm(`${path}-shm`, { force: true });
      if (template !== undefined) await template.copyTo(path);
    } finally {
      this.#reserved.delete(name);
    }
    const entry = this.get(name, true);
    if (entry === undefined) throw new Error(`Database "${name}" vanished while being created`);
    entry.initialize();
    return entry;
  }

  /** Forgets a database and removes its files. Streams on it must have been closed already. */
  async delete(name: string): Promise<boolean> {
    const entry = this.#entries.get(name);
    const path = this.pathOf(name);
    if (entry === undefined && !existsSync(path)) return false;
    if (entry !== undefined) {
      entry.deleted = true;
      entry.lock.abort(new StmtError(`Database "${name}" was deleted`, "DATABASE_DELETED"));
      entry.closeIdleConnections();
      this.#entries.delete(name);
    }
    await Promise.all([rm(path, { force: true }), rm(`${path}-wal`, { force: true }), rm(`${path}-shm`, { force: true })]);
    return true;
  }

  entries(): DatabaseEntry[] {
    return [...this.#entries.values()];
  }
}
