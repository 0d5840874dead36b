import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./index.ts";

export type Statement = BatchItem<"sqlite">;

/** Runs statements as one batch: libSQL applies a batch as one transaction, all or nothing. */
export async function runBatch(db: Db, statements: Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (!first) return [];
  return db.batch([first, ...rest]);
}

/** Rows a write changed, from its result (of `db.run`, or one of a batch's results); 0 when it reports none. */
export const rowsAffected = (result: unknown) => Number((result as { rowsAffected?: number } | undefined)?.rowsAffected ?? 0);

/**
 * A list bound as one JSON parameter and read back with json_each, so a statement over
 * ten thousand postal codes stays one statement with one parameter.
 */
export function jsonValues(values: readonly string[]): SQL {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
