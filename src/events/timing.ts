import { addDays, endOfLocalDay, iso, localDay, startOfLocalDay } from "../lib/dates.ts";
import { invalid } from "../lib/problems.ts";
import { dayMs } from "../lib/zone.ts";
import { maxDurationDays, maxEventDays } from "./events.schemas.ts";
import { checkDuration, type EventRow } from "./series.ts";

/**
 * When an event happens, in the three ways a request may say it: timed (`startsAt`/`endsAt`),
 * all-day (`startsOn`/`endsOn`, local dates of the event's zone), or a course's explicitly
 * dated `sessions`. Whatever the way, the event is stored with the instants of its first
 * occurrence, so range queries, registrations and reminders treat them all alike.
 */

export interface TimingInput {
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  startsOn?: string | undefined;
  endsOn?: string | undefined;
  sessions?: { startsAt: string; endsAt: string }[] | null | undefined;
}

export type Timing = Pick<EventRow, "startsAt" | "endsAt" | "allDay" | "sessions">;

/** An all-day event's dates: the local days from its start to the day before its (midnight) end. */
export function datesOf(row: Pick<EventRow, "allDay" | "timeZone">, startsAt: string, endsAt: string) {
  if (!row.allDay) return { startsOn: null, endsOn: null };
  return {
    startsOn: localDay(new Date(startsAt), row.timeZone),
    endsOn: addDays(localDay(new Date(endsAt), row.timeZone), -1),
  };
}

function sessionsColumn(sessions: { startsAt: string; endsAt: string }[]): string {
  const sorted = sessions.map((s) => ({ start: Date.parse(s.startsAt), end: Date.parse(s.endsAt) })).sort((a, b) => a.start - b.start);
  sorted.forEach((s, i) => {
    checkDuration(s.start, s.end, `body.sessions.${i}.endsAt`, maxDurationDays);
    if (i > 0 && sorted[i - 1]?.start === s.start)
      throw invalid(`body.sessions.${i}.startsAt`, "two sessions cannot start at the same time");
  });
  return JSON.stringify(sorted.map((s) => ({ startsAt: iso(s.start), endsAt: iso(s.end) })));
}

function allDayInstants(startsOn: string, endsOn: string, timeZone: string) {
  if (endsOn < startsOn) throw invalid("body.endsOn", "must be on or after startsOn");
  const startsAt = startOfLocalDay(startsOn, timeZone).getTime();
  const endsAt = endOfLocalDay(endsOn, timeZone).getTime();
  // A day is 23 to 25 hours; the bound is counted in days, so allow the hour a DST change adds.
  if (endsAt - startsAt > maxEventDays * dayMs + 3_600_000) throw invalid("body.endsOn", `must be at most ${maxEventDays} days in all`);
  return { startsAt: iso(startsAt), endsAt: iso(endsAt) };
}

function refuseMixed(input: TimingInput, fields: (keyof TimingInput)[], reason: string) {
  for (const field of fields) if (input[field] !== undefined && input[field] !== null) throw invalid(`body.${field}`, reason);
}

/**
 * The timing of an event from a request and, for a PATCH, the event as it is. A PATCH that
 * says nothing of times keeps them; one that changes the zone of an all-day event keeps its
 * dates (they are midnights of the new zone then).
 */
export function resolveTiming(input: TimingInput, timeZone: string, current?: EventRow): Timing {
  if (input.sessions) {
    refuseMixed(input, ["startsAt", "endsAt", "startsOn", "endsOn"], "leave out with sessions: the first session is the event's start");
    const sessions = sessionsColumn(input.sessions);
    const [first] = JSON.parse(sessions) as { startsAt: string; endsAt: string }[];
    return { startsAt: first?.startsAt as string, endsAt: first?.endsAt as string, allDay: false, sessions };
  }
  // An explicit null ends a course's session list; the event keeps its first session's times unless told otherwise.
  const sessions = input.sessions === null ? null : (current?.sessions ?? null);
  if (input.startsOn !== undefined || input.endsOn !== undefined) {
    refuseMixed(input, ["startsAt", "endsAt"], "an all-day event is given by startsOn and endsOn");
    if (sessions !== null) throw invalid("body.startsOn", "a course with sessions cannot be all-day; give sessions: null to end them");
    const known = current ? datesOf(current, current.startsAt, current.endsAt) : { startsOn: null, endsOn: null };
    const startsOn = input.startsOn ?? known.startsOn;
    const endsOn = input.endsOn ?? known.endsOn;
    if (!startsOn) throw invalid("body.startsOn", "is required with endsOn");
    if (!endsOn) throw invalid("body.endsOn", "is required with startsOn");
    return { ...allDayInstants(startsOn, endsOn, timeZone), allDay: true, sessions: null };
  }
  if (!current) {
    if (!input.startsAt) throw invalid("body.startsAt", "is required (or startsOn/endsOn for an all-day event, or sessions)");
    if (!input.endsAt) throw invalid("body.endsAt", "is required with startsAt");
  }
  if (input.startsAt !== undefined || input.endsAt !== undefined || !current) {
    if (sessions !== null) throw invalid("body.startsAt", "a course's times are its sessions'; change sessions instead");
    return {
      startsAt: iso(Date.parse(input.startsAt ?? (current as EventRow).startsAt)),
      endsAt: iso(Date.parse(input.endsAt ?? (current as EventRow).endsAt)),
      allDay: false,
      sessions: null,
    };
  }
  if (current.allDay && timeZone !== current.timeZone) {
    const { startsOn, endsOn } = datesOf(current, current.startsAt, current.endsAt);
    return { ...allDayInstants(startsOn as string, endsOn as string, timeZone), allDay: true, sessions: null };
  }
  return { startsAt: current.startsAt, endsAt: current.endsAt, allDay: current.allDay, sessions };
}
