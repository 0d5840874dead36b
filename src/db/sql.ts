import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./index.ts";

export type Statement = BatchItem<"sqlite">;

/** Runs statements as one batch: libSQL applies a batch as one transaction, all or nothing. */
export async function runBatch(db: Db, statements: Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (!first) return [];
  return db.batch([first, ...rest]);
}

/** A long batch's runner on the embedded file (src/db/long-batches.ts), set when one is opened. */
type LongBatchRunner = (db: Db, statements: Iterable<Statement>) => Promise<unknown[]>;
let embeddedLongBatches: LongBatchRunner | undefined;

/** Registered by the embedded client (src/db/embedded.ts): the Worker bundle goes without it. */
export function serveEmbeddedLongBatches(run: LongBatchRunner): void {
  embeddedLongBatches = run;
}

/**
 * Runs many statements all or nothing, as `runBatch` does, without holding the event loop
 * for the whole of it. The embedded database works on the event loop, so one batch of
 * thousands of statements (a large import) would stall every other request until it ends:
 * there, they run in one write transaction on a thread of their own, the event loop only
 * building each statement and reading its result (src/db/long-batches.ts). `statements` may
 * be a generator, so that building them is spread out too. A remote database does the work
 * away from the event loop, in one round trip. Returns each statement's result, as a batch does.
 */
export function runLongBatch(db: Db, statements: Iterable<Statement>): Promise<unknown[]> {
  if (db.$client.protocol === "file" && embeddedLongBatches) return embeddedLongBatches(db, statements);
  return runBatch(db, [...statements]);
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

/** A key of the row being inserted (see insertJsonRows), as SQL: in brackets, since `->>` binds no tighter than `||`. */
export const jsonField = (key: string) => sql.raw(`(item ->> '$.${key.replace(/\W/g, "")}')`);

/**
 * An INSERT of many rows bound as one JSON parameter. A multi-row VALUES binds every value as a
 * parameter of its own, and building and preparing it cost more than writing the rows (two
 * thirds of a 100,000-member import's write time); this statement's text is the same for any
 * number of rows, so it is cheap to build and to prepare. Each row is read into SQLite's binary
 * JSON once (MATERIALIZED), since extracting 28 fields from its text would parse it 28 times.
 * Rows hold every column of the table by its property name, as the database stores it (booleans
 * as true or false); `computed` gives a column in SQL instead, reading other keys with jsonField.
 */
export function insertJsonRows<T extends SQLiteTable>(
  db: Db,
  table: T,
  rows: object[],
  computed: Partial<Record<keyof T["_"]["columns"], SQL>> = {},
) {
  const columns = Object.entries(getTableColumns(table));
  // A key left out would be stored as NULL, not as the column's default: every column is given.
  const first = rows[0] ?? {};
  const missing = columns.filter(([key]) => !(key in first || key in computed)).map(([key]) => key);
  if (rows.length > 0 && missing.length > 0) throw new TypeError(`insertJsonRows: rows lack ${missing.join(", ")}`);
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  const values = sql.join(
    columns.map(([key]) => computed[key as keyof T["_"]["columns"]] ?? jsonField(key)),
    sql`, `,
  );
  return db.run(sql`WITH given AS MATERIALIZED (SELECT jsonb(value) AS item FROM json_each(${JSON.stringify(rows)}))
    INSERT INTO ${table} (${names}) SELECT ${values} FROM given`);
}
