import { and, asc, eq, getTableColumns, gt, gte, lt, or, type SQL, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/sqlite-core";
import { isLongSingle, isMultiDay } from "../../drizzle/events.ts";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, encodeCursor } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { allRows, columnsBut, conditionSlot, queryShapes, rowShape, withCondition } from "../db/rows.ts";
import { jsonValues } from "../db/sql.ts";
import { type Expected, requireVersion, staleVersion, versionIs } from "../db/versions.ts";
import { iso } from "../lib/dates.ts";
import { conflict, invalid, notFound } from "../lib/problems.ts";
import { dayMs } from "../lib/zone.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { type Candidate, candidateId, durationOf, firstCandidates, overriddenCandidates, Unmoved } from "./candidates.ts";
import { maxDurationDays, maxRangeDays } from "./events.schemas.ts";
import { getVisibleEvent } from "./events.service.ts";
import { type KeptSeries, recurringEvents, seriesPassing } from "./kept-series.ts";
import { checkDuration, type EventRow, type Occurrence, type OverrideRow, occurrenceAt, spanOf, type Window } from "./series.ts";
import { keptSeriesOccurrences } from "./series-windows.ts";
import { datesOf } from "./timing.ts";
import { requireOrganiser } from "./visibility.ts";

/**
 * Range queries over the merged, time-ordered stream of occurrences. Index range scans find
 * the candidates: single events by start (from a day before the range, and among those of
 * more than a day from the longest duration before it), series by the end of their last
 * occurrence. Single events are paged in SQL; series are expanded in memory from the cursor
 * on, at most one page of occurrences each. So a page costs O(page + series meeting the
 * range), whatever the table holds.
 */

const ev = schema.events;
const ov = schema.eventOccurrenceOverrides;

/**
 * What no occurrence shows of its event: the organisation (a range is of one), the country
 * (for reports), the span the range queries walk, the version and the record's times. A
 * range's page reads the rest of each event, as drizzle would, with a shape worked out once.
 */
const unlisted = ["orgId", "country", "spanStart", "spanEnd", "version", "createdAt", "updatedAt"] as const;

/** An event as an occurrence shows it. */
export type ListedEvent = Omit<EventRow, (typeof unlisted)[number]>;

const eventRow = rowShape<ListedEvent>(columnsBut(getTableColumns(ev), unlisted));

const value = (name: string) => sql.placeholder(name);
const qb = new QueryBuilder();
/** The range's queries, one per shape (whether a cursor); the caller's filter goes in per run (withCondition). */
const occurrenceQueries = queryShapes();
/** Events by id, from a JSON list of them. */
const eventsById = qb
  .select(eventRow.selection)
  .from(ev)
  .where(sql`${ev.id} IN (SELECT value FROM json_each(${value("ids")}))`)
  .toSQL();

export interface Range {
  from: number;
  to: number;
}

/** Checks a query's range: both bounds, `to` after `from`, at most `maxRangeDays` apart. */
export function rangeOf(query: { from: string; to: string }): Range {
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  if (to <= from) throw invalid("query.to", "must be after from");
  if (to - from > maxRangeDays * dayMs) throw invalid("query.to", `must be at most ${maxRangeDays} days after from`);
  return { from, to };
}

export function toOccurrencePublic(o: Occurrence<ListedEvent>) {
  const e = o.event;
  const startsAt = iso(o.start);
  const endsAt = iso(o.end);
  return {
    id: e.id,
    occurrenceId: o.id,
    originalStartsAt: iso(o.originalStart),
    startsAt,
    endsAt,
    timeZone: e.timeZone,
    allDay: e.allDay,
    ...datesOf(e, startsAt, endsAt),
    status: o.status,
    moved: o.moved,
    recurring: e.recurring,
    title: e.title,
    description: e.description,
    kind: e.kind,
    groupId: e.groupId,
    campaignId: e.campaignId,
    location: { address: e.locationAddress, onlineUrl: e.onlineUrl },
    visibility: e.visibility,
    registration: {
      mode: e.registrationMode,
      scope: e.rrule ? e.registrationScope : ("event" as const),
      capacity: e.capacity,
      requiresActiveMembership: e.requiresActiveMembership,
      eligibility: e.eligibility ? (JSON.parse(e.eligibility) as { positionIds: string[]; groupIds: string[] }) : null,
    },
  };
}

