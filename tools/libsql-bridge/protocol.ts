/**
 * Hrana-over-HTTP (versions 2 and 3, JSON encoding) message types, request decoding and value encoding,
 * following the Hrana specification and what sqld (libsql-server) actually sends and accepts.
 */

export type Version = 2 | 3;

/** A value as bound to or read from the `libsql` driver. */
export type SqlValue = null | bigint | number | string | Uint8Array;

export type ProtoValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

export interface ProtoError {
  message: string;
  code: string | null;
}

export interface ProtoCol {
  name: string | null;
  decltype: string | null;
}

export interface StmtResult {
  cols: ProtoCol[];
  rows: ProtoValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

export interface BatchResult {
  step_results: (StmtResult | null)[];
  step_errors: (ProtoError | null)[];
}

export interface DescribeResult {
  params: { name: string | null }[];
  cols: { name: string; decltype: string | null }[];
  is_explain: boolean;
  is_readonly: boolean;
}

export type StreamResponse =
  | { type: "close" }
  | { type: "execute"; result: StmtResult }
  | { type: "batch"; result: BatchResult }
  | { type: "sequence" }
  | { type: "describe"; result: DescribeResult }
  | { type: "store_sql" }
  | { type: "close_sql" }
  | { type: "get_autocommit"; is_autocommit: boolean };

export type StreamResult = { type: "ok"; response: StreamResponse } | { type: "error"; error: ProtoError };

export interface PipelineResponseBody {
  baton: string | null;
  base_url: string | null;
  results: StreamResult[];
}

export type CursorEntry =
  | { type: "step_begin"; step: number; cols: ProtoCol[] }
  | { type: "step_end"; affected_row_count: number; last_insert_rowid: string | null }
  | { type: "step_error"; step: number; error: ProtoError }
  | { type: "row"; row: ProtoValue[] }
  | { type: "error"; error: ProtoError };

/** SQL given either inline or as the id of a text stored earlier with `store_sql`. */
export type SqlRef = { sql: string; sqlId?: undefined } | { sql?: undefined; sqlId: number };

export interface Stmt {
  ref: SqlRef;
  args: SqlValue[];
  namedArgs: { name: string; value: SqlValue }[];
  wantRows: boolean;
}

export type BatchCond =
  | { type: "ok"; step: number }
  | { type: "error"; step: number }
  | { type: "not"; cond: BatchCond }
  | { type: "and"; conds: BatchCond[] }
  | { type: "or"; conds: BatchCond[] }
  | { type: "is_autocommit" };

export interface BatchStep {
  condition: BatchCond | undefined;
  stmt: Stmt;
}

export type StreamRequest =
  | { type: "close" }
  | { type: "execute"; stmt: Stmt }
  | { type: "batch"; steps: BatchStep[] }
  | { type: "sequence"; ref: SqlRef }
  | { type: "describe"; ref: SqlRef }
  | { type: "store_sql"; sqlId: number; sql: string }
  | { type: "close_sql"; sqlId: number }
  | { type: "get_autocommit" };

export interface PipelineRequest {
  baton: string | null;
  requests: StreamRequest[];
}

export interface CursorRequest {
  baton: string | null;
  steps: BatchStep[];
}

/**
 * A request a correct client never sends. sqld answers these with HTTP 400 and a plain-text message and
 * drops the stream, and so do we.
 */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

/** The stream behind a baton expired; sqld answers HTTP 500 with a JSON error so the client sees the code. */
export class StreamExpiredError extends Error {
  override name = "StreamExpiredError";
  readonly code = "STREAM_EXPIRED";

  constructor() {
    super("The stream has expired due to inactivity");
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: unknown, what: string): Json {
  if (!isObject(value)) throw new ProtocolError(`Expected ${what} to be an object`);
  return value;
}

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ProtocolError(`Expected ${what} to be an array`);
  return value;
}

function string(value: unknown, what: string): string {
  if (typeof value !== "string") throw new ProtocolError(`Expected ${what} to be a string`);
  return value;
}

function int32(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new ProtocolError(`Expected ${what} to be a 32-bit integer`);
  }
  return value;
}

