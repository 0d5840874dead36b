import { and, eq, gt, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { preparedQuery } from "../db/prepared-queries.ts";
import type { EventCore } from "./series.ts";

/**
 * The organisation's recurring events as expanding needs them, kept by the process while
 * they stay as stored. A calendar page would otherwise read every series that overlaps its
 * range, row by row (hundreds of open-ended series in a busy organisation), on every
 * request. One row says whether the kept rows are still the stored ones: the organisation's
 * mark in event_series_marks, which triggers on `events` raise whenever a recurring event is
 * added, changed or removed (migration 0020). Per process (per isolate on Workers), and by
 * organisation id, which is unique across databases.
 */

const ev = schema.events;

export type KeptSeries = EventCore & { spanStart: string; spanEnd: string };

const kept = new Map<string, { mark: string; rows: KeptSeries[] }>();
/** Organisations kept at most; past that the map starts afresh. */
const maxOrganisations = 200;

/** Whether the kept rows are still the stored ones: one row by its key, built once per database handle. */
const stateOf = preparedQuery((db) =>
  db
    .select({ mark: schema.eventSeriesMarks.mark })
    .from(schema.eventSeriesMarks)
    .where(eq(schema.eventSeriesMarks.orgId, sql.placeholder("orgId")))
    .prepare(),
);

/** Reads of an organisation's rows under way, by the mark they were asked for. */
const reading = new Map<string, { mark: string; rows: Promise<KeptSeries[]> }>();

async function readRows(db: Db, orgId: string, mark: string): Promise<KeptSeries[]> {
  const rows = await db
    .select({
      id: ev.id,
      startsAt: ev.startsAt,
      endsAt: ev.endsAt,
      timeZone: ev.timeZone,
      rrule: ev.rrule,
      exdates: ev.exdates,
      status: ev.status,
      sessions: ev.sessions,
      spanStart: ev.spanStart,
      spanEnd: ev.spanEnd,
    })
    .from(ev)
    .where(and(eq(ev.orgId, orgId), eq(ev.recurring, true)));
  if (kept.size >= maxOrganisations) kept.clear();
  kept.set(orgId, { mark, rows });
  return rows;
}

/** The organisation's series as stored: the same array of the same rows for as long as none of them changes. */
export async function recurringEvents(db: Db, orgId: string): Promise<KeptSeries[]> {
  const [state] = await stateOf(db).all({ orgId });
  // No row yet: the organisation has never had a series.
  const mark = String(state?.mark ?? 0);
  const known = kept.get(orgId);
  if (known?.mark === mark) return known.rows;
  // Requests that arrive together after a change (or at start) share one read of the rows,
  // rather than each reading and keeping its own copy while the others wait on the event loop.
  const under = reading.get(orgId);
  if (under?.mark === mark) return under.rows;
  const rows = readRows(db, orgId, mark);
  reading.set(orgId, { mark, rows });
  try {
    return await rows;
  } finally {
    if (reading.get(orgId)?.rows === rows) reading.delete(orgId);
  }
}

/** The ids of the organisation's series meeting [lower, to) by their span that pass `filter`; undefined for no filter (all pass). */
export async function seriesPassing(
  db: Db,
  orgId: string,
  span: { lower: string; to: string },
  filter: SQL | undefined,
): Promise<ReadonlySet<string> | undefined> {
  if (filter === undefined) return undefined;
  const passing = await db
    .select({ id: ev.id })
    .from(ev)
    .where(and(eq(ev.orgId, orgId), eq(ev.recurring, true), gt(ev.spanEnd, span.lower), lt(ev.spanStart, span.to), filter));
  return new Set(passing.map((row) => row.id));
}
