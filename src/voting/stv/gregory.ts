/**
 * The weighted inclusive Gregory count shared by Scottish STV and WIGM:
 * candidates reaching the quota are elected; the largest surplus is
 * transferred first by passing ALL of the candidate's papers on at
 * value × surplus / total; with no surplus left, the lowest candidate is
 * excluded and their papers pass on at their current value; when the
 * continuing candidates equal the vacancies they are elected (SSI 2007/42
 * rule 52). The rule supplies the arithmetic, quota and tie semantics.
 *
 * Papers are kept in parcels of equal value per candidate, so a transfer
 * computes each new value once per parcel, not once per paper.
 */

import { Fraction } from "../common/rational.ts";
import { MAX_WORK, WorkMeter } from "../limits.ts";
import type { Round } from "../types.ts";
import { formatFixed, scaleOf } from "./fixed.ts";
import type { RankedBallots, StvSetup } from "./setup.ts";
import { tallies } from "./setup.ts";
import type { LookBack, TieBreaker } from "./ties.ts";

export interface Arithmetic<T> {
  zero: T;
  /** Value of a ballot paper at the first stage. */
  one: T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  /** value × number of papers */
  times(value: T, papers: number): T;
  /** One share of a paper split evenly over an equal ranking of `parts` candidates. */
  share(value: T, parts: number): T;
  /** Value of a paper passed on from a surplus: value × surplus / total, rounded as the rule says. */
  transfer(value: T, surplus: T, total: T): T;
  compare(a: T, b: T): number;
  format(value: T): string;
  /**
   * Relative cost of arithmetic on numbers of this size (1: a machine word or two).
   * Exact rationals grow with every surplus transferred, and their cost with them.
   */
  cost(value: T): number;
}

/** Fixed point at `precision` decimals; every transfer value and split share is truncated. */
export function fixedArithmetic(precision: number): Arithmetic<bigint> {
  const scale = scaleOf(precision);
  return {
    zero: 0n,
    one: scale,
    add: (a, b) => a + b,
    sub: (a, b) => a - b,
    times: (value, papers) => value * BigInt(papers),
    share: (value, parts) => value / BigInt(parts),
    transfer: (value, surplus, total) => (value * surplus) / total,
    compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    format: (value) => formatFixed(value, precision),
    cost: () => 1,
  };
}

/** Bits of a BigInt, roughly: the cost of arithmetic grows with it. */
const bitsOf = (value: bigint) => (value === 0n ? 1 : (value < 0n ? -value : value).toString(16).length * 4);

/** Exact rationals: nothing is ever rounded; `display` decimals are for the record only. */
export function exactArithmetic(display: number): Arithmetic<Fraction> {
  return {
    zero: Fraction.ZERO,
    one: Fraction.ONE,
    add: (a, b) => a.add(b),
    sub: (a, b) => a.sub(b),
    times: (value, papers) => Fraction.of(value.num * BigInt(papers), value.den),
    share: (value, parts) => Fraction.of(value.num, value.den * BigInt(parts)),
    transfer: (value, surplus, total) => value.mul(surplus).div(total),
    compare: (a, b) => a.cmp(b),
    format: (value) => value.toFixed(display),
    // Multiplying and reducing (Euclid's gcd) cost about the square of the words involved.
    cost: (value) => (1 + (bitsOf(value.num) + bitsOf(value.den)) / 64) ** 2,
  };
}

export interface GregoryRule<T> {
  arithmetic: Arithmetic<T>;
  quota: T;
  /** Whether a candidate with `votes` is elected (Scottish: reaching the quota; exact WIGM: exceeding it). */
  reaches(votes: T, quota: T): boolean;
  /** Valid ballots, as a vote total: the difference to the tallies is what rounding lost. */
  validVotes: T;
  /** Break ties by the most recent earlier stage at which the candidates differed (SSI rules 49(2), 51). */
  lookBack: boolean;
  /** How else a count stopped by the work meter could be made smaller. */
  meterHint?: string;
}

export interface GregoryResult {
  elected: string[];
  rounds: Round[];
}

const HOPEFUL = 0;
const ELECTED = 1;
const EXCLUDED = 2;

interface Parcel<T> {
  value: T;
  /** Flat pairs: ballot index, position of the next preference to look at. */
  papers: number[];
  count: number;
}

