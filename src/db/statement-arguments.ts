/**
 * A statement's arguments as the embedded driver binds them, refused as @libsql/client
 * refuses them: for the connections of src/db/embedded-connection.ts, and for statements
 * sent to the long batch thread (src/db/long-batch-thread-client.ts), bound before they go.
 */
import { Buffer } from "node:buffer";
import type { InStatement, InValue } from "@libsql/client";

const minInteger = -9223372036854775808n;
const maxInteger = 9223372036854775807n;

/** An argument as the driver binds it, refused as @libsql/client refuses it (integers read as numbers). */
function toSql(value: InValue | undefined): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
    return value;
  }
  if (typeof value === "bigint") {
    if (value < minInteger || value > maxInteger)
      throw new RangeError("bigint is too large to be represented as a 64-bit integer and passed as argument");
    return value;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  return value;
}

export function argumentsOf(stmt: InStatement): unknown[] | Record<string, unknown> {
  if (typeof stmt === "string") return [];
  const args = stmt.args ?? [];
  if (Array.isArray(args)) return args.map(toSql);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    named[name[0] === "@" || name[0] === "$" || name[0] === ":" ? name.slice(1) : name] = toSql(value);
  }
  return named;
}
