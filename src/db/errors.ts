/**
 * What a database error means, whichever client raised it. The embedded client reports the
 * primary code (`SQLITE_CONSTRAINT`) with the extended one beside it
 * (`extendedCode: SQLITE_CONSTRAINT_UNIQUE`); the web client (sqld, Turso, the local bridge)
 * reports only the primary code, with the detail in the message
 * (`SQLite error: UNIQUE constraint failed: members.email`); Drizzle wraps either in an error
 * of its own whose `cause` is the client's.
 */

interface ErrorFields {
  code?: unknown;
  extendedCode?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The error and the errors it wraps, innermost last. */
function chain(error: unknown): ErrorFields[] {
  const out: ErrorFields[] = [];
  let current: unknown = error;
  while (current !== null && typeof current === "object" && out.length < 8) {
    out.push(current as ErrorFields);
    current = (current as ErrorFields).cause;
  }
  return out;
}

function codesOf(error: unknown): string[] {
  return chain(error).flatMap((fields) =>
    [fields.code, fields.extendedCode].filter((code): code is string => typeof code === "string" && code.startsWith("SQLITE_")),
  );
}

function messagesOf(error: unknown): string {
  return chain(error)
    .map((fields) => (typeof fields.message === "string" ? fields.message : ""))
    .join("\n");
}

/** Another connection holds the lock this operation needed (SQLITE_BUSY, SQLITE_LOCKED and their extended codes). */
export function isDatabaseBusy(error: unknown): boolean {
  return codesOf(error).some((code) => code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

export type ConstraintKind = "unique" | "other";

/**
 * A constraint violation, told apart by kind: `unique` (a UNIQUE index or a primary key: the
 * data already exists, a conflict the client can act on), `other` (NOT NULL, FOREIGN KEY,
 * CHECK: the request should have been refused before it reached the database). Undefined
 * when the error is not a constraint violation at all.
 */
export function constraintViolation(error: unknown): ConstraintKind | undefined {
  const codes = codesOf(error);
  if (!codes.some((code) => code.startsWith("SQLITE_CONSTRAINT"))) return undefined;
  if (codes.includes("SQLITE_CONSTRAINT_UNIQUE") || codes.includes("SQLITE_CONSTRAINT_PRIMARYKEY")) return "unique";
  // Only the primary code (web client): SQLite names the kind at the start of its message.
  if (/\b(UNIQUE|PRIMARY KEY) constraint failed\b/.test(messagesOf(error))) return "unique";
  return "other";
}
