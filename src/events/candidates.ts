import type { Series } from "../calendar/expand.ts";
import { knownStartsFrom } from "../calendar/known-starts.ts";
import {
  type EventCore,
  exdatesOf,
  type Occurrence,
  type OverrideRow,
  occurrenceIdOf,
  type Session,
  seriesOf,
  sessionsOf,
  type Window,
} from "./series.ts";

/**
 * The occurrences a range query weighs, as plain numbers until they are shown. A page of a
 * busy calendar weighs the next occurrence of every candidate series (hundreds) to show
 * fifty; making each one's id string, parsing its row again and wrapping it in generators
 * cost more than the query itself. The order is by start, then occurrence id, and an id is
 * made only where a tie between ids of unequal shape needs it, or for what is shown.
 */

export interface Candidate<E extends EventCore = EventCore> {
  event: E;
  originalStart: number;
  start: number;
  end: number;
  status: Occurrence["status"];
  moved: boolean;
  /** `<eventId>:<original start>`, made when first needed. */
  id?: string;
}

export const candidateId = (c: Candidate): string => {
  if (c.id === undefined) c.id = occurrenceIdOf(c.event.id, c.originalStart);
  return c.id;
};

/** Instants whose ISO 8601 form has the fixed width of years 0000–9999, where text order is time order. */
const fixedWidthFrom = Date.parse("0000-01-01T00:00:00.000Z");
const fixedWidthTo = Date.parse("9999-12-31T23:59:59.999Z");
const fixedWidth = (ms: number) => ms >= fixedWidthFrom && ms <= fixedWidthTo;

/**
 * Start, then occurrence id, without the id strings: for event ids of one length and
 * fixed-width original starts, `<eventId>:<iso>` compares as the event id, then the instant.
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.start !== b.start) return a.start - b.start;
  const x = a.event.id;
  const y = b.event.id;
  if (x.length === y.length && fixedWidth(a.originalStart) && fixedWidth(b.originalStart)) {
    if (x !== y) return x < y ? -1 : 1;
    return a.originalStart === b.originalStart ? 0 : a.originalStart < b.originalStart ? -1 : 1;
  }
  const p = candidateId(a);
  const q = candidateId(b);
  return p < q ? -1 : p > q ? 1 : 0;
}

/** Overlaps the window and, with a cursor, comes after it. */
function inWindow(c: Candidate, w: Window): boolean {
  if (!(c.start < w.to && c.end > w.from)) return false;
  if (!w.after) return true;
  return c.start > w.after.start || (c.start === w.after.start && candidateId(c) > w.after.id);
}

/** What expanding an event needs of its row, worked out once per row object (kept series rows live across requests). */
interface Plan {
  start: number;
  duration: number;
  series: Series | undefined;
  sessions: Session[] | undefined;
  exdates: ReadonlySet<number>;
  /** What the series' starts follow from: their key among the starts the process knows. */
  startsKey: string;
}

const plans = new WeakMap<EventCore, Plan>();

function planOf(event: EventCore): Plan {
  let plan = plans.get(event);
  if (plan === undefined) {
    const start = Date.parse(event.startsAt);
    const sessions = sessionsOf(event);
    const series = sessions ? undefined : seriesOf(event);
    plan = {
      start,
      duration: Date.parse(event.endsAt) - start,
      series,
      sessions,
      exdates: exdatesOf(event),
      startsKey: series ? `${event.timeZone}|${event.rrule}|${event.startsAt}` : "",
    };
    // A single event's row is read afresh by each request: keeping its plan would cost more than making it.
    if (series || sessions) plans.set(event, plan);
  }
  return plan;
}

/** The longest an occurrence of the event lasts as planned. */
export const durationOf = (event: EventCore) => planOf(event).duration;

function candidateOf<E extends EventCore>(event: E, originalStart: number, start: number, end: number, status: Candidate["status"]) {
  return { event, originalStart, start, end, status: event.status === "cancelled" ? "cancelled" : status, moved: false } as Candidate<E>;
}

/**
 * The event's occurrences that keep their original time, in start order (the order of the
 * rule), one at a time. `head` is the next one, undefined once there is none.
 */
export class Unmoved<E extends EventCore = EventCore> {
  head: Candidate<E> | undefined;
  readonly #event: E;
  readonly #plan: Plan;
  readonly #overridden: ReadonlySet<number>;
  readonly #window: Window;
  #starts: Iterator<number> | undefined;
  #index = 0;
  #done = false;