/** Overrides of these series that can matter for the window: by original start or by new time. */
export async function overridesFor(db: Db, eventIds: string[], lower: number, to: number): Promise<Map<string, OverrideRow[]>> {
  const byEvent = new Map<string, OverrideRow[]>();
  if (eventIds.length === 0) return byEvent;
  const rows = await db
    .select()
    .from(ov)
    .where(
      and(
        sql`${ov.eventId} IN ${jsonValues(eventIds)}`,
        or(and(gte(ov.originalStart, iso(lower)), lt(ov.originalStart, iso(to))), and(lt(ov.startsAt, iso(to)), gt(ov.endsAt, iso(lower)))),
      ),
    );
  for (const row of rows) byEvent.set(row.eventId, [...(byEvent.get(row.eventId) ?? []), row]);
  return byEvent;
}

/** The original starts of a series without overrides in the window. */
const noOverrides: ReadonlySet<number> = new Set();

/** The longest a series occurrence can reach back: its own duration, bounded by the maximum. */
const maxDurationMs = maxDurationDays * dayMs;

/**
 * The first `take` occurrences of the organisation's series in the window, within `filter`:
 * from the range kept whole while the series stay as stored, else expanded here, series by
 * series, from the cursor on.
 */
async function seriesOccurrences(
  db: Db,
  orgId: string,
  options: { window: Window; lower: number; filter: SQL | undefined },
  take: number,
): Promise<Candidate[]> {
  const { window, lower, filter } = options;
  const span = { lower: iso(lower), to: iso(window.to) };
  // Only what expanding needs, kept between requests: a busy calendar has many more candidate series than a page shows.
  const rows = await recurringEvents(db, orgId);
  const meets = (row: KeptSeries) => row.spanEnd > span.lower && row.spanStart < span.to;
  // Whether any series meets the range is known at the first that does; which do, only if they are expanded here.
  if (!rows.some(meets)) return [];
  const visible = await seriesPassing(db, orgId, span, filter);
  const kept = await keptSeriesOccurrences(rows, window, visible, take, (ids, from, to) => overridesFor(db, ids, from, to));
  if (kept) return kept;

  const series = rows.filter((row) => meets(row) && (visible === undefined || visible.has(row.id)));
  const streams: Unmoved[] = [];
  const moved: Candidate[] = [];
  let longest = 0;
  for (const row of series) longest = Math.max(longest, durationOf(row));
  const overrides = await overridesFor(
    db,
    series.map((row) => row.id),
    lower - longest,
    window.to,
  );
  for (const row of series) {
    const own = overrides.get(row.id);
    if (own === undefined) streams.push(new Unmoved(row, noOverrides, window));
    else {
      streams.push(new Unmoved(row, new Set(own.map((o) => Date.parse(o.originalStart))), window));
      moved.push(...overriddenCandidates(row, own, window));
    }
  }
  return firstCandidates(streams, moved, take);
}

