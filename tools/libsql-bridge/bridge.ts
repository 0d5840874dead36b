import { randomBytes } from "node:crypto";
import { clearInterval, setInterval } from "node:timers";
import { executeBatch, resolveSql, resolveSteps, toBatchResult, toCursorEntries } from "./batch.ts";
import { type Connection, StmtError } from "./connection.ts";
import { DATABASE_NAME, type DatabaseCounts, type DatabaseEntry, DatabaseRegistry } from "./databases.ts";
import { LockTimeoutError } from "./lock.ts";
import {
  type CursorEntry,
  decodeCursorRequest,
  decodePipelineRequest,
  type PipelineResponseBody,
  ProtocolError,
  type ProtoError,
  StreamExpiredError,
  type StreamRequest,
  type StreamResponse,
  type StreamResult,
  type Version,
} from "./protocol.ts";
import { type Stream, StreamRegistry } from "./streams.ts";

export interface HranaBridgeOptions {
  /** Where the database files (`<name>.db`) live; created if missing. */
  directory: string;
  /** The database served at the root URL; created on first use. Default "default". */
  defaultDatabase?: string;
  /** Create unknown databases on first use instead of answering 404. Default false. */
  autoCreate?: boolean;
  /** How long a request waits for another stream's transaction before failing with SQLITE_BUSY. Default 5000. */
  lockTimeoutMs?: number;
  /** Idle streams are rolled back and closed after this long. Default 30000. */
  streamIdleTimeoutMs?: number;
  /** Idle connections kept per database for reuse. Default 4. */
  maxIdleConnections?: number;
  /** Pooled connections of a database nobody used for this long are closed. Default 15000. */
  idleConnectionTimeoutMs?: number;
  /** Report extended result codes (SQLITE_CONSTRAINT_UNIQUE) instead of sqld's primary ones (SQLITE_CONSTRAINT). Default false. */
  extendedErrorCodes?: boolean;
  /** Path prefix under which the handler is mounted, e.g. "/hrana". Default "". */
  basePath?: string;
  /** Called with unexpected errors (bugs), which are answered with HTTP 500. Default console.error. */
  onError?: (error: unknown) => void;
}

export interface CreateDatabaseOptions {
  /** Default: a random name. */
  name?: string;
  /** Name of a database to copy, e.g. a migrated template. */
  template?: string;
}

export interface HranaBridge {
  fetch(request: Request): Promise<Response>;
  /** Creates a database and returns its name; its URL is `<origin><basePath>/db/<name>/`. */
  createDatabase(options?: CreateDatabaseOptions): Promise<string>;
  /** Closes a database's streams and removes its files; false if it did not exist. */
  deleteDatabase(name: string): Promise<boolean>;
  /** What clients have asked of a database so far (see DatabaseCounts); undefined if it does not exist. */
  counts(name: string): DatabaseCounts | undefined;
  close(): Promise<void>;
}

class AdminError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Endpoint names, which a database URL without its trailing slash ends up with in place of the database name. */
const RESERVED_NAMES = new Set(["v2", "v3", "v3-protobuf"]);

function validName(name: string): boolean {
  return DATABASE_NAME.test(name) && !RESERVED_NAMES.has(name);
}

const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|END)\b/i;

/** Adds one HTTP request's statements to its database's counts (see DatabaseCounts). */
function count(database: DatabaseEntry, requests: StreamRequest[], stored: ReadonlyMap<number, string>): void {
  let statements = 0;
  for (const request of requests) {
    if (request.type === "execute") statements += 1;
    if (request.type === "batch") {
      // A stored text not known yet is stored later in the same request, or fails it: counted all the same.
      for (const { stmt } of request.steps) {
        const sql = stmt.ref.sql !== undefined ? stmt.ref.sql : (stored.get(stmt.ref.sqlId) ?? "");
        if (!TRANSACTION_CONTROL.test(sql)) statements += 1;
      }
    }
  }
  if (statements === 0) return;
  database.counts.statements += statements;
  database.counts.roundTrips += 1;
}

const MAX_STORED_SQL = 50;
const MAX_STORED_SQL_BYTES = 5000;

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain" } });
}

function json(status: number, body: unknown): Response {
  // The client recognises error bodies only by the exact content type "application/json".
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

type Locked<T> = { ok: true; value: T } | { ok: false; error: ProtoError };

/** Per-pipeline state: once the lock could not be had, later requests fail at once instead of waiting again. */
interface PipelineContext {
  busy: ProtoError | undefined;
}

function requireConnection(stream: Stream): Connection {
  if (stream.conn === undefined) throw new ProtocolError("Stream for this baton was closed");
  return stream.conn;
}

function readJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new ProtocolError(`Cannot deserialize client message from JSON: ${(error as Error).message}`);
  }
}

