import { fileURLToPath } from "node:url";
import type { Client } from "@libsql/client";
import { migrate } from "drizzle-orm/libsql/migrator";
import { createDb } from "./index.ts";
import { refreshPlannerStatistics } from "./statistics.ts";

export const migrationsFolder = fileURLToPath(new URL("../../migrations", import.meta.url));

/**
 * Applies every migration in migrations/ that the database has not seen yet (Node only: it
 * reads files), then refreshes the planner's statistics: new indexes have none.
 */
export async function applyMigrations(client: Client): Promise<void> {
  const db = createDb(client);
  await migrate(db, { migrationsFolder });
  await refreshPlannerStatistics(db);
}
