/**
 * Time-zone arithmetic from `Intl` alone (Workers have no tz database of their own to
 * read). Offsets are found by sampling a year day by day and bisecting each change to the
 * second; the result is cached per zone and year, so expanding thousands of occurrences
 * costs a binary search each, not an `Intl` call each.
 */

const dayMs = 86_400_000;

export interface Transition {
  /** UTC instant (ms) from which `to` applies. */
  at: number;
  /** Offsets in ms: local = UTC + offset. */
  from: number;
  to: number;
}

interface YearInfo {
  /** Offset at 1 January 00:00 UTC of the year. */
  start: number;
  transitions: Transition[];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The offset straight from Intl, for one instant (whole seconds). */
function intlOffset(timeZone: string, utcMs: number): number {
  const at = Math.floor(utcMs / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const part of formatterOf(timeZone).formatToParts(at)) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === "BC" || parts.era === "B") year = 1 - year;
  const local = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return local - at;
}

const years = new Map<string, YearInfo>();

function yearInfo(timeZone: string, year: number): YearInfo {
  const key = `${timeZone}|${year}`;
  let info = years.get(key);
  if (info) return info;
  const begin = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const start = intlOffset(timeZone, begin);
  const transitions: Transition[] = [];
  let previousAt = begin;
  let previous = start;
  // Daily samples: no zone has changed its offset twice within a day in modern times.
  for (let at = begin + dayMs; at <= end; at += dayMs) {
    const offset = intlOffset(timeZone, at);
    if (offset !== previous) {
      let low = previousAt;
      let high = at;
      while (high - low > 1000) {
        const mid = low + Math.floor((high - low) / 2000) * 1000;
        if (intlOffset(timeZone, mid) === previous) low = mid;
        else high = mid;
      }
      if (high < end) transitions.push({ at: high, from: previous, to: offset });
      previous = offset;
    }
    previousAt = at;
  }
  info = { start, transitions };
  years.set(key, info);
  return info;
}

/** The zone's offset (ms, local minus UTC) at a UTC instant. */
export function offsetAt(timeZone: string, utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  const info = yearInfo(timeZone, year);
  let offset = info.start;
  for (const transition of info.transitions) {
    if (transition.at > utcMs) break;
    offset = transition.to;
  }
  return offset;
}

/** Offset changes within a calendar year (by UTC), in order. */
export function transitionsOfYear(timeZone: string, year: number): Transition[] {
  return yearInfo(timeZone, year).transitions;
}

/**
 * The UTC instant of a local wall-clock time, given as ms "as if UTC". As RFC 5545 (3.3.5)
 * has it: a time skipped by a DST gap is read with the offset before the gap (02:30 becomes
 * 03:30 summer time); a time that happens twice means the first of the two.
 */
export function localToUtc(timeZone: string, localMs: number): number {
  const before = offsetAt(timeZone, localMs - dayMs);
  const after = offsetAt(timeZone, localMs + dayMs);
  const viaBefore = localMs - before;
  const viaAfter = localMs - after;
  const beforeFits = offsetAt(timeZone, viaBefore) === before;
  const afterFits = offsetAt(timeZone, viaAfter) === after;
  if (beforeFits && afterFits) return Math.min(viaBefore, viaAfter);
  if (beforeFits) return viaBefore;
  if (afterFits) return viaAfter;
  return viaBefore;
}

/** Local wall-clock time of a UTC instant, as ms "as if UTC". */
export function utcToLocal(timeZone: string, utcMs: number): number {
  return utcMs + offsetAt(timeZone, utcMs);
}

/** Zones whose times are written in UTC (`…Z`) in iCalendar rather than with a VTIMEZONE. */
export function isUtcZone(timeZone: string): boolean {
  return ["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu", "Etc/UCT", "UCT"].includes(timeZone);
}

/** Days since 1970-01-01 of a civil date, and back: the recurrence works on whole local days. */
export function daysFromCivil(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / dayMs);
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const date = new Date(days * dayMs);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Weekday of a day number: 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export { dayMs };
