/**
 * Days and instants. Membership days, terms and notice periods are local days of the
 * organisation (YYYY-MM-DD), handled as dates without a time or zone: UTC is only the
 * arithmetic vehicle, never a meaning. Instants are kept as ISO 8601 in UTC.
 */
import { localToUtc } from "./zone.ts";

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtc(day: string): Date {
  const match = dayPattern.exec(day);
  if (!match) throw new Error(`not a day: ${day}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

const fromUtc = (date: Date) => date.toISOString().slice(0, 10);

/** Building a formatter costs far more than formatting with one: one per time zone, kept. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The last day worked out per time zone, with the minute it holds for: every request asks, and the answer changes once a day. */
const lastDays = new Map<string, { minute: number; day: string }>();

/** Today's date (YYYY-MM-DD) in the organisation's time zone: membership days are local days. */
export function localDay(now: Date, timeZone: string): string {
  // Time zones move days on whole minutes, so the day of one minute is the day of all of it.
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastDays.get(timeZone);
  if (last?.minute === minute) return last.day;
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(timeZone, format);
  }
  const day = format.format(now);
  lastDays.set(timeZone, { minute, day });
  return day;
}

/** Whether the text is a day that exists: 2027-02-29 does not, 2028-02-29 does. */
export function isRealDay(text: string): boolean {
  const match = dayPattern.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  if (year < 1900 || year > 2999) return false;
  return fromUtc(toUtc(text)) === text;
}

export function addDays(day: string, days: number): string {
  const date = toUtc(day);
  date.setUTCDate(date.getUTCDate() + days);
  return fromUtc(date);
}

/** The same date `months` later; a day the target month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsClamped(day: string, months: number): string {
  const date = toUtc(day);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastOfTarget = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastOfTarget));
  return fromUtc(target);
}

/**
 * Last day of a term of `months` starting on `startsOn`: the day before the same date that
 * many months later, so consecutive terms chain without gap or overlap.
 */
export const termEnd = (startsOn: string, months: number) => addDays(addMonthsClamped(startsOn, months), -1);

/** The instant a local day begins in a time zone (00:00 local). */
export function startOfLocalDay(day: string, timeZone: string): Date {
  return new Date(localToUtc(timeZone, Date.parse(`${day}T00:00:00.000Z`)));
}

/** The instant a local day ends: the start of the next day. */
export const endOfLocalDay = (day: string, timeZone: string) => startOfLocalDay(addDays(day, 1), timeZone);

/**
 * The ISO forms of instants given as numbers lately: a calendar shows the same occurrences
 * request after request, each instant several times (its id, its start, its original start),
 * and making the text cost a calendar page more than its query. Bounded; it starts afresh when full.
 */
const isoOfInstant = new Map<number, string>();
const isoKept = 50_000;

/**
 * An instant as ISO 8601 in UTC to the millisecond, the one form times are stored in, so
 * that text order is time order. No instant (null, undefined) stays none.
 */
export function iso(at: Date | number | string): string;
export function iso(at: Date | number | string | null | undefined): string | null;
export function iso(at: Date | number | string | null | undefined): string | null {
  if (at === null || at === undefined) return null;
  if (typeof at !== "number") return new Date(at).toISOString();
  let text = isoOfInstant.get(at);
  if (text === undefined) {
    text = new Date(at).toISOString();
    if (isoOfInstant.size >= isoKept) isoOfInstant.clear();
    isoOfInstant.set(at, text);
  }
  return text;
}
