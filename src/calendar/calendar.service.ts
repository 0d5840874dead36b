import { and, asc, eq, gt, gte, isNull, lt, type SQL, sql } from "drizzle-orm";
import { isLongSingle } from "../../drizzle/events.ts";
import type { Ctx } from "../access/context.ts";
import { memberIdOf } from "../access/viewer.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { jsonValues } from "../db/sql.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { maxDurationDays } from "../events/events.schemas.ts";
import type { EventRow, OverrideRow } from "../events/series.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { notFound } from "../lib/problems.ts";
import { yieldToEventLoop } from "../lib/yield.ts";
import { dayMs } from "../lib/zone.ts";
import type { FeedEvent } from "./feed.ts";

const ev = schema.events;
const ov = schema.eventOccurrenceOverrides;
const tokens = schema.calendarFeedTokens;

/**
 * A feed holds the events of a window around now: by default the past 3 months and the
 * coming 12, what a calendar app shows; series running into the window are included whole.
 * Calendar apps poll every few minutes, so a feed of every year an organisation has had
 * would be sent, and built, over and over.
 */
export interface FeedWindow {
  pastMonths: number;
  futureMonths: number;
}
export const defaultFeedWindow: FeedWindow = { pastMonths: 3, futureMonths: 12 };
export const feedWindowLimits = { pastMonths: 24, futureMonths: 36 };
/** A feed is not an export: beyond this many events, the earliest are kept (of series, the first this many found). */
export const feedMaxEvents = 5000;

const monthsFrom = (now: Date, months: number) => {
  const at = new Date(now);
  at.setUTCMonth(at.getUTCMonth() + months);
  return at.toISOString();
};

/**
 * Which events a feed shows. Single events and series are read apart, each along its own
 * index in the feed's order (a single event starts at most a month before the window, unless
 * it is one of the few longer ones, found by its end; a series is found by its end), and
 * merged: one query over both would walk every event of the organisation and sort them.
 */
function feedConditions(orgId: string, filter: SQL | undefined, now: Date, window: FeedWindow) {
  const from = monthsFrom(now, -window.pastMonths);
  const to = monthsFrom(now, window.futureMonths);
  const earliestStart = new Date(Date.parse(from) - maxDurationDays * dayMs).toISOString();
  return {
    singles: and(
      eq(ev.orgId, orgId),
      eq(ev.recurring, false),
      gte(ev.spanStart, earliestStart),
      lt(ev.spanStart, to),
      gt(ev.spanEnd, from),
      filter,
    ),
    series: and(eq(ev.orgId, orgId), eq(ev.recurring, true), gt(ev.spanEnd, from), lt(ev.spanStart, to), filter),
    // Single events longer than the first scan reaches back: few, found by their end.
    long: and(eq(ev.orgId, orgId), isLongSingle, gt(ev.spanEnd, from), lt(ev.spanStart, earliestStart), filter),
  };
}

/** The feed's order, and its bound: of series beyond it, the first found. */
function inFeedOrder<Row extends { id: string; spanStart: string }>(singles: Row[], series: Row[]): Row[] {
  const order = (a: Row, b: Row) =>
    a.spanStart < b.spanStart ? -1 : a.spanStart > b.spanStart ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return [...singles, ...series].sort(order).slice(0, feedMaxEvents);
}

/**
 * Single events a feed reads at a time. The embedded database answers on the event loop, so
 * a feed's thousands of events are read a page at a time, other requests answered between.
 */
export const feedPage = 500;

/**
 * The single events in the feed's order, up to the bound, a page at a time: each page starts
 * after the last row of the one before, along the same index.
 */
async function pagedSingles<Row extends { id: string; spanStart: string }>(
  singles: SQL | undefined,
  page: (where: SQL | undefined, limit: number) => Promise<Row[]>,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (;;) {
    const last = rows.at(-1);
    const after = last && sql`(${ev.spanStart}, ${ev.id}) > (${last.spanStart}, ${last.id})`;
    const limit = Math.min(feedPage, feedMaxEvents - rows.length);
    const next = await page(and(singles, after), limit);
    rows.push(...next);
    if (next.length < limit || rows.length >= feedMaxEvents) return rows;
    await yieldToEventLoop();
  }
}

/** The events a feed shows, without their overrides. */
export async function feedRows(
  db: Db,
  orgId: string,
  filter: SQL | undefined,
  now: Date,
  window: FeedWindow = defaultFeedWindow,
): Promise<EventRow[]> {
  const where = feedConditions(orgId, filter, now, window);
  const singles = await pagedSingles(where.singles, (paged, limit) =>
    db.select().from(ev).where(paged).orderBy(asc(ev.spanStart), asc(ev.id)).limit(limit),
  );
  await yieldToEventLoop();
  const series = await db.select().from(ev).where(where.series).limit(feedMaxEvents);
  await yieldToEventLoop();
  const long = await db.select().from(ev).where(where.long).limit(feedMaxEvents);
  return inFeedOrder([...long, ...singles], series);
}

/**
 * The ids and versions of the events a feed shows: every change to an event or one of its
 * occurrences bumps its version, so these tell whether the feed changed, at the cost of a
 * few columns rather than whole events.
 */
