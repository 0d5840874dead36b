import type { Client, InStatement } from "@libsql/client";

/**
 * Rows written straight into tables, for the large databases that tests of query plans and
 * the benchmarks seed: one multi-row INSERT rather than a request per row.
 */
export function insertRows(table: string, columns: string[], rows: unknown[][]): InStatement {
  const placeholders = rows.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
  return { sql: `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${placeholders}`, args: rows.flat() as never[] };
}

/** Inserts rows in one batch of INSERTs each small enough for SQLite's limit on bound values. */
export async function insertInChunks(client: Client, table: string, columns: string[], rows: unknown[][]) {
  const chunk = Math.floor(30_000 / columns.length);
  const statements: InStatement[] = [];
  for (let start = 0; start < rows.length; start += chunk) statements.push(insertRows(table, columns, rows.slice(start, start + chunk)));
  if (statements.length > 0) await client.batch(statements, "write");
}

/** The columns in which the query-plan test and `bench:plans` write their seeded events, row by row. */
export const seededEventColumns = [
  "id",
  "org_id",
  "title",
  "kind",
  "group_id",
  "starts_at",
  "ends_at",
  "time_zone",
  "visibility",
  "status",
  "rrule",
  "recurring",
  "span_start",
  "span_end",
  "registration_mode",
  "registration_scope",
  "requires_active_membership",
  "created_at",
  "updated_at",
];
