import { civilFromDays, dayMs, daysInMonth, offsetAt, type Transition, transitionsOfYear, weekdayOf } from "../lib/zone.ts";
import { formatOffset, type IcsWriter, paramValue } from "./ics.ts";
import { weekdayCodes } from "./rrule.ts";

/**
 * VTIMEZONE blocks computed from `Intl`: the offset changes of the years a feed covers,
 * each as an observance. When the last year's changes follow the same yearly pattern as
 * the two years before (last Sunday of March at 02:00, say), that observance carries an
 * open-ended RRULE, so clients keep the right offsets for series running past the feed's
 * years.
 */

interface Pattern {
  kind: "DAYLIGHT" | "STANDARD";
  month: number;
  weekday: number;
  nth: number;
  last: boolean;
  timeOfDay: number;
  from: number;
  to: number;
}

function patternOf(transition: Transition): Pattern & { local: number } {
  const local = transition.at + transition.from;
  const day = Math.floor(local / dayMs);
  const { year, month, day: dayOfMonth } = civilFromDays(day);
  return {
    kind: transition.to > transition.from ? "DAYLIGHT" : "STANDARD",
    month,
    weekday: weekdayOf(day),
    nth: Math.ceil(dayOfMonth / 7),
    last: dayOfMonth + 7 > daysInMonth(year, month),
    timeOfDay: local - day * dayMs,
    from: transition.from,
    to: transition.to,
    local,
  };
}

const sameShape = (a: Pattern, b: Pattern) =>
  a.kind === b.kind && a.month === b.month && a.weekday === b.weekday && a.timeOfDay === b.timeOfDay && a.from === b.from && a.to === b.to;

/** The yearly BYDAY that fits all the patterns, if any: -1SU when always the last, 2SU when always the second. */
function yearlyByDay(patterns: Pattern[]): string | undefined {
  const first = patterns[0];
  if (!first || !patterns.every((p) => sameShape(p, first))) return undefined;
  const code = weekdayCodes[first.weekday];
  if (patterns.every((p) => p.last)) return `-1${code}`;
  if (patterns.every((p) => p.nth === first.nth) && first.nth <= 4) return `${first.nth}${code}`;
  return undefined;
}

function localStamp(local: number): string {
  return new Date(local)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "");
}

function observance(w: IcsWriter, p: Pattern & { local: number }, rrule?: string) {
  w.begin(p.kind)
    .line(`DTSTART:${localStamp(p.local)}`)
    .line(`TZOFFSETFROM:${formatOffset(p.from)}`)
    .line(`TZOFFSETTO:${formatOffset(p.to)}`);
  if (rrule) w.line(`RRULE:${rrule}`);
  w.end(p.kind);
}

export function writeVTimezone(w: IcsWriter, timeZone: string, fromYear: number, toYear: number) {
  w.begin("VTIMEZONE").line(`TZID:${paramValue(timeZone)}`);
  const byYear = new Map<number, (Pattern & { local: number })[]>();
  for (let year = Math.min(fromYear, toYear - 2); year <= toYear; year++)
    byYear.set(year, transitionsOfYear(timeZone, year).map(patternOf));

  const all = [...byYear].filter(([year]) => year >= fromYear).flatMap(([, patterns]) => patterns);
  // The offset in force before the first change written out; clients use it for everything
  // earlier, so it starts in 1970 (without it, ical.js reads earlier times as UTC).
  const initial = offsetAt(timeZone, Date.UTC(fromYear, 0, 1));
  const kind = all.some((p) => p.to < initial || p.from < initial) ? "DAYLIGHT" : "STANDARD";
  w.begin(kind)
    .line("DTSTART:19700101T000000")
    .line(`TZOFFSETFROM:${formatOffset(initial)}`)
    .line(`TZOFFSETTO:${formatOffset(initial)}`)
    .end(kind);
  if (all.length === 0) return w.end("VTIMEZONE");

  const lastYear = byYear.get(toYear) ?? [];
  const ruled = new Map<Pattern & { local: number }, string>();
  for (const p of lastYear) {
    const history = [toYear - 2, toYear - 1].map((year) => byYear.get(year)?.find((q) => q.kind === p.kind));
    if (history.some((q) => q === undefined) || lastYear.filter((q) => q.kind === p.kind).length !== 1) continue;
    const byDay = yearlyByDay([...(history as Pattern[]), p]);
    if (byDay) ruled.set(p, `FREQ=YEARLY;BYMONTH=${p.month};BYDAY=${byDay}`);
  }
  for (const p of all) observance(w, p, ruled.get(p));
  return w.end("VTIMEZONE");
}
