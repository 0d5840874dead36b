import { sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { runBatch } from "../db/sql.ts";
import { addDays, localDay } from "../lib/dates.ts";
import { webhookEvent } from "./events.ts";

/**
 * A membership lapses by the calendar, not by a write: the day after its grace period ends
 * with no later period to follow. A job finds those lapses and records `membership.lapsed`
 * once per membership, for organisations that have an endpoint subscribed to it. It looks
 * back `lookBackDays`, so a deployment that was down for a day still tells of lapses, and a
 * new subscription hears of no older ones.
 */
export const lookBackDays = 2;
const perOrganisation = 500;

export async function recordLapses(db: Db, now: Date): Promise<number> {
  const o = schema.organisations;
  const e = schema.webhookEndpoints;
  const orgs = await db.all<{ id: string; time_zone: string }>(sql`
    SELECT ${o.id} AS id, ${o.timeZone} AS time_zone FROM ${o} WHERE EXISTS (
      SELECT 1 FROM ${e} WHERE ${e.orgId} = ${o.id} AND ${e.enabled} = 1
        AND EXISTS (SELECT 1 FROM json_each(${e.eventTypes}) WHERE value = 'membership.lapsed'))`);
  let recorded = 0;
  const ms = schema.memberships;
  const members = schema.members;
  const ev = schema.webhookEvents;
  for (const org of orgs) {
    const today = localDay(now, org.time_zone);
    const lapsed = await db.all<{ id: string }>(sql`
      SELECT m.id AS id FROM ${ms} m JOIN ${members} p ON p.id = m.member_id AND p.erased_at IS NULL
      WHERE m.org_id = ${org.id} AND m.grace_until < ${today} AND m.grace_until >= ${addDays(today, -lookBackDays)}
        AND m.grace_until = (SELECT max(x.grace_until) FROM ${ms} x WHERE x.member_id = m.member_id)
        AND NOT EXISTS (SELECT 1 FROM ${ev} WHERE ${ev.resourceId} = m.id AND ${ev.type} = 'membership.lapsed')
      ORDER BY m.id LIMIT ${perOrganisation}`);
    if (lapsed.length === 0) continue;
    // `once`: two ticks at the same moment still record each lapse a single time.
    await runBatch(
      db,
      lapsed.flatMap((row) => webhookEvent({ db, orgId: org.id, now }, "membership.lapsed", row.id, { once: true })),
    );
    recorded += lapsed.length;
  }
  return recorded;
}
