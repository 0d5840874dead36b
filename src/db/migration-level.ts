import { sql } from "drizzle-orm";
import journal from "../../migrations/meta/_journal.json" with { type: "json" };
import type { Db } from "./index.ts";

export interface MigrationLevel {
  applied: number;
  expected: number;
  latest: string | null;
}

/** How far the database is migrated, against the migrations this build was made with. One statement when migrated. */
export async function migrationLevel(db: Db): Promise<MigrationLevel> {
  const expected = journal.entries.length;
  let row: { n: number; last: number | null } | undefined;
  try {
    row = await db.get<{ n: number; last: number | null }>(sql`SELECT count(*) AS n, max(created_at) AS last FROM __drizzle_migrations`);
  } catch (error) {
    // A database never migrated has no journal table; anything else (unreachable) is the caller's to report.
    const exists = await db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`,
    );
    if (exists && Number(exists.n) === 0) return { applied: 0, expected, latest: null };
    throw error;
  }
  const applied = Number(row?.n ?? 0);
  const latestEntry = journal.entries.find((entry) => entry.when === Number(row?.last));
  return { applied, expected, latest: latestEntry?.tag ?? null };
}