/** Occurrences of the organisation's events in a range, within `filter` (the caller's sight, a campaign, …). */
export async function listOccurrences(
  ctx: { db: Db; org: Pick<Ctx["org"], "id"> },
  options: { range: Range; filter: SQL | undefined; limit: number; cursor?: string | undefined },
) {
  const { db } = ctx;
  const orgId = ctx.org.id;
  const { range, filter, limit, cursor } = options;
  let after: Window["after"];
  if (cursor) {
    const [start, id] = decodeCursor(cursor, ["string", "string"]);
    const startMs = Date.parse(start);
    if (Number.isNaN(startMs)) throw invalid("query.cursor", "is not a cursor this list handed out");
    after = { start: startMs, id };
  }
  const lower = Math.max(range.from, after?.start ?? range.from);

  const values = {
    orgId,
    reach: iso(Math.max(range.from - maxDurationMs, after?.start ?? Number.NEGATIVE_INFINITY)),
    recent: iso(Math.max(range.from - dayMs, after?.start ?? Number.NEGATIVE_INFINITY)),
    from: iso(range.from),
    to: iso(range.to),
    lower: iso(lower),
    longBefore: iso(range.from - maxDurationMs),
    afterStart: after ? iso(after.start) : undefined,
    afterId: after?.id,
    limit: limit + 1,
  };
  // The single events that began up to a day before the range, and those that began up to
  // the longest duration before it but last more than a day: the others of that month have
  // ended. Each part walks its own index in order, and SQLite merges the two.
  const singlesQuery = occurrenceQueries(after ? "singles after" : "singles", () => {
    const startingIn = (since: string, until: string, ...terms: SQL[]) =>
      qb
        .select({ ...eventRow.selection, spanStart: ev.spanStart, id: ev.id })
        .from(ev)
        .where(
          and(
            eq(ev.orgId, value("orgId")),
            ...terms,
            gte(ev.spanStart, value(since)),
            lt(ev.spanStart, value(until)),
            gt(ev.endsAt, value("from")),
            after ? or(gt(ev.spanStart, value("afterStart")), sql`${ev.id} || ':' || ${ev.startsAt} > ${value("afterId")}`) : undefined,
            conditionSlot,
          ),
        );
    // The unary plus keeps the second part off events_org_start_idx, which would walk the whole month.
    return startingIn("recent", "to", eq(ev.recurring, false))
      .unionAll(startingIn("reach", "recent", isMultiDay, sql`+${ev.recurring} = 0`))
      .orderBy(asc(ev.spanStart), asc(ev.id))
      .limit(value("limit"));
  });
  const singles = await allRows(db, withCondition(singlesQuery, filter), eventRow, values);

  // Single events longer than the scan above reaches back (an exchange of months) are few;
  // they are found by their end, along their own partial index.
  const longQuery = occurrenceQueries("long", () =>
    qb
      .select(eventRow.selection)
      .from(ev)
      .where(
        and(
          eq(ev.orgId, value("orgId")),
          isLongSingle,
          gt(ev.spanEnd, value("lower")),
          lt(ev.spanStart, value("longBefore")),
          conditionSlot,
        ),
      ),
  );
  const long = await allRows(db, withCondition(longQuery, filter), eventRow, values);
  singles.push(...long);

  const window: Window = { from: range.from, to: range.to, after };
  const fixed: Candidate[] = [];
  for (const row of singles)
    for (const single = new Unmoved(row, noOverrides, window); single.head; single.advance()) fixed.push(single.head);
  fixed.push(...(await seriesOccurrences(db, orgId, { window, lower, filter }, limit + 1)));
  const occurrences = firstCandidates([], fixed, limit + 1);
  const shown = occurrences.slice(0, limit);
  const last = shown[shown.length - 1];
  const full = new Map<string, ListedEvent>(singles.map((row) => [row.id, row]));
  const missing = [...new Set(shown.map((o) => o.event.id).filter((id) => !full.has(id)))];
  if (missing.length > 0)
    for (const row of await allRows(db, eventsById, eventRow, { ids: JSON.stringify(missing) })) full.set(row.id, row);
  return {
    data: shown.map((o) => toOccurrencePublic({ ...o, id: candidateId(o), event: full.get(o.event.id) as ListedEvent })),
    nextCursor: occurrences.length > limit && last ? encodeCursor([iso(last.start), candidateId(last)]) : null,
  };
}

