import { openEnded } from "../../drizzle/events.ts";
import { isOccurrence, lastStart, type Series } from "../calendar/expand.ts";
import { parseRule, type Rule, RuleError } from "../calendar/rrule.ts";
import type { schema } from "../db/index.ts";
import { iso } from "../lib/dates.ts";
import { invalid } from "../lib/problems.ts";
import { dayMs, localToUtc } from "../lib/zone.ts";
import { maxDurationDays } from "./events.schemas.ts";

/**
 * From stored rows to occurrences: a series is its rule, its EXDATEs and its overrides;
 * every occurrence is computed when asked, never stored.
 */

export type EventRow = typeof schema.events.$inferSelect;
export type OverrideRow = typeof schema.eventOccurrenceOverrides.$inferSelect;

/** What expanding needs of an event; range queries read only these columns for their many candidate series. */
export type EventCore = Pick<EventRow, "id" | "startsAt" | "endsAt" | "timeZone" | "rrule" | "exdates" | "status" | "sessions">;

export interface Session {
  start: number;
  end: number;
}

/** A course's sessions in start order, or undefined for any other event. */
export function sessionsOf(event: Pick<EventRow, "sessions">): Session[] | undefined {
  if (event.sessions === null) return undefined;
  return (JSON.parse(event.sessions) as { startsAt: string; endsAt: string }[]).map((s) => ({
    start: Date.parse(s.startsAt),
    end: Date.parse(s.endsAt),
  }));
}

export interface Occurrence<E extends EventCore = EventRow> {
  event: E;
  /** `<eventId>:<original start>`: stable across moves. */
  id: string;
  originalStart: number;
  start: number;
  end: number;
  status: "scheduled" | "cancelled";
  moved: boolean;
}

export const occurrenceIdOf = (eventId: string, originalStart: number) => `${eventId}:${iso(originalStart)}`;

/** Parses a rule for an event in `timeZone`; a bad rule is a 422 on `field`. */
export function ruleFor(rrule: string, timeZone: string, field: string) {
  try {
    return parseRule(rrule, (year, month, day) => localToUtc(timeZone, Date.UTC(year, month - 1, day, 23, 59, 59)));
  } catch (error) {
    if (error instanceof RuleError) throw invalid(field, error.message);
    throw error;
  }
}

/** Stored rules are canonical and few; a page of a busy calendar reads the same ones over and over. */
const parsedRules = new Map<string, Rule>();

export function seriesOf(event: Pick<EventRow, "rrule" | "startsAt" | "timeZone">): Series | undefined {
  if (!event.rrule) return undefined;
  const key = `${event.timeZone}|${event.rrule}`;
  let rule = parsedRules.get(key);
  if (!rule) {
    rule = ruleFor(event.rrule, event.timeZone, "recurrence.rrule");
    if (parsedRules.size >= 2000) parsedRules.clear();
    parsedRules.set(key, rule);
  }
  return { start: Date.parse(event.startsAt), timeZone: event.timeZone, rule };
}

const noExdates: ReadonlySet<number> = new Set();
export const exdatesOf = (event: Pick<EventRow, "exdates">): ReadonlySet<number> =>
  event.exdates === "[]" ? noExdates : new Set((JSON.parse(event.exdates) as string[]).map((d) => Date.parse(d)));

/** An occurrence of a series (or a moved one, or a session) may last up to `maxDurationDays`; a single event up to `maxEventDays`. */
export function checkDuration(start: number, end: number, field: string, maxDays: number = maxDurationDays) {
  if (end <= start) throw invalid(field, "must be after the start");
  if (end - start > maxDays * dayMs) throw invalid(field, `must be at most ${maxDays} days after the start`);
}

/** Validates the series of a new or changed event: DTSTART must be its first occurrence; EXDATEs must be occurrences. */
export function checkSeries(series: Series, exdates: number[], prefix: string) {
  if (!isOccurrence(series, series.start)) {
    throw invalid(
      `${prefix}recurrence.rrule`,
      "the start (startsAt, in the event's time zone) must be an occurrence of the rule; it is the first one",
    );
  }
  exdates.forEach((exdate, i) => {
    if (!isOccurrence(series, exdate)) throw invalid(`${prefix}recurrence.exdates.${i}`, "is not an occurrence of the series");
  });
}

/**
 * The bounds every occurrence lies within, moved ones included: what range queries filter
 * on. For UNTIL series the end is computed near UNTIL; an upper bound is all it must be.
 */
export function spanOf(
  event: Pick<EventRow, "rrule" | "startsAt" | "endsAt" | "timeZone" | "sessions">,
  overrides: Pick<OverrideRow, "startsAt" | "endsAt">[],
) {
  const sessions = sessionsOf(event);
  if (sessions) {
    return {
      spanStart: iso(Math.min(...sessions.map((s) => s.start))),
      spanEnd: iso(Math.max(...sessions.map((s) => s.end))),
    };
  }
  const start = Date.parse(event.startsAt);
  const duration = Date.parse(event.endsAt) - start;
  const series = seriesOf(event);
  let spanStart = start;
  let spanEnd: number | undefined = start + duration;
  if (series) {
    const last = lastStart(series);
    spanEnd = last === undefined ? undefined : last + duration;
  }
  for (const o of overrides) {
    spanStart = Math.min(spanStart, Date.parse(o.startsAt));
    if (spanEnd !== undefined) spanEnd = Math.max(spanEnd, Date.parse(o.endsAt));
  }
  return { spanStart: iso(spanStart), spanEnd: spanEnd === undefined ? openEnded : iso(spanEnd) };
}

function occurrenceOf<E extends EventCore>(
  event: E,
  times: { originalStart: number; start: number; end: number; status: Occurrence["status"]; asPlanned?: boolean },
): Occurrence<E> {
  const { originalStart, start, end, status, asPlanned } = times;
  return {
    event,
    id: occurrenceIdOf(event.id, originalStart),
    originalStart,
    start,
    end,
    status: event.status === "cancelled" ? "cancelled" : status,
    moved: !asPlanned && (start !== originalStart || end - start !== Date.parse(event.endsAt) - Date.parse(event.startsAt)),
  };
}

export interface Window {
  from: number;
  to: number;
  /** Only occurrences after this (start, occurrence id), for cursor pagination. */
  after?: { start: number; id: string };
}

/** The occurrence with this original start, if the event has one (overrides applied). */
export function occurrenceAt(event: EventRow, override: OverrideRow | undefined, originalStart: number): Occurrence | undefined {
  const sessions = sessionsOf(event);
  if (sessions) {
    const s = sessions.find((candidate) => candidate.start === originalStart);
    return s && occurrenceOf(event, { originalStart, start: s.start, end: s.end, status: "scheduled", asPlanned: true });
  }
  const start = Date.parse(event.startsAt);
  const duration = Date.parse(event.endsAt) - start;
  const series = seriesOf(event);
  if (!series)
    return originalStart === start
      ? occurrenceOf(event, { originalStart: start, start, end: start + duration, status: "scheduled" })
      : undefined;
  if (exdatesOf(event).has(originalStart) || !isOccurrence(series, originalStart)) return undefined;
  if (override)
    return occurrenceOf(event, {
      originalStart,
      start: Date.parse(override.startsAt),
      end: Date.parse(override.endsAt),
      status: override.status,
    });
  return occurrenceOf(event, { originalStart, start: originalStart, end: originalStart + duration, status: "scheduled" });
}
