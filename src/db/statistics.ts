import { sql } from "drizzle-orm";
import type { Db } from "./index.ts";

/**
 * Statistics for the query planner (sqlite_stat1), so that it picks the index matching a
 * list's filter and order however the tables have grown. ANALYZE is bounded by
 * `analysis_limit`: it samples about that many rows per index, so it costs milliseconds on
 * a million members. `PRAGMA optimize` follows for what it adds on newer SQLite; on the
 * embedded 3.45 alone it only looks at tables the same connection has queried, which after
 * migrations or in a daily job is none, so it would leave a new database without statistics.
 */
export const analysisLimit = 1000;

export async function refreshPlannerStatistics(db: Db): Promise<void> {
  // One batch: the limit is a setting of the connection, and a remote client runs a batch on one.
  await db.batch([db.run(sql.raw(`PRAGMA analysis_limit = ${analysisLimit}`)), db.run(sql`ANALYZE`), db.run(sql`PRAGMA optimize`)]);
}