/**
 * Moves or cancels one occurrence of a series, keyed by its original start. Setting it
 * back to its original time and `scheduled` removes the override. Every change bumps the
 * event's version, so calendar clients see a new SEQUENCE.
 */
export async function overrideOccurrence(
  ctx: Ctx,
  options: {
    id: string;
    originalStart: string;
    input: { startsAt?: string; endsAt?: string; status?: "scheduled" | "cancelled" } | null;
    expected: Expected;
  },
) {
  const { db, org, now } = ctx;
  const { id, originalStart, input, expected } = options;
  const event = await getVisibleEvent(ctx, id);
  await requireOrganiser(ctx, event);
  requireVersion(expected, event.version);
  if (!event.rrule) {
    throw conflict(
      event.sessions
        ? "A course's sessions are changed with the event's session list (PATCH sessions)."
        : "Only occurrences of a recurring event can be moved or cancelled one by one; update the event itself.",
    );
  }
  const original = Date.parse(originalStart);
  const overrides = await db.select().from(ov).where(eq(ov.eventId, id));
  const existing = overrides.find((o) => Date.parse(o.originalStart) === original);
  if (!occurrenceAt(event, existing, original)) throw notFound("Occurrence");

  const duration = Date.parse(event.endsAt) - Date.parse(event.startsAt);
  const start = input?.startsAt ? Date.parse(input.startsAt) : existing ? Date.parse(existing.startsAt) : original;
  const end = input?.endsAt
    ? Date.parse(input.endsAt)
    : input?.startsAt
      ? start + (existing ? Date.parse(existing.endsAt) - Date.parse(existing.startsAt) : duration)
      : existing
        ? Date.parse(existing.endsAt)
        : original + duration;
  const status = input?.status ?? existing?.status ?? "scheduled";
  checkDuration(start, end, "body.endsAt");
  const restore = input === null || (start === original && end === original + duration && status === "scheduled");

  const row: OverrideRow = {
    eventId: id,
    originalStart: iso(original),
    orgId: org.id,
    startsAt: iso(start),
    endsAt: iso(end),
    status,
    updatedAt: now.toISOString(),
  };
  const others = overrides.filter((o) => o !== existing);
  const after = restore ? others : [...others, row];
  const bump = db
    .update(ev)
    .set({ ...spanOf(event, after), version: sql`${ev.version} + 1`, updatedAt: now.toISOString() })
    .where(and(eq(ev.id, id), eq(ev.version, event.version)))
    .returning();
  // The override is written while the event is still at the version read, and the bump runs
  // last: a concurrent change to the same series makes this one change nothing at all (412).
  const guard = versionIs(sql`${ev}`, id, [event.version]);
  const write = restore
    ? db.delete(ov).where(and(eq(ov.eventId, id), eq(ov.originalStart, row.originalStart), guard))
    : db.run(sql`INSERT INTO ${ov} (event_id, original_start, org_id, starts_at, ends_at, status, updated_at)
        SELECT ${row.eventId}, ${row.originalStart}, ${row.orgId}, ${row.startsAt}, ${row.endsAt}, ${row.status}, ${row.updatedAt} WHERE ${guard}
        ON CONFLICT (event_id, original_start) DO UPDATE SET starts_at = excluded.starts_at, ends_at = excluded.ends_at,
          status = excluded.status, updated_at = excluded.updated_at`);
  const [, bumped] = await db.batch([
    write,
    bump,
    // One occurrence moved or cancelled is a change of the event; `data.occurrence` says which.
    ...webhookEvent({ db, orgId: org.id, now }, "event.changed", id, {
      detail: { occurrence: { originalStart: row.originalStart, startsAt: row.startsAt, endsAt: row.endsAt, status } },
      ifChanged: true,
    }),
  ]);
  const [updated] = bumped;
  if (!updated) throw staleVersion();
  return { event: updated, occurrence: occurrenceAt(updated, restore ? undefined : row, original) };
}
