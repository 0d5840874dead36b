import { type Candidate, candidateId, durationOf, firstCandidates, overriddenCandidates, Unmoved } from "./candidates.ts";
import type { KeptSeries } from "./kept-series.ts";
import type { OverrideRow, Window } from "./series.ts";

/**
 * The occurrences of an organisation's series in a range, merged in order, kept while its
 * series stay as stored. A calendar is read far more often than its series change, and
 * every page of a month would otherwise weigh every open series again. Kept per array of
 * kept series rows (kept-series.ts makes a new one whenever a series, or an override of
 * one, changes: every such change bumps the event's version), so a change is seen by the
 * next read and the entries of the old rows go with them. Everything the caller's sight
 * and cursor decide is applied per request: which series pass the filter, and where the
 * page starts. Only windows of at most `maxCandidates` occurrences are kept whole; the
 * rest is expanded per request from the kept prefix on.
 */

interface KeptWindow {
  /** In order, from the range's start on. */
  candidates: Candidate<KeptSeries>[];
  /** Whether `candidates` holds every occurrence of the range, or only its first `maxCandidates`. */
  complete: boolean;
}

/** Occurrences a kept range holds at most (a month of a thousand weekly series, and then some). */
const maxCandidates = 8000;
/** Ranges kept per organisation at most; past that its ranges start afresh. */
const maxRanges = 32;
/** Occurrences kept by the process at most, all organisations together (some tens of megabytes); past that all start afresh. */
const maxKept = 250_000;

let kept = new WeakMap<KeptSeries[], Map<string, Promise<KeptWindow>>>();
/** Occurrences the ranges of `kept` hold (ranges dropped by an organisation are still counted: a reset comes early, never late). */
let keptCount = 0;

export type OverridesLoader = (eventIds: string[], lower: number, to: number) => Promise<Map<string, OverrideRow[]>>;

async function windowOf(rows: KeptSeries[], range: { from: number; to: number }, overridesOf: OverridesLoader): Promise<KeptWindow> {
  const lower = new Date(range.from).toISOString();
  const to = new Date(range.to).toISOString();
  const meeting = rows.filter((row) => row.spanEnd > lower && row.spanStart < to);
  if (meeting.length === 0) return { candidates: [], complete: true };
  let longest = 0;
  for (const row of meeting) longest = Math.max(longest, durationOf(row));
  const overrides = await overridesOf(
    meeting.map((row) => row.id),
    range.from - longest,
    range.to,
  );
  const window: Window = { from: range.from, to: range.to };
  const streams: Unmoved<KeptSeries>[] = [];
  const moved: Candidate<KeptSeries>[] = [];
  for (const row of meeting) {
    const own = overrides.get(row.id);
    streams.push(new Unmoved(row, own ? new Set(own.map((o) => Date.parse(o.originalStart))) : noOverrides, window));
    if (own) moved.push(...overriddenCandidates(row, own, window));
  }
  const candidates = firstCandidates(streams, moved, maxCandidates + 1);
  const complete = candidates.length <= maxCandidates;
  if (!complete) candidates.pop();
  return { candidates, complete };
}

const noOverrides: ReadonlySet<number> = new Set();

/** The index of the first candidate after the cursor (all come after no cursor): the order is the cursor's. */
function firstAfter(candidates: Candidate[], after: Window["after"]): number {
  if (!after) return 0;
  let low = 0;
  let high = candidates.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const c = candidates[middle] as Candidate;
    const later = c.start > after.start || (c.start === after.start && candidateId(c) > after.id);
    if (later) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The first `take` occurrences of the series in the window after its cursor, among those
 * `visible` (every series when undefined); undefined when the kept prefix of a very busy
 * range runs out before that, and the caller expands the series itself.
 */
export async function keptSeriesOccurrences(
  rows: KeptSeries[],
  w: Window,
  visible: ReadonlySet<string> | undefined,
  take: number,
  overridesOf: OverridesLoader,
): Promise<Candidate<KeptSeries>[] | undefined> {
  if (keptCount > maxKept - maxCandidates) {
    kept = new WeakMap();
    keptCount = 0;
  }
  const ranges = kept.get(rows) ?? new Map<string, Promise<KeptWindow>>();
  kept.set(rows, ranges);
  const key = `${w.from}|${w.to}`;
  let entry = ranges.get(key);
  if (!entry) {
    if (ranges.size >= maxRanges) ranges.clear();
    // Requests for the same range meanwhile wait for this one rather than each expanding it.
    entry = windowOf(rows, w, overridesOf).then((range) => {
      keptCount += range.candidates.length + 1;
      return range;
    });
    ranges.set(key, entry);
    entry.catch(() => ranges.delete(key));
  }
  const { candidates, complete } = await entry;
  const out: Candidate<KeptSeries>[] = [];
  for (let i = firstAfter(candidates, w.after); i < candidates.length && out.length < take; i++) {
    const c = candidates[i] as Candidate<KeptSeries>;
    if (visible === undefined || visible.has(c.event.id)) out.push(c);
  }
  return out.length < take && !complete ? undefined : out;
}