export function countGregory<T>(setup: StvSetup, rule: GregoryRule<T>, ties: TieBreaker): GregoryResult {
  const { names, seats, ranked } = setup;
  const A = rule.arithmetic;
  const n = names.length;
  const status = new Int8Array(n);
  const piles: Parcel<T>[][] = names.map(() => []);
  const votes: T[] = names.map(() => A.zero);
  const pending: boolean[] = names.map(() => false);
  const history: T[][] = [];
  const lookBack: LookBack<T> | undefined = rule.lookBack ? { history, compare: A.compare } : undefined;
  const elected: number[] = [];
  const rounds: Round[] = [];
  let hopeful = n;

  const sink = new Sink(n, ranked, status, A);
  // The rules' work follows the shape of the ballots (limits.ts), except for the size of exact
  // rationals, which grows with the surpluses transferred: every stage is metered.
  const meter = new WorkMeter(MAX_WORK, rule.meterHint ?? "");
  for (let b = 0; b < ranked.count; b++) sink.place(b, ranked.start[b] as number, A.one);
  // Every valid ballot has a standing candidate to go to (one marked only for withdrawn candidates is blank).
  let exhausted = sink.flush(piles, votes, A.zero);

  const elect = (c: number, newly: number[]) => {
    status[c] = ELECTED;
    pending[c] = A.compare(votes[c] as T, rule.quota) > 0;
    elected.push(c);
    newly.push(c);
    hopeful--;
  };

  const stage = (number: number, action: string, excluded: number[], details: Record<string, unknown>) => {
    let size = A.cost(rule.quota);
    for (const v of votes) size = Math.max(size, A.cost(v));
    const moved = sink.takeWork();
    // Per paper moved, and per sum, comparison and record of the stage at the size of its numbers.
    meter.spend(moved.papers * 10 + (moved.parcels + 4 * n) * 40 * size);
    history.push([...votes]);
    const newly: number[] = [];
    let words = action;
    // Rule 52 is checked first: once continuing candidates equal the vacancies
    // (which only an exclusion can bring about) they are all deemed elected
    // together, listed in ballot-paper order as Droop does, even one who also
    // reached the quota at this stage.
    const fill = () => {
      const left = seats - elected.length;
      if (left === 0 || hopeful > left) return;
      const filled: number[] = [];
      for (let c = 0; c < n; c++) if (status[c] === HOPEFUL) filled.push(c);
      for (const c of filled) elect(c, newly);
      words += `; continuing candidates equal the vacancies, elected: ${filled.map((c) => names[c]).join(", ")}`;
    };
    fill();
    const reached: number[] = [];
    for (let c = 0; c < n; c++) if (status[c] === HOPEFUL && rule.reaches(votes[c] as T, rule.quota)) reached.push(c);
    if (reached.length > 0) {
      // Elected at the same stage: listed by votes, highest first; equal votes as any tie.
      const byVotes = ties.rankDescending(reached, { votes, compare: A.compare, round: number, decides: "rank", lookBack });
      const take = byVotes.slice(0, seats - elected.length);
      for (const c of take) elect(c, newly);
      words += `; elected with quota: ${take.map((c) => names[c]).join(", ")}`;
      fill();
    }
    let counted = exhausted;
    for (const v of votes) counted = A.add(counted, v);
    rounds.push({
      number,
      action: words,
      tallies: tallies(names, votes, A.format),
      exhausted: A.format(exhausted),
      elected: newly.map((c) => names[c] as string),
      excluded: excluded.map((c) => names[c] as string),
      details: { quota: A.format(rule.quota), lostToRounding: A.format(A.sub(rule.validVotes, counted)), ...details },
    });
  };

  stage(1, "First preferences counted", [], {});
  while (elected.length < seats && hopeful > seats - elected.length) {
    const number = rounds.length + 1;
    const surplusOf: number[] = [];
    for (let c = 0; c < n; c++) if (pending[c]) surplusOf.push(c);
    if (surplusOf.length > 0) {
      // Rule 49: the largest surplus first (all pending share one quota, so the largest vote).
      const top = surplusOf.reduce((a, b) => (A.compare(votes[b] as T, votes[a] as T) > 0 ? b : a));
      const level = surplusOf.filter((c) => A.compare(votes[c] as T, votes[top] as T) === 0);
      const c = ties.pick(level, "highest", number, "surplus", lookBack);
      const total = votes[c] as T;
      const surplus = A.sub(total, rule.quota);
      for (const parcel of piles[c] as Parcel<T>[]) {
        const value = A.transfer(parcel.value, surplus, total);
        sink.placeAll(parcel, value);
      }
      piles[c] = [];
      votes[c] = rule.quota;
      pending[c] = false;
      exhausted = sink.flush(piles, votes, exhausted);
      stage(number, `Surplus of ${names[c]} (${A.format(surplus)}) transferred`, [], {
        transferred: names[c],
        surplus: A.format(surplus),
        total: A.format(total),
      });
    } else {
      const hopefuls: number[] = [];
      for (let c = 0; c < n; c++) if (status[c] === HOPEFUL) hopefuls.push(c);
      const low = hopefuls.reduce((a, b) => (A.compare(votes[b] as T, votes[a] as T) < 0 ? b : a));
      const level = hopefuls.filter((c) => A.compare(votes[c] as T, votes[low] as T) === 0);
      const c = ties.pick(level, "lowest", number, "exclude", lookBack);
      status[c] = EXCLUDED;
      hopeful--;
      const had = votes[c] as T;
      for (const parcel of piles[c] as Parcel<T>[]) sink.placeAll(parcel, parcel.value);
      piles[c] = [];
      votes[c] = A.zero;
      exhausted = sink.flush(piles, votes, exhausted);
      stage(number, `${names[c]} excluded (${A.format(had)}); papers transferred at their current value`, [c], {
        excludedVotes: A.format(had),
      });
    }
  }
  return { elected: elected.map((c) => names[c] as string), rounds };
}

