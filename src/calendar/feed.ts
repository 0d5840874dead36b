import { type EventRow, type OverrideRow, type Session, sessionsOf } from "../events/series.ts";
import { datesOf } from "../events/timing.ts";
import { addDays, iso } from "../lib/dates.ts";
import { pacer } from "../lib/yield.ts";
import { isUtcZone } from "../lib/zone.ts";
import { dateTimeListProperty, dateTimeProperty, formatUtc, IcsWriter } from "./ics.ts";
import { writeVTimezone } from "./vtimezone.ts";

/**
 * An iCalendar feed of events as stored: a series is one VEVENT with RRULE and EXDATE,
 * each moved or cancelled occurrence a VEVENT with the same UID and a RECURRENCE-ID. UIDs
 * never change, and SEQUENCE is the event's version, so clients replace what they hold.
 */

export interface FeedEvent {
  event: EventRow;
  overrides: OverrideRow[];
}

export const uidOf = (eventId: string) => `${eventId}@grasrot`;
const stamp = (isoTime: string) => formatUtc(Date.parse(isoTime));
const basicDate = (day: string) => day.replace(/-/g, "");
const yearOf = (isoTime: string) => new Date(isoTime).getUTCFullYear();

/** The years each zone's VTIMEZONE must cover: from the first event to the last finite one, and at least next year. */
function zoneYears(events: FeedEvent[], now: Date) {
  const years = new Map<string, { from: number; to: number }>();
  const nextYear = now.getUTCFullYear() + 1;
  for (const { event, overrides } of events) {
    if (isUtcZone(event.timeZone)) continue;
    const ends = [event.spanEnd, ...overrides.map((o) => o.endsAt)].filter((e) => !e.startsWith("9999"));
    const from = yearOf(event.spanStart) - 1;
    const to = Math.min(Math.max(nextYear, ...ends.map(yearOf)), from + 60);
    const known = years.get(event.timeZone);
    years.set(event.timeZone, known ? { from: Math.min(known.from, from), to: Math.max(known.to, to) } : { from, to });
  }
  return years;
}

function details(w: IcsWriter, event: EventRow) {
  w.text("SUMMARY", event.title)
    .text("DESCRIPTION", event.description)
    .text("LOCATION", event.locationAddress ?? event.onlineUrl)
    .text("CATEGORIES", event.kind.toUpperCase().replace(/_/g, "-"));
  if (event.onlineUrl) w.line(`URL:${event.onlineUrl}`);
  w.line(`CLASS:${event.visibility === "public" ? "PUBLIC" : "PRIVATE"}`);
}

/** DTSTART and DTEND of an occurrence: dates for an all-day event (DTEND the day after the last, RFC 5545 3.6.1), else date-times. */
function timeProperties(w: IcsWriter, event: EventRow, start: number, end: number) {
  if (event.allDay) {
    const { startsOn, endsOn } = datesOf(event, iso(start), iso(end));
    w.line(`DTSTART;VALUE=DATE:${basicDate(startsOn as string)}`).line(`DTEND;VALUE=DATE:${basicDate(addDays(endsOn as string, 1))}`);
    return;
  }
  w.line(dateTimeProperty("DTSTART", start, event.timeZone)).line(dateTimeProperty("DTEND", end, event.timeZone));
}

/**
 * A course's sessions, each a VEVENT of its own: calendar apps show every session whatever
 * its time, which an RDATE with periods would not promise. Each UID names the session's
 * start, so a session moved by changing the list is a new one and the old one goes.
 */