class Bridge implements HranaBridge {
  readonly #databases: DatabaseRegistry;
  readonly #streams: StreamRegistry;
  readonly #defaultDatabase: string;
  readonly #autoCreate: boolean;
  readonly #lockTimeoutMs: number;
  readonly #basePath: string;
  readonly #onError: (error: unknown) => void;
  readonly #sweeper: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(options: HranaBridgeOptions) {
    this.#defaultDatabase = options.defaultDatabase ?? "default";
    if (!validName(this.#defaultDatabase)) throw new Error(`Invalid default database name "${this.#defaultDatabase}"`);
    this.#autoCreate = options.autoCreate ?? false;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 5000;
    this.#basePath = (options.basePath ?? "").replace(/\/+$/, "");
    this.#onError = options.onError ?? ((error) => console.error("hrana bridge:", error));
    this.#databases = new DatabaseRegistry({
      directory: options.directory,
      maxIdleConnections: options.maxIdleConnections ?? 4,
      lockTimeoutMs: this.#lockTimeoutMs,
      connection: { extendedErrorCodes: options.extendedErrorCodes ?? false },
    });
    this.#streams = new StreamRegistry(options.streamIdleTimeoutMs ?? 30_000);
    const idleConnectionTimeoutMs = options.idleConnectionTimeoutMs ?? 15_000;
    this.#sweeper = setInterval(
      () => {
        const cutoff = Date.now() - idleConnectionTimeoutMs;
        for (const entry of this.#databases.entries()) if (entry.lastUsed < cutoff) entry.closeIdleConnections();
      },
      Math.max(1000, idleConnectionTimeoutMs / 2),
    );
    this.#sweeper.unref();
  }

  async fetch(request: Request): Promise<Response> {
    try {
      if (this.#closed) return text(503, "The bridge is shutting down");
      return await this.#route(request);
    } catch (error) {
      if (error instanceof ProtocolError) return text(400, error.message);
      if (error instanceof StreamExpiredError) return json(500, { message: error.message, code: error.code });
      if (error instanceof AdminError) return json(error.status, { error: error.message });
      this.#onError(error);
      return text(500, `Internal bridge error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async #route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    let path = url.pathname;
    if (this.#basePath !== "") {
      if (path !== this.#basePath && !path.startsWith(`${this.#basePath}/`)) return text(404, "Not found");
      path = path.slice(this.#basePath.length);
    }
    const parts = path.split("/").slice(1);
    if (parts[parts.length - 1] === "") parts.pop();

    if (parts[0] === "_bridge") return this.#admin(request, url, parts.slice(1));

    let name = this.#defaultDatabase;
    let rest = parts;
    if (parts[0] === "db") {
      if (parts.length <= 3 && RESERVED_NAMES.has(parts[1] ?? "")) {
        return text(
          400,
          "Database URLs must end with a slash (…/db/<name>/): the client resolves 'v2/pipeline' against the URL and would drop the name",
        );
      }
      name = parts[1] ?? "";
      if (!validName(name)) return text(400, `Invalid database name "${name}"`);
      rest = parts.slice(2);
    }

    const endpoint = rest.join("/");
    if (endpoint === "" || endpoint === "health" || endpoint === "v2" || endpoint === "v3") {
      if (request.method !== "GET" && request.method !== "HEAD") return text(405, "Method not allowed");
      const version = endpoint.startsWith("v") ? endpoint : "v2 and v3";
      return text(200, `Hello, this is HTTP API ${version} (Hrana over HTTP), served by the Grasrot development bridge`);
    }
    if (endpoint.startsWith("v3-protobuf")) return text(404, "The Protobuf encoding is not supported; use JSON (v2 or v3)");
    if (endpoint !== "v2/pipeline" && endpoint !== "v3/pipeline" && endpoint !== "v3/cursor") return text(404, "Not found");
    if (request.method !== "POST") return text(405, "Method not allowed");

    const database = this.#databases.get(name, name === this.#defaultDatabase || this.#autoCreate);
    if (database === undefined) return text(404, `Database "${name}" does not exist; create it with POST /_bridge/databases`);
    const version: Version = endpoint.startsWith("v3") ? 3 : 2;
    const body = readJson(await request.text());
    return endpoint === "v3/cursor" ? this.#cursor(database, version, body) : this.#pipeline(database, version, body);
  }

  async #pipeline(database: DatabaseEntry, version: Version, body: unknown): Promise<Response> {
    const pipeline = decodePipelineRequest(body, version);
    const stream = this.#streams.acquire(pipeline.baton, database);
    count(database, pipeline.requests, stream.sqls);
    let completed = false;
    try {
      const context: PipelineContext = { busy: undefined };
      const results: StreamResult[] = [];
      for (const request of pipeline.requests) results.push(await this.#handle(stream, request, context));
      completed = true;
      const response: PipelineResponseBody = { baton: this.#streams.release(stream), base_url: null, results };
      return json(200, response);
    } finally {
      // Like sqld, a request that fails as a whole takes its stream down with it.
      if (!completed) {
        this.#streams.close(stream);
        this.#streams.release(stream);
      }
    }
  }

  async #cursor(database: DatabaseEntry, version: Version, body: unknown): Promise<Response> {
    const request = decodeCursorRequest(body, version);
    const stream = this.#streams.acquire(request.baton, database);
    count(database, [{ type: "batch", steps: request.steps }], stream.sqls);
    let completed = false;
    try {
      requireConnection(stream);
      const steps = resolveSteps(request.steps, stream.sqls);
      const outcome = await this.#locked(stream, { busy: undefined }, (conn) => executeBatch(conn, steps));
      const entries: CursorEntry[] = outcome.ok ? toCursorEntries(outcome.value) : [{ type: "error", error: outcome.error }];
      completed = true;
      const head = { baton: this.#streams.release(stream), base_url: null };
      const lines = [head, ...entries].map((entry) => `${JSON.stringify(entry)}\n`);
      return new Response(lines.join(""), { status: 200, headers: { "content-type": "text/plain" } });
    } finally {
      if (!completed) {
        this.#streams.close(stream);
        this.#streams.release(stream);
      }
    }
  }

  async #handle(stream: Stream, request: StreamRequest, context: PipelineContext): Promise<StreamResult> {
    const ok = (response: StreamResponse): StreamResult => ({ type: "ok", response });
    const fromLocked = (outcome: Locked<StreamResponse>): StreamResult =>
      outcome.ok ? ok(outcome.value) : { type: "error", error: outcome.error };

    switch (request.type) {
      case "close":
        this.#streams.close(stream);
        return ok({ type: "close" });
      case "execute": {
        requireConnection(stream);
        const { ref, args, namedArgs, wantRows } = request.stmt;
        const sql = resolveSql(ref, stream.sqls);
        return fromLocked(
          await this.#locked(stream, context, (conn) => ({ type: "execute", result: conn.execute(sql, args, namedArgs, wantRows) })),
        );
      }
      case "batch": {
        requireConnection(stream);
        const steps = resolveSteps(request.steps, stream.sqls);
        return fromLocked(
          await this.#locked(stream, context, (conn) => ({ type: "batch", result: toBatchResult(executeBatch(conn, steps)) })),
        );
      }
      case "sequence": {
        requireConnection(stream);
        const sql = resolveSql(request.ref, stream.sqls);
        return fromLocked(
          await this.#locked(stream, context, (conn) => {
            conn.sequence(sql);
            return { type: "sequence" };
          }),
        );
      }
      case "describe": {
        // Preparing a statement only reads the schema, which WAL allows next to another stream's transaction.
        const conn = requireConnection(stream);
        const sql = resolveSql(request.ref, stream.sqls);
        try {
          return ok({ type: "describe", result: conn.describe(sql) });
        } catch (error) {
          if (error instanceof StmtError) return { type: "error", error: error.toProto() };
          throw error;
        }
      }
      case "store_sql": {
        if (stream.sqls.has(request.sqlId)) throw new ProtocolError(`SQL text ${request.sqlId} already exists`);
        if (stream.sqls.size >= MAX_STORED_SQL) {
          const message = `The server already stores ${stream.sqls.size} SQL texts, it cannot store more`;
          return { type: "error", error: { message, code: "SQL_STORE_TOO_MANY" } };
        }
        const size = Buffer.byteLength(request.sql);
        if (size > MAX_STORED_SQL_BYTES) {
          const message = `The statement is too large to be stored: ${size} B/${MAX_STORED_SQL_BYTES} B`;
          return { type: "error", error: { message, code: "SQL_STORE_TOO_LARGE" } };
        }
        stream.sqls.set(request.sqlId, request.sql);
        return ok({ type: "store_sql" });
      }
      case "close_sql":
        stream.sqls.delete(request.sqlId);
        return ok({ type: "close_sql" });
      case "get_autocommit":
        return ok({ type: "get_autocommit", is_autocommit: requireConnection(stream).isAutocommit });
    }
  }

  /**
   * Runs `run` while holding the database lock. The stream keeps the lock while its connection is inside a
   * transaction and gives it up as soon as it is back in autocommit mode.
   */
  async #locked<T>(stream: Stream, context: PipelineContext, run: (conn: Connection) => T): Promise<Locked<T>> {
    if (context.busy !== undefined) return { ok: false, error: context.busy };
    const lock = stream.database.lock;
    try {
      await lock.acquire(stream, this.#lockTimeoutMs);
    } catch (error) {
      if (error instanceof LockTimeoutError) {
        context.busy = { message: error.message, code: "SQLITE_BUSY" };
        return { ok: false, error: context.busy };
      }
      if (error instanceof StmtError) return { ok: false, error: error.toProto() };
      throw error;
    }
    try {
      return { ok: true, value: run(requireConnection(stream)) };
    } catch (error) {
      if (error instanceof StmtError) return { ok: false, error: error.toProto() };
      throw error;
    } finally {
      if (stream.conn === undefined || stream.conn.isAutocommit) lock.release(stream);
    }
  }

  async #admin(request: Request, url: URL, parts: string[]): Promise<Response> {
    if (parts[0] !== "databases" || parts.length > 3) return text(404, "Not found");
    if (parts.length === 3) {
      if (parts[2] !== "counts") return text(404, "Not found");
      if (request.method !== "GET") return text(405, "Method not allowed");
      const counts = this.counts(parts[1] ?? "");
      if (counts === undefined) throw new AdminError(404, `Database "${parts[1]}" does not exist`);
      return json(200, counts);
    }
    if (parts.length === 1) {
      if (request.method !== "POST") return text(405, "Method not allowed");
      const raw = await request.text();
      let body: unknown = {};
      if (raw.trim() !== "") {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new AdminError(400, "The body must be JSON");
        }
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AdminError(400, "The body must be a JSON object");
      const { name, template } = body as Record<string, unknown>;
      if (name !== undefined && typeof name !== "string") throw new AdminError(400, "name must be a string");
      if (template !== undefined && typeof template !== "string") throw new AdminError(400, "template must be a string");
      const created = await this.createDatabase({ name, template });
      return json(201, { name: created, url: `${url.origin}${this.#basePath}/db/${created}/` });
    }
    if (request.method !== "DELETE") return text(405, "Method not allowed");
    const name = parts[1] ?? "";
    if (!DATABASE_NAME.test(name)) throw new AdminError(400, `Invalid database name "${name}"`);
    if (!(await this.deleteDatabase(name))) throw new AdminError(404, `Database "${name}" does not exist`);
    return new Response(null, { status: 204 });
  }

  async createDatabase(options: CreateDatabaseOptions = {}): Promise<string> {
    const name = options.name ?? `db-${randomBytes(8).toString("hex")}`;
    if (!validName(name)) throw new AdminError(400, `Invalid database name "${name}"`);
    if (this.#databases.exists(name)) throw new AdminError(409, `Database "${name}" already exists`);
    let template: DatabaseEntry | undefined;
    if (options.template !== undefined) {
      if (!DATABASE_NAME.test(options.template)) throw new AdminError(400, `Invalid template name "${options.template}"`);
      template = this.#databases.get(options.template, false);
      if (template === undefined) throw new AdminError(404, `Template database "${options.template}" does not exist`);
    }
    try {
      await this.#databases.create(name, template);
    } catch (error) {
      if (error instanceof LockTimeoutError) throw new AdminError(503, `Template "${options.template}" is busy: ${error.message}`);
      throw error;
    }
    return name;
  }

  counts(name: string): DatabaseCounts | undefined {
    if (!validName(name)) return undefined;
    const entry = this.#databases.get(name, false);
    return entry === undefined ? undefined : { ...entry.counts };
  }

  async deleteDatabase(name: string): Promise<boolean> {
    const entry = this.#databases.get(name, false);
    if (entry !== undefined) this.#streams.closeAll(entry);
    return this.#databases.delete(name);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#streams.closeAll();
    for (const entry of this.#databases.entries()) {
      entry.lock.abort(new StmtError("The bridge is shutting down", "SERVER_SHUTTING_DOWN"));
      entry.closeIdleConnections();
    }
  }
}

/**
 * A Hrana-over-HTTP server (the protocol `@libsql/client` speaks to sqld and Turso) over local libSQL
 * database files, as a Web-standard fetch handler. For development and tests only: no authentication,
 * every database file in `directory` is reachable, and requests are fully serialised per database.
 */
export function createHranaBridge(options: HranaBridgeOptions): HranaBridge {
  return new Bridge(options);
}