/**
 * Collects the papers moved in one transfer, grouped by (value, receiving
 * candidate), then credits each group with a single multiplication.
 */
class Sink<T> {
  private groups = new Map<T, (Parcel<T> | undefined)[]>();
  private papersMoved = 0;
  private parcelsMade = 0;
  private lastValue: T | undefined;
  private lastSlots: (Parcel<T> | undefined)[] = [];
  private shareOf: T | undefined;
  private shareParts = 0;
  private lastShare: T | undefined;

  private readonly n: number;
  private readonly ranked: RankedBallots;
  private readonly status: Int8Array;
  private readonly A: Arithmetic<T>;

  constructor(n: number, ranked: RankedBallots, status: Int8Array, A: Arithmetic<T>) {
    this.n = n;
    this.ranked = ranked;
    this.status = status;
    this.A = A;
  }

  placeAll(parcel: Parcel<T>, value: T): void {
    const papers = parcel.papers;
    for (let i = 0; i < papers.length; i += 2) this.place(papers[i] as number, papers[i + 1] as number, value);
  }

  /** Passes ballot b on to the next rank from `from` that holds a continuing candidate; split evenly across an equal rank. */
  place(b: number, from: number, value: T): void {
    const { start, cand, joined } = this.ranked;
    const end = start[b + 1] as number;
    let j = from;
    while (j < end) {
      let g = j + 1;
      while (g < end && joined[g] === 1) g++;
      let continuing = 0;
      for (let k = j; k < g; k++) if (this.status[cand[k] as number] === HOPEFUL) continuing++;
      if (continuing === 1 && g === j + 1) {
        this.add(cand[j] as number, value, b, g);
        return;
      }
      if (continuing > 0) {
        const share = this.share(value, continuing);
        for (let k = j; k < g; k++) if (this.status[cand[k] as number] === HOPEFUL) this.add(cand[k] as number, share, b, g);
        // The part lost to rounding the shares is not credited to anyone.
        return;
      }
      j = g;
    }
    this.add(this.n, value, b, end); // slot n: non-transferable
  }

  /** One share object per (value, parts), so that split papers of one parcel stay in one parcel. */
  private share(value: T, parts: number): T {
    if (value !== this.shareOf || parts !== this.shareParts) {
      this.shareOf = value;
      this.shareParts = parts;
      this.lastShare = this.A.share(value, parts);
    }
    return this.lastShare as T;
  }

  /** Papers moved and parcels made since the last call. */
  takeWork(): { papers: number; parcels: number } {
    const work = { papers: this.papersMoved, parcels: this.parcelsMade };
    this.papersMoved = 0;
    this.parcelsMade = 0;
    return work;
  }

  private add(c: number, value: T, b: number, next: number): void {
    this.papersMoved++;
    let slots = this.lastSlots;
    // Most papers in a transfer share one value; values are compared by identity
    // for rationals (one object per parcel transfer) and by value for bigints.
    if (value !== this.lastValue) {
      slots = this.groups.get(value) ?? [];
      if (!this.groups.has(value)) this.groups.set(value, slots);
      this.lastValue = value;
      this.lastSlots = slots;
    }
    let parcel = slots[c];
    if (!parcel) {
      parcel = { value, papers: [], count: 0 };
      slots[c] = parcel;
      this.parcelsMade++;
    }
    parcel.papers.push(b, next);
    parcel.count += this.ranked.weight[b] as number;
  }

  /** Moves the collected parcels onto the piles, credits votes and returns the new non-transferable total. */
  flush(piles: Parcel<T>[][], votes: T[], exhausted: T): T {
    let total = exhausted;
    for (const [value, slots] of this.groups) {
      slots.forEach((parcel, c) => {
        if (!parcel) return;
        const amount = this.A.times(value, parcel.count);
        if (c === this.n) {
          total = this.A.add(total, amount);
          return;
        }
        (piles[c] as Parcel<T>[]).push(parcel);
        votes[c] = this.A.add(votes[c] as T, amount);
      });
    }
    this.groups = new Map();
    this.lastValue = undefined;
    this.lastSlots = [];
    return total;
  }
}
