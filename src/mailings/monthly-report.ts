import { sql } from "drizzle-orm";
import type { unreachedReasons } from "../../drizzle/mailings.ts";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";

/**
 * The delivery report of a monthly group mailing run: how many groups it reached, and the
 * active groups it could not (nobody to mail, or nobody with a deliverable address), so
 * staff see a group left without its mailing instead of learning of it months later.
 */
export interface MonthlyReport {
  runAt: string | null;
  mailings: number;
  groupsReached: number;
  unreached: { groupId: string; name: string; reason: (typeof unreachedReasons)[number] }[];
}

/** The run at `runAt`, or the latest run when none is named. */
export async function monthlyReport(ctx: Pick<Ctx, "db" | "org">, options: { runAt?: string | undefined }): Promise<MonthlyReport> {
  const { db, org } = ctx;
  const m = schema.mailings;
  const u = schema.mailingUnreachedGroups;
  const d = schema.mailingDeliveries;
  const g = schema.groups;
  let runAt = options.runAt ? new Date(options.runAt).toISOString() : undefined;
  if (!runAt) {
    const [latest] = await db.all<{ run_at: string | null }>(sql`SELECT max(run_at) AS run_at FROM (
      SELECT max(${m.sendAt}) AS run_at FROM ${m} WHERE ${m.orgId} = ${org.id} AND ${m.kind} = 'monthly_group'
      UNION ALL SELECT max(${u.runAt}) FROM ${u} WHERE ${u.orgId} = ${org.id} AND ${u.kind} = 'monthly_group')`);
    runAt = latest?.run_at ?? undefined;
  }
  if (!runAt) return { runAt: null, mailings: 0, groupsReached: 0, unreached: [] };
  const [[counts], unreached] = await Promise.all([
    db.all<{ mailings: number; groups: number }>(sql`SELECT count(DISTINCT ${m.id}) AS mailings,
        count(DISTINCT CASE WHEN ${d.status} IN ('pending', 'sending', 'sent') THEN ${d.groupId} END) AS groups
      FROM ${m} LEFT JOIN ${d} ON ${d.mailingId} = ${m.id}
      WHERE ${m.orgId} = ${org.id} AND ${m.kind} = 'monthly_group' AND ${m.sendAt} = ${runAt}`),
    db
      .select({ groupId: u.groupId, name: sql<string>`coalesce(${g.name}, '')`, reason: u.reason })
      .from(u)
      .leftJoin(g, sql`${g.id} = ${u.groupId}`)
      .where(sql`${u.orgId} = ${org.id} AND ${u.kind} = 'monthly_group' AND ${u.runAt} = ${runAt}`)
      .orderBy(g.name, u.groupId),
  ]);
  return { runAt, mailings: Number(counts?.mailings ?? 0), groupsReached: Number(counts?.groups ?? 0), unreached };
}