export async function feedVersions(
  db: Db,
  orgId: string,
  filter: SQL | undefined,
  now: Date,
  window: FeedWindow = defaultFeedWindow,
): Promise<{ id: string; version: number; spanStart: string }[]> {
  const where = feedConditions(orgId, filter, now, window);
  const columns = { id: ev.id, version: ev.version, spanStart: ev.spanStart };
  const singles = await pagedSingles(where.singles, (paged, limit) =>
    db.select(columns).from(ev).where(paged).orderBy(asc(ev.spanStart), asc(ev.id)).limit(limit),
  );
  await yieldToEventLoop();
  const series = await db.select(columns).from(ev).where(where.series).limit(feedMaxEvents);
  await yieldToEventLoop();
  const long = await db.select(columns).from(ev).where(where.long).limit(feedMaxEvents);
  return inFeedOrder([...long, ...singles], series);
}

/** The moved and cancelled occurrences of the series among the rows, for writing the feed. */
export async function withOverrides(db: Db, rows: EventRow[]): Promise<FeedEvent[]> {
  const seriesIds = rows.filter((row) => row.recurring).map((row) => row.id);
  const overrides: OverrideRow[] = seriesIds.length
    ? await db
        .select()
        .from(ov)
        .where(sql`${ov.eventId} IN ${jsonValues(seriesIds)}`)
        .orderBy(asc(ov.eventId), asc(ov.originalStart))
    : [];
  const byEvent = new Map<string, OverrideRow[]>();
  for (const o of overrides) byEvent.set(o.eventId, [...(byEvent.get(o.eventId) ?? []), o]);
  return rows.map((event) => ({ event, overrides: byEvent.get(event.id) ?? [] }));
}

export async function groupExists(ctx: Ctx, groupId: string) {
  const group = await ctx.db.query.groups.findFirst({
    columns: { id: true, name: true },
    where: and(eq(schema.groups.orgId, ctx.org.id), eq(schema.groups.id, groupId)),
  });
  if (!group) throw notFound("Group");
  return group;
}

/**
 * Personal feed tokens: calendar apps cannot send Authorization headers, so the URL itself
 * is the credential. It is random (190 bits), stored only as a hash, and replaced or
 * revoked by the member at will. A member's row stays once made (revoking marks it), so its
 * version, the ETag of /me/calendar-token, keeps counting across revocations.
 */
async function liveToken(db: Db, orgId: string, memberId: string) {
  return db.query.calendarFeedTokens.findFirst({
    where: and(eq(tokens.orgId, orgId), eq(tokens.memberId, memberId), isNull(tokens.revokedAt)),
  });
}

/**
 * Issues the caller (a member acting for themselves) a token, replacing any earlier one. With
 * If-Match (`ifMatch`) it replaces only the current token of that version, and 412 when there
 * is none; the condition is part of the upsert.
 */
export async function issueFeedToken(ctx: Ctx, options: { expected: Expected; ifMatch: boolean }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const memberId = memberIdOf(ctx.viewer);
  const { expected, ifMatch } = options;
  if (ifMatch) {
    const current = await liveToken(db, orgId, memberId);
    if (!current) throw staleVersion();
    requireVersion(expected, current.version);
  }
  const token = `cal_${randomToken(32)}`;
  const row = { memberId, orgId, tokenHash: await sha256Hex(token), createdAt: now.toISOString(), revokedAt: null };
  const [saved] = await db
    .insert(tokens)
    .values({ ...row, version: 1 })
    .onConflictDoUpdate({
      target: tokens.memberId,
      set: { tokenHash: row.tokenHash, createdAt: row.createdAt, revokedAt: null, version: sql`${tokens.version} + 1` },
      setWhere: ifMatch ? and(isNull(tokens.revokedAt), versionMatches(tokens.version, expected)) : undefined,
    })
    .returning({ version: tokens.version });
  if (!saved) throw staleVersion();
  return { token, createdAt: row.createdAt, version: saved.version };
}

/** The caller's live token (a member acting for themselves). */
export async function feedTokenOf(ctx: Ctx) {
  const row = await liveToken(ctx.db, ctx.org.id, memberIdOf(ctx.viewer));
  if (!row) throw notFound("Calendar feed token");
  return row;
}

/** Revokes the caller's token; with If-Match only that version of it, and 412 when there is none. */
export async function revokeFeedToken(ctx: Ctx, options: { expected: Expected; ifMatch: boolean }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const memberId = memberIdOf(ctx.viewer);
  const { expected, ifMatch } = options;
  const current = await liveToken(db, orgId, memberId);
  if (!current) {
    if (ifMatch) throw staleVersion();
    return;
  }
  requireVersion(expected, current.version);
  const [revoked] = await db
    .update(tokens)
    .set({ revokedAt: now.toISOString(), version: sql`${tokens.version} + 1` })
    .where(and(eq(tokens.memberId, memberId), isNull(tokens.revokedAt), versionMatches(tokens.version, expected)))
    .returning({ memberId: tokens.memberId });
  // Without If-Match, a token revoked meanwhile is revoked all the same.
  if (!revoked && ifMatch) throw staleVersion();
}

/** The member a feed token belongs to; 404 for unknown or revoked tokens and for erased members. */
export async function memberOfFeedToken(ctx: Ctx, token: string): Promise<string> {
  const orgId = ctx.org.id;
  const [row] = await ctx.db
    .select({ memberId: tokens.memberId })
    .from(tokens)
    .innerJoin(schema.members, eq(schema.members.id, tokens.memberId))
    .where(
      and(
        eq(tokens.orgId, orgId),
        eq(tokens.tokenHash, await sha256Hex(token)),
        isNull(tokens.revokedAt),
        sql`${schema.members.erasedAt} IS NULL`,
      ),
    )
    .limit(1);
  if (!row) throw notFound("Calendar feed");
  return row.memberId;
}