function writeSessions(w: IcsWriter, event: EventRow, sessions: Session[]) {
  sessions.forEach((session, i) => {
    w.begin("VEVENT")
      .text("UID", `${event.id}.${formatUtc(session.start)}@grasrot`)
      .line(`DTSTAMP:${stamp(event.updatedAt)}`)
      .line(`CREATED:${stamp(event.createdAt)}`)
      .line(`LAST-MODIFIED:${stamp(event.updatedAt)}`)
      .line(`SEQUENCE:${event.version}`);
    timeProperties(w, event, session.start, session.end);
    w.text("SUMMARY", `${event.title} (${i + 1}/${sessions.length})`)
      .text("DESCRIPTION", event.description)
      .text("LOCATION", event.locationAddress ?? event.onlineUrl)
      .text("CATEGORIES", event.kind.toUpperCase().replace(/_/g, "-"));
    if (event.onlineUrl) w.line(`URL:${event.onlineUrl}`);
    w.line(`CLASS:${event.visibility === "public" ? "PUBLIC" : "PRIVATE"}`);
    w.line(`STATUS:${event.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`);
    w.end("VEVENT");
  });
}

function writeEvent(w: IcsWriter, { event, overrides }: FeedEvent) {
  const sessions = sessionsOf(event);
  if (sessions) return writeSessions(w, event, sessions);
  const uid = uidOf(event.id);
  const tz = event.timeZone;
  w.begin("VEVENT")
    .text("UID", uid)
    .line(`DTSTAMP:${stamp(event.updatedAt)}`)
    .line(`CREATED:${stamp(event.createdAt)}`)
    .line(`LAST-MODIFIED:${stamp(event.updatedAt)}`)
    .line(`SEQUENCE:${event.version}`);
  timeProperties(w, event, Date.parse(event.startsAt), Date.parse(event.endsAt));
  details(w, event);
  w.line(`STATUS:${event.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`);
  if (event.rrule) {
    w.line(`RRULE:${event.rrule}`);
    const exdates = (JSON.parse(event.exdates) as string[]).map((d) => Date.parse(d));
    if (exdates.length > 0) w.line(dateTimeListProperty("EXDATE", exdates, tz));
  }
  w.end("VEVENT");
  if (!event.rrule) return;
  for (const o of overrides) {
    w.begin("VEVENT")
      .text("UID", uid)
      // Every override change also touches the event, so its stamp is the later one.
      .line(`DTSTAMP:${stamp(event.updatedAt)}`)
      .line(`LAST-MODIFIED:${stamp(o.updatedAt)}`)
      .line(`SEQUENCE:${event.version}`)
      .line(dateTimeProperty("RECURRENCE-ID", Date.parse(o.originalStart), tz))
      .line(dateTimeProperty("DTSTART", Date.parse(o.startsAt), tz))
      .line(dateTimeProperty("DTEND", Date.parse(o.endsAt), tz));
    details(w, event);
    w.line(`STATUS:${event.status === "cancelled" || o.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`);
    w.end("VEVENT");
  }
}

type FeedInput = { name: string; events: FeedEvent[]; now: Date };

/** The feed's text in parts (the calendar's head and zones, each event, the end), which joined are the feed. */
function* feedParts(input: FeedInput): Generator<string> {
  const head = new IcsWriter()
    .begin("VCALENDAR")
    .line("VERSION:2.0")
    .line("PRODID:-//Grasrot//Grasrot API//EN")
    .line("CALSCALE:GREGORIAN")
    .line("METHOD:PUBLISH")
    .text("NAME", input.name)
    .text("X-WR-CALNAME", input.name)
    .line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
    .line("X-PUBLISHED-TTL:PT1H");
  for (const [timeZone, { from, to }] of zoneYears(input.events, input.now)) writeVTimezone(head, timeZone, from, to);
  yield head.toString();
  for (const event of input.events) {
    const w = new IcsWriter();
    writeEvent(w, event);
    yield w.toString();
  }
  yield new IcsWriter().end("VCALENDAR").toString();
}

/**
 * The feed, written a few milliseconds at a time with other requests answered between: a feed
 * of thousands of events (a megabyte) takes long enough to write that written in one go it
 * would hold every other request of the deployment.
 */
export async function buildFeed(input: FeedInput): Promise<string> {
  const pace = pacer();
  const parts: string[] = [];
  for (const part of feedParts(input)) {
    parts.push(part);
    await pace();
  }
  return parts.join("");
}