function optional<T>(value: unknown, decode: (value: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : decode(value);
}

const MIN_INTEGER = -(2n ** 63n);
const MAX_INTEGER = 2n ** 63n - 1n;

export function decodeValue(value: unknown): SqlValue {
  const obj = object(value, "value");
  switch (obj.type) {
    case "null":
      return null;
    case "integer": {
      // Integers travel as strings so that 64-bit values survive JSON; accept plain safe integers too.
      const raw = obj.value;
      const text = typeof raw === "number" && Number.isSafeInteger(raw) ? String(raw) : raw;
      if (typeof text !== "string" || !/^-?\d{1,20}$/.test(text))
        throw new ProtocolError("Expected integer value to be a string of digits");
      const int = BigInt(text);
      if (int < MIN_INTEGER || int > MAX_INTEGER) throw new ProtocolError("Integer value does not fit into 64 bits");
      return int;
    }
    case "float": {
      if (typeof obj.value !== "number") throw new ProtocolError("Expected float value to be a number");
      return obj.value;
    }
    case "text":
      return string(obj.value, "text value");
    case "blob":
      return Buffer.from(string(obj.base64, "blob base64"), "base64");
    default:
      throw new ProtocolError("Value type not recognized");
  }
}

export function encodeValue(value: unknown): ProtoValue {
  if (value === null || value === undefined) return { type: "null" };
  if (typeof value === "bigint") return { type: "integer", value: value.toString() };
  if (typeof value === "number") return { type: "float", value };
  if (typeof value === "string") return { type: "text", value };
  if (value instanceof Uint8Array) {
    return { type: "blob", base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  }
  throw new Error(`Unexpected value of type ${typeof value} from the driver`);
}

function decodeSqlRef(obj: Json): SqlRef {
  const sql = optional(obj.sql, (v) => string(v, "sql"));
  const sqlId = optional(obj.sql_id, (v) => int32(v, "sql_id"));
  if (sql !== undefined && sqlId !== undefined) throw new ProtocolError("Either `sql` or `sql_id` are required, but not both");
  if (sql !== undefined) return { sql };
  if (sqlId !== undefined) return { sqlId };
  throw new ProtocolError("Either `sql` or `sql_id` are required");
}

function decodeStmt(value: unknown): Stmt {
  const obj = object(value, "stmt");
  const args = (optional(obj.args, (v) => array(v, "args")) ?? []).map(decodeValue);
  const namedArgs = (optional(obj.named_args, (v) => array(v, "named_args")) ?? []).map((arg) => {
    const named = object(arg, "named argument");
    return { name: string(named.name, "argument name"), value: decodeValue(named.value) };
  });
  const wantRows = obj.want_rows === undefined || obj.want_rows === null ? true : obj.want_rows;
  if (typeof wantRows !== "boolean") throw new ProtocolError("Expected want_rows to be a boolean");
  return { ref: decodeSqlRef(obj), args, namedArgs, wantRows };
}

function decodeCond(value: unknown, stepIndex: number, version: Version): BatchCond {
  const obj = object(value, "condition");
  const step = (): number => {
    const target = int32(obj.step, "condition step");
    // A condition may only look back: steps run in order.
    if (target < 0 || target >= stepIndex) throw new ProtocolError("Invalid reference to step in a batch condition");
    return target;
  };
  const list = (): BatchCond[] => array(obj.conds, "conds").map((cond) => decodeCond(cond, stepIndex, version));
  switch (obj.type) {
    case "ok":
      return { type: "ok", step: step() };
    case "error":
      return { type: "error", step: step() };
    case "not":
      return { type: "not", cond: decodeCond(obj.cond, stepIndex, version) };
    case "and":
      return { type: "and", conds: list() };
    case "or":
      return { type: "or", conds: list() };
    case "is_autocommit":
      if (version < 3) throw new ProtocolError("BatchCond of type `is_autocommit` is only supported in protocol version hrana3 and higher");
      return { type: "is_autocommit" };
    default:
      throw new ProtocolError("BatchCond type not recognized");
  }
}

function decodeBatch(value: unknown, version: Version): BatchStep[] {
  const batch = object(value, "batch");
  return array(batch.steps, "steps").map((stepValue, index) => {
    const step = object(stepValue, "batch step");
    return { condition: optional(step.condition, (c) => decodeCond(c, index, version)), stmt: decodeStmt(step.stmt) };
  });
}

function decodeStreamRequest(value: unknown, version: Version): StreamRequest {
  const obj = object(value, "stream request");
  switch (obj.type) {
    case "close":
      return { type: "close" };
    case "execute":
      return { type: "execute", stmt: decodeStmt(obj.stmt) };
    case "batch":
      return { type: "batch", steps: decodeBatch(obj.batch, version) };
    case "sequence":
      return { type: "sequence", ref: decodeSqlRef(obj) };
    case "describe":
      return { type: "describe", ref: decodeSqlRef(obj) };
    case "store_sql":
      return { type: "store_sql", sqlId: int32(obj.sql_id, "sql_id"), sql: string(obj.sql, "sql") };
    case "close_sql":
      return { type: "close_sql", sqlId: int32(obj.sql_id, "sql_id") };
    case "get_autocommit":
      if (version < 3) throw new ProtocolError("The `get_autocommit` request is only supported in protocol version hrana3 and higher");
      return { type: "get_autocommit" };
    default:
      throw new ProtocolError("StreamRequest type not recognized");
  }
}

function decodeBaton(value: unknown): string | null {
  return optional(value, (v) => string(v, "baton")) ?? null;
}

export function decodePipelineRequest(value: unknown, version: Version): PipelineRequest {
  const body = object(value, "pipeline request body");
  const requests = array(body.requests, "requests").map((request) => decodeStreamRequest(request, version));
  return { baton: decodeBaton(body.baton), requests };
}

export function decodeCursorRequest(value: unknown, version: Version): CursorRequest {
  const body = object(value, "cursor request body");
  return { baton: decodeBaton(body.baton), steps: decodeBatch(body.batch, version) };
}
