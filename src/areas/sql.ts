import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/index.ts";
import { type Expected, versionMatches } from "../http/etag.ts";

export type Statement = BatchItem<"sqlite">;

/** Runs statements as one batch: libSQL applies a batch as one transaction, all or nothing. */
export async function runBatch(db: Db, statements: Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (!first) return [];
  return db.batch([first, ...rest]);
}

/**
 * A list bound as one JSON parameter and read back with json_each, so a statement over
 * ten thousand postal codes stays one statement with one parameter.
 */
export function jsonValues(values: readonly string[]): SQL {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/**
 * If-Match for writes made of several statements: each statement carries this condition,
 * and the version bump runs last. Inside the batch every statement then sees the version
 * the client read, or none of them acts, and the bump's empty RETURNING says "stale".
 */
export function versionIs(table: SQL, id: string, expected: Expected): SQL {
  return versionMatches(sql`(SELECT version FROM ${table} WHERE id = ${id})`, expected) ?? sql`1`;
}