  constructor(event: E, overridden: ReadonlySet<number>, window: Window) {
    this.#event = event;
    this.#plan = planOf(event);
    this.#overridden = overridden;
    this.#window = window;
    if (this.#plan.series) {
      const from = Math.max(window.from, window.after?.start ?? window.from) - this.#plan.duration;
      this.#starts = knownStartsFrom(this.#plan.startsKey, this.#plan.series, from);
    }
    this.head = this.#pull();
  }

  /** Moves to the next occurrence; returns it. */
  advance(): Candidate<E> | undefined {
    this.head = this.#pull();
    return this.head;
  }

  #pull(): Candidate<E> | undefined {
    if (this.#done) return undefined;
    const event = this.#event;
    const w = this.#window;
    const { sessions, duration } = this.#plan;
    if (sessions) {
      while (this.#index < sessions.length) {
        const s = sessions[this.#index++] as Session;
        if (s.start >= w.to) break;
        const c = candidateOf(event, s.start, s.start, s.end, "scheduled");
        if (inWindow(c, w)) return c;
      }
    } else if (this.#starts) {
      const { exdates } = this.#plan;
      for (;;) {
        const next = this.#starts.next();
        if (next.done) break;
        const original = next.value;
        if (original >= w.to) break;
        if (exdates.has(original) || this.#overridden.has(original)) continue;
        const c = candidateOf(event, original, original, original + duration, "scheduled");
        if (inWindow(c, w)) return c;
      }
    } else if (this.#index++ === 0) {
      const start = this.#plan.start;
      const c = candidateOf(event, start, start, start + duration, "scheduled");
      if (inWindow(c, w)) return c;
    }
    this.#done = true;
    return undefined;
  }
}

/** The series' moved or cancelled occurrences in the window (they may lie anywhere, so they are listed apart). */
export function overriddenCandidates<E extends EventCore>(event: E, overrides: OverrideRow[], w: Window): Candidate<E>[] {
  if (!event.rrule || overrides.length === 0) return [];
  const { exdates, duration } = planOf(event);
  const out: Candidate<E>[] = [];
  for (const o of overrides) {
    const originalStart = Date.parse(o.originalStart);
    if (exdates.has(originalStart)) continue;
    const c = candidateOf(event, originalStart, Date.parse(o.startsAt), Date.parse(o.endsAt), o.status);
    c.moved = c.start !== originalStart || c.end - c.start !== duration;
    if (inWindow(c, w)) out.push(c);
  }
  return out;
}

/** The first `take` of the streams' candidates in order: each stream is advanced only as far as the result needs. */
export function firstCandidates<E extends EventCore>(streams: Unmoved<E>[], fixed: Candidate<E>[], take: number): Candidate<E>[] {
  fixed.sort(compareCandidates);
  const heap: { head: Candidate<E> | undefined; advance(): Candidate<E> | undefined }[] = [];
  let at = 0;
  const rest = {
    head: fixed[0],
    advance: () => {
      rest.head = fixed[++at];
      return rest.head;
    },
  };
  const less = (i: number, j: number) =>
    compareCandidates((heap[i] as (typeof heap)[number]).head as Candidate, (heap[j] as (typeof heap)[number]).head as Candidate) < 0;
  const down = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && less(left, smallest)) smallest = left;
      if (right < heap.length && less(right, smallest)) smallest = right;
      if (smallest === i) return;
      const swap = heap[i] as (typeof heap)[number];
      heap[i] = heap[smallest] as (typeof heap)[number];
      heap[smallest] = swap;
      i = smallest;
    }
  };
  for (const stream of streams) if (stream.head) heap.push(stream);
  if (rest.head) heap.push(rest);
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const out: Candidate<E>[] = [];
  while (out.length < take && heap.length > 0) {
    const top = heap[0] as (typeof heap)[number];
    out.push(top.head as Candidate<E>);
    if (top.advance() === undefined) {
      const last = heap.pop() as (typeof heap)[number];
      if (heap.length === 0) break;
      heap[0] = last;
    }
    down(0);
  }
  return out;
}

/**
 * All of the event's occurrences overlapping the window, in no particular order. `overrides`
 * must hold every override of the event whose original start or new time falls near the window.
 */
export function candidatesIn<E extends EventCore>(event: E, overrides: OverrideRow[], w: Window): Candidate<E>[] {
  const out = overriddenCandidates(event, overrides, w);
  const unmoved = new Unmoved(event, new Set(overrides.map((o) => Date.parse(o.originalStart))), w);
  for (let c = unmoved.head; c !== undefined; c = unmoved.advance()) out.push(c);
  return out;
}
