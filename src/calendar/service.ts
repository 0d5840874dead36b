import { and, asc, eq, gt, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import type { EventRow, OverrideRow } from "../events/series.ts";
import { jsonList } from "../events/visibility.ts";
import { notFound } from "../http/problem.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import type { FeedEvent } from "./feed.ts";
import { dayMs } from "./zone.ts";

const ev = schema.events;
const ov = schema.eventOccurrenceOverrides;
const tokens = schema.calendarFeedTokens;

/** Feeds hold the past year and the next two; series running into that window are included whole. */
export const feedPastDays = 365;
export const feedFutureDays = 2 * 365;
/** A feed is not an export: beyond this many events, the earliest are kept. */
export const feedMaxEvents = 5000;

export async function feedEvents(db: Db, orgId: string, filter: SQL | undefined, now: Date): Promise<FeedEvent[]> {
  const rows: EventRow[] = await db
    .select()
    .from(ev)
    .where(
      and(
        eq(ev.orgId, orgId),
        gt(ev.spanEnd, new Date(now.getTime() - feedPastDays * dayMs).toISOString()),
        lt(ev.spanStart, new Date(now.getTime() + feedFutureDays * dayMs).toISOString()),
        filter,
      ),
    )
    .orderBy(asc(ev.spanStart), asc(ev.id))
    .limit(feedMaxEvents);
  const seriesIds = rows.filter((row) => row.recurring).map((row) => row.id);
  const overrides: OverrideRow[] = seriesIds.length
    ? await db
        .select()
        .from(ov)
        .where(sql`${ov.eventId} IN ${jsonList(seriesIds)}`)
        .orderBy(asc(ov.eventId), asc(ov.originalStart))
    : [];
  const byEvent = new Map<string, OverrideRow[]>();
  for (const o of overrides) byEvent.set(o.eventId, [...(byEvent.get(o.eventId) ?? []), o]);
  return rows.map((event) => ({ event, overrides: byEvent.get(event.id) ?? [] }));
}

export async function groupExists(db: Db, orgId: string, groupId: string) {
  const group = await db.query.groups.findFirst({
    columns: { id: true, name: true },
    where: and(eq(schema.groups.orgId, orgId), eq(schema.groups.id, groupId)),
  });
  if (!group) throw notFound("Group");
  return group;
}

/**
 * Personal feed tokens: calendar apps cannot send Authorization headers, so the URL itself
 * is the credential. It is random (190 bits), stored only as a hash, and replaced or
 * revoked by the member at will.
 */
export async function issueFeedToken(db: Db, orgId: string, memberId: string, now: Date) {
  const token = `cal_${randomToken(32)}`;
  const row = { memberId, orgId, tokenHash: await sha256Hex(token), createdAt: now.toISOString() };
  await db
    .insert(tokens)
    .values(row)
    .onConflictDoUpdate({ target: tokens.memberId, set: { tokenHash: row.tokenHash, createdAt: row.createdAt } });
  return { token, createdAt: row.createdAt };
}

export async function feedTokenOf(db: Db, orgId: string, memberId: string) {
  const row = await db.query.calendarFeedTokens.findFirst({ where: and(eq(tokens.orgId, orgId), eq(tokens.memberId, memberId)) });
  if (!row) throw notFound("Calendar feed token");
  return row;
}

export async function revokeFeedToken(db: Db, orgId: string, memberId: string) {
  await db.delete(tokens).where(and(eq(tokens.orgId, orgId), eq(tokens.memberId, memberId)));
}

/** The member a feed token belongs to; 404 for unknown or revoked tokens and for erased members. */
export async function memberOfFeedToken(db: Db, orgId: string, token: string): Promise<string> {
  const [row] = await db
    .select({ memberId: tokens.memberId })
    .from(tokens)
    .innerJoin(schema.members, eq(schema.members.id, tokens.memberId))
    .where(and(eq(tokens.orgId, orgId), eq(tokens.tokenHash, await sha256Hex(token)), sql`${schema.members.erasedAt} IS NULL`))
    .limit(1);
  if (!row) throw notFound("Calendar feed");
  return row.memberId;
}
