import { civilFromDays, dayMs, daysFromCivil, daysInMonth, localToUtc, utcToLocal, weekdayOf } from "../lib/zone.ts";
import type { Rule } from "./rrule.ts";

/**
 * Expansion of a recurring series in its own time zone: every occurrence keeps the local
 * wall-clock time of the first one, so "first Tuesday, 18:00 Europe/Stockholm" stays 18:00
 * on both sides of a DST change while its UTC instant moves by an hour.
 */
export interface Series {
  /** DTSTART: the first occurrence, UTC ms. */
  start: number;
  timeZone: string;
  rule: Rule;
}

/** Stops a rule that can never match again (BYMONTH against a missing day) from spinning. */
const maxEmptyPeriods = 1200;
const horizonDays = 366 * 200;

function periodDays(rule: Rule, firstDay: number, k: number): number[] {
  let days: number[];
  if (rule.freq === "WEEKLY") {
    const weekStart = firstDay - ((weekdayOf(firstDay) - rule.weekStart + 7) % 7);
    const base = weekStart + 7 * k * rule.interval;
    const weekdays = rule.byDay.length > 0 ? rule.byDay.map((d) => d.weekday) : [weekdayOf(firstDay)];
    days = weekdays.map((weekday) => base + ((weekday - rule.weekStart + 7) % 7));
  } else {
    const first = civilFromDays(firstDay);
    const monthIndex = first.year * 12 + (first.month - 1) + k * rule.interval;
    const year = Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    if (rule.byMonth.length > 0 && !rule.byMonth.includes(month)) return [];
    const monthStart = daysFromCivil(year, month, 1);
    const length = daysInMonth(year, month);
    if (rule.byDay.length === 0) return first.day <= length ? [monthStart + first.day - 1] : [];
    days = [];
    for (const { weekday, ordinal } of rule.byDay) {
      const all: number[] = [];
      for (let day = monthStart + ((weekday - weekdayOf(monthStart) + 7) % 7); day < monthStart + length; day += 7) all.push(day);
      if (ordinal === undefined) days.push(...all);
      else {
        const picked = ordinal > 0 ? all[ordinal - 1] : all[all.length + ordinal];
        if (picked !== undefined) days.push(picked);
      }
    }
  }
  if (rule.freq === "WEEKLY" && rule.byMonth.length > 0) days = days.filter((day) => rule.byMonth.includes(civilFromDays(day).month));
  return [...new Set(days)].sort((a, b) => a - b);
}

/** The period index to start from so that nothing at or after `from` is skipped. */
function firstPeriod(rule: Rule, firstDay: number, fromDay: number): number {
  if (rule.count !== undefined || fromDay <= firstDay) return 0;
  if (rule.freq === "WEEKLY") return Math.max(0, Math.floor((fromDay - firstDay) / 7 / rule.interval) - 1);
  const a = civilFromDays(firstDay);
  const b = civilFromDays(fromDay);
  return Math.max(0, Math.floor((b.year * 12 + b.month - (a.year * 12 + a.month)) / rule.interval) - 1);
}

/**
 * The starts (UTC ms) of the series' occurrences in ascending order, from `from` on.
 * COUNT counts from DTSTART, so with COUNT the walk starts there; without it, it jumps
 * straight to the period of `from`.
 */
export function* occurrenceStarts(series: Series, from = Number.NEGATIVE_INFINITY): Generator<number> {
  const { rule, timeZone } = series;
  const local = utcToLocal(timeZone, series.start);
  const firstDay = Math.floor(local / dayMs);
  const timeOfDay = local - firstDay * dayMs;
  const fromDay = Number.isFinite(from) ? Math.floor(utcToLocal(timeZone, from) / dayMs) - 1 : firstDay;
  const untilDay = rule.until === undefined ? undefined : Math.floor(utcToLocal(timeZone, rule.until) / dayMs) + 1;
  let emitted = 0;
  let empty = 0;
  for (let k = firstPeriod(rule, firstDay, fromDay); ; k++) {
    const days = periodDays(rule, firstDay, k);
    let any = false;
    for (const day of days) {
      if (day < firstDay) continue;
      if (day > firstDay + horizonDays || (untilDay !== undefined && day > untilDay)) return;
      const start = localToUtc(timeZone, day * dayMs + timeOfDay);
      if (rule.until !== undefined && start > rule.until) return;
      if (rule.count !== undefined && emitted >= rule.count) return;
      emitted++;
      any = true;
      if (start >= from) yield start;
    }
    if (any) empty = 0;
    else if (++empty > maxEmptyPeriods) return;
    // A period past UNTIL or the horizon ends the walk even when it held no day.
    const probe = days[0];
    if (probe !== undefined && untilDay !== undefined && probe > untilDay) return;
    if (k * rule.interval > horizonDays) return;
  }
}

/** Occurrence starts in [from, to). */
export function startsBetween(series: Series, from: number, to: number, limit = Number.POSITIVE_INFINITY): number[] {
  const out: number[] = [];
  for (const start of occurrenceStarts(series, from)) {
    if (start >= to || out.length >= limit) break;
    out.push(start);
  }
  return out;
}

export function isOccurrence(series: Series, start: number): boolean {
  for (const candidate of occurrenceStarts(series, start)) return candidate === start;
  return false;
}

/** The start of the last occurrence, or undefined for an open-ended series. */
export function lastStart(series: Series): number | undefined {
  if (series.rule.count === undefined && series.rule.until === undefined) return undefined;
  if (series.rule.count !== undefined) {
    let last = series.start;
    for (const start of occurrenceStarts(series)) last = start;
    return last;
  }
  // UNTIL: the last occurrence lies within a year and a bit of it unless BYMONTH thins the
  // rule out; walking from there keeps this cheap, and UNTIL itself is a safe upper bound.
  const until = series.rule.until as number;
  let last: number | undefined;
  for (const start of occurrenceStarts(series, Math.max(series.start, until - 2 * 366 * dayMs))) last = start;
  return last ?? until;
}
