import { randomBytes } from "node:crypto";
import { clearTimeout, setTimeout } from "node:timers";
import type { Connection } from "./connection.ts";
import type { DatabaseEntry } from "./databases.ts";
import { ProtocolError, StreamExpiredError } from "./protocol.ts";

/** How long an expired stream's id is remembered, so its baton gets "expired" rather than "invalid". */
const EXPIRED_MEMORY_MS = 5 * 60_000;

function token(): string {
  return randomBytes(12).toString("base64url");
}

/** A Hrana stream: one connection, its stored SQL texts, and the baton that currently unlocks it. */
export class Stream {
  readonly id = token();
  nonce = token();
  conn: Connection | undefined;
  readonly sqls = new Map<number, string>();
  /** Set while a request works on the stream; a second request with the same baton is refused meanwhile. */
  busy = true;
  timer: ReturnType<typeof setTimeout> | undefined;

  readonly database: DatabaseEntry;

  constructor(database: DatabaseEntry, conn: Connection) {
    this.database = database;
    this.conn = conn;
  }
}

/**
 * Streams and batons. A baton is `<stream id>.<nonce>`; the nonce changes with every response, so each baton
 * works exactly once, and a stream left idle for longer than the timeout is rolled back and closed.
 */
export class StreamRegistry {
  readonly #streams = new Map<string, Stream>();
  readonly #expired = new Map<string, number>();
  readonly #idleTimeoutMs: number;

  constructor(idleTimeoutMs: number) {
    this.#idleTimeoutMs = idleTimeoutMs;
  }

  get size(): number {
    return this.#streams.size;
  }

  /** Opens a new stream (no baton) or takes the one the baton belongs to; the stream is busy until release(). */
  acquire(baton: string | null, database: DatabaseEntry): Stream {
    if (baton === null) {
      const stream = new Stream(database, database.openConnection());
      this.#streams.set(stream.id, stream);
      return stream;
    }
    const dot = baton.indexOf(".");
    const id = dot < 0 ? baton : baton.slice(0, dot);
    const stream = this.#streams.get(id);
    if (stream === undefined) {
      if (this.#expired.has(id)) throw new StreamExpiredError();
      throw new ProtocolError("Received an invalid baton");
    }
    if (stream.database !== database) throw new ProtocolError("Received an invalid baton");
    if (stream.busy || baton.slice(dot + 1) !== stream.nonce) throw new ProtocolError("Received a baton that has already been used");
    stream.busy = true;
    clearTimeout(stream.timer);
    stream.nonce = token();
    return stream;
  }

  /** Ends a request on the stream and returns the baton for the next one, or null when the stream is closed. */
  release(stream: Stream): string | null {
    stream.busy = false;
    if (stream.conn === undefined) {
      this.#streams.delete(stream.id);
      return null;
    }
    stream.timer = setTimeout(() => this.#expire(stream), this.#idleTimeoutMs);
    stream.timer.unref();
    return `${stream.id}.${stream.nonce}`;
  }

  /** Rolls back whatever the stream left open, frees the lock and returns the connection to its database. */
  close(stream: Stream): void {
    const conn = stream.conn;
    clearTimeout(stream.timer);
    if (!stream.busy) this.#streams.delete(stream.id);
    if (conn === undefined) return;
    stream.conn = undefined;
    stream.sqls.clear();
    // Roll back before letting the next stream in, or it would find the database locked.
    conn.rollback();
    stream.database.lock.release(stream);
    stream.database.releaseConnection(conn);
  }

  closeAll(database?: DatabaseEntry): void {
    for (const stream of [...this.#streams.values()]) {
      if (database === undefined || stream.database === database) this.close(stream);
    }
  }

  #expire(stream: Stream): void {
    if (stream.busy) return;
    this.close(stream);
    const now = Date.now();
    this.#expired.set(stream.id, now);
    for (const [id, at] of this.#expired) {
      if (now - at < EXPIRED_MEMORY_MS) break;
      this.#expired.delete(id);
    }
  }
}
