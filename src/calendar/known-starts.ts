import { occurrenceStarts, type Series } from "./expand.ts";

/**
 * A series' occurrence starts, worked out once and kept by the process. A calendar is read
 * far more often than its series change, and every page of it asks again where each series
 * stands in the window: expanding the rule again costs a walk through the rule's periods and
 * time-zone conversions, while looking up the window in the starts already known is a binary
 * search. Keyed by what the starts follow from (first start, time zone, rule), so a series
 * that changes is another key, and a stale entry is never used; EXDATEs and moved or
 * cancelled occurrences are applied by the caller, as before.
 */

interface Known {
  /** Every start from `from` on, as far as the walk has gone. */
  from: number;
  starts: number[];
  /** The rule's walk from `from`, continued when a later window asks for more. */
  rest: Iterator<number>;
  done: boolean;
}

const known = new Map<string, Known>();
/** Series kept at most; past that the map starts afresh (as the parsed rules do). */
const maxSeries = 5000;
/** Starts kept per series at most (a weekly series over twenty years); a window beyond them is expanded directly. */
const maxStarts = 1040;

/** The index of the first start at or after `from`. */
function firstAtOrAfter(starts: number[], from: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((starts[middle] as number) < from) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The series' occurrence starts from `from` on, in ascending order: what occurrenceStarts(series, from) yields. */
export function* knownStartsFrom(key: string, series: Series, from: number): Generator<number> {
  let entry = known.get(key);
  if (!entry || from < entry.from) {
    if (!entry && known.size >= maxSeries) known.clear();
    // A rule without COUNT is walked from the window's period on: a series begun years ago
    // costs a first calendar page no more than one begun last week. COUNT counts from
    // DTSTART, so such a walk starts there (it ends within maxCount occurrences). A window
    // earlier than the walk begins starts the walk again from there.
    const walkFrom = series.rule.count === undefined ? from : Number.NEGATIVE_INFINITY;
    entry = { from: walkFrom, starts: [], rest: occurrenceStarts(series, walkFrom), done: false };
    known.set(key, entry);
  }
  let at = firstAtOrAfter(entry.starts, from);
  for (;;) {
    // Starts the walk adds on the way to `from` are kept for later windows, not yielded.
    while (at < entry.starts.length) {
      const start = entry.starts[at++] as number;
      if (start >= from) yield start;
    }
    if (entry.done) return;
    if (entry.starts.length >= maxStarts) {
      const last = entry.starts[entry.starts.length - 1] as number;
      for (const start of occurrenceStarts(series, Math.max(from, last + 1))) if (start > last) yield start;
      return;
    }
    const next = entry.rest.next();
    if (next.done) entry.done = true;
    else entry.starts.push(next.value);
  }
}
