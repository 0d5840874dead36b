/**
 * How large a count the engine accepts. Every count is sized before any of its work
 * starts: the candidates standing, the seats, the distinct rankings and their marks give
 * an estimate of the work in units of roughly one inner-loop step, and a count over a
 * limit of its method is refused with a CountLimitError naming that limit. The limits
 * keep the largest accepted count of every method within a few seconds of CPU and a few
 * hundred MB of memory (`npm run bench:voting` times each at its limits), and its answer
 * within a few MB; they are documented per method in the README.
 *
 * The estimate also tells a runner whether a count is small enough to run in line
 * (INLINE_WORK, about 50 ms) or belongs off the event loop.
 *
 * Methods whose work depends on more than the shape of the input meter it as they go:
 * Meek's iterations (a WorkMeter) and the vote-management completions of the Schulze
 * proportional methods (common/vote-management.ts). Both stop at MAX_WORK.
 */
import { type CountInput, CountInputError, type MethodName } from "./types.ts";

/** Work units the largest accepted count may take (a few seconds of CPU). */
export const MAX_WORK = 2_000_000_000;

/** Counts estimated at or below this run in line; larger ones run off the event loop where the runtime can. */
export const INLINE_WORK = 20_000_000;

/** Entries of pairwise matrices (and Schulze link lists) that `detail: "pairwise"` may add to an answer. */
export const MAX_MATRIX_CELLS = 200_000;

/** Ballot rows a count takes (JSON rows or BLT lines). */
export const MAX_BALLOT_ROWS = 1_000_000;

/** Candidates (or lists) any count takes; most methods take fewer, see METHOD_LIMITS. */
export const MAX_CANDIDATES = 10_000;

export interface MethodLimits {
  /** Candidates standing (withdrawn ones not counted). */
  candidates: number;
  /** Seats, or places of a ranking method. */
  seats: number;
  /** Distinct rankings: identical ballots are counted as one. */
  rankings: number;
}

/**
 * Per method: the hard caps, checked before the work estimate. They follow from the
 * size of each method's answer (round-by-round methods list every candidate's votes in
 * every round: candidates² entries) and from its work (Schulze: candidates³ paths).
 */
export const METHOD_LIMITS: Record<MethodName, MethodLimits> = {
  plurality: { candidates: 10_000, seats: 10_000, rankings: MAX_BALLOT_ROWS },
  approval: { candidates: 10_000, seats: 10_000, rankings: MAX_BALLOT_ROWS },
  majority_runoff: { candidates: 10_000, seats: 10_000, rankings: MAX_BALLOT_ROWS },
  irv: { candidates: 300, seats: 300, rankings: MAX_BALLOT_ROWS }, // one seat: the method says so itself
  sequential_irv: { candidates: 80, seats: 80, rankings: MAX_BALLOT_ROWS },
  scottish_stv: { candidates: 300, seats: 300, rankings: MAX_BALLOT_ROWS },
  meek_stv: { candidates: 300, seats: 300, rankings: MAX_BALLOT_ROWS },
  wigm_stv: { candidates: 300, seats: 300, rankings: MAX_BALLOT_ROWS },
  schulze: { candidates: 1_000, seats: 1_000, rankings: MAX_BALLOT_ROWS },
  schulze_repeated: { candidates: 200, seats: 200, rankings: MAX_BALLOT_ROWS },
  schulze_stv: { candidates: 40, seats: 20, rankings: 100_000 },
  schulze_proportional_ranking: { candidates: 60, seats: 60, rankings: 100_000 },
  dhondt: { candidates: 1_000, seats: 10_000, rankings: MAX_BALLOT_ROWS },
  sainte_lague: { candidates: 1_000, seats: 10_000, rankings: MAX_BALLOT_ROWS },
};

/** Seat awards × lists a party-list count may record (each award lists every list's comparison number). */
export const MAX_PARTY_LIST_CELLS = 50_000;

/**
 * Seats × candidates of the methods that fill seats from one ordering (plurality,
 * approval, majority_runoff, schulze): a tie at the last seat is reported seat by seat,
 * each report naming every candidate still tied.
 */
export const MAX_SEAT_CELLS = 200_000;
const orderedSeatMethods: readonly MethodName[] = ["plurality", "approval", "majority_runoff", "schulze"];

/** Vote-management comparisons of Schulze STV: C(candidates, seats + 1) × (seats + 1). */
export const MAX_SCHULZE_STV_COMPARISONS = 50_000;

/** A count over a limit: refused before its work starts (or, for metered work, when the meter runs out). */
export class CountLimitError extends CountInputError {
  /** The limit's name, as the README's table names it. */
  readonly limit: string;
  constructor(message: string, field: string, limit: string) {
    super(message, field);
    this.name = "CountLimitError";
    this.limit = limit;
  }
}

/** What a count's size depends on, read in one pass over the input. */
export interface CountShape {
  /** Candidates standing: listed and not withdrawn. */
  candidates: number;
  seats: number;
  /** Ballot rows as given. */
  rows: number;
  /** Marks on all rows. */
  marks: number;
  /** Distinct rankings (identical rankings merged, as the methods merge them). */
  rankings: number;
  /** Marks on the distinct rankings. */
  rankingMarks: number;
}

const grouped = (n: number) => n.toLocaleString("en-GB");

/**
 * The shape of a count. Malformed input (not lists, unknown names) is sized as well as it
 * can be and left for the method to refuse with its own message.
 */
export function shapeOf(input: CountInput): CountShape {
  const singleSeat = input.method === "schulze" || input.method === "irv";
  const candidates = Array.isArray(input.candidates) ? input.candidates : [];
  const ballots = Array.isArray(input.ballots) ? input.ballots : [];
  const withdrawn = new Set(Array.isArray(input.withdrawn) ? input.withdrawn : []);
  const index = new Map<unknown, number>();
  for (const name of candidates) if (!index.has(name)) index.set(name, index.size);
  let standing = 0;
  for (const name of index.keys()) if (!withdrawn.has(name as string)) standing++;
  // Without seats: one for the single-winner methods, every candidate for the ranking methods (their defaults).
  const seats = typeof input.seats === "number" && Number.isFinite(input.seats) ? input.seats : singleSeat ? 1 : standing;

  const distinct = new Set<string>();
  let marks = 0;
  let rankingMarks = 0;
  for (const ballot of ballots) {
    const ranking = Array.isArray(ballot?.ranking) ? ballot.ranking : [];
    let key = "";
    let length = 0;
    for (const entry of ranking) {
      if (Array.isArray(entry)) {
        for (const name of entry) key += `${index.get(name) ?? "?"}=`;
        length += entry.length;
      } else {
        key += `${index.get(entry) ?? "?"}`;
        length += 1;
      }
      key += ",";
    }
    marks += length;
    if (!distinct.has(key)) {
      distinct.add(key);
      rankingMarks += length;
    }
  }
  return { candidates: standing, seats, rows: ballots.length, marks, rankings: distinct.size, rankingMarks };
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/**
 * Work of one count, in units of about a nanosecond of CPU on a developer machine (each
 * term's factor was measured with `npm run bench:voting`). Reading and checking every
 * mark of every row comes first and is common to all methods.
 */
function workOf(method: MethodName, s: CountShape, input: CountInput): number {
  const n = s.candidates;
  const seats = Math.min(Math.max(s.seats, 1), Math.max(n, 1));
  const reading = (s.rows + s.marks) * 300;
  // Distinct rankings as the ranked methods see them: a row per ranking plus its marks.
  const profile = s.rankings + s.rankingMarks;
  switch (method) {
    case "plurality":
    case "approval":
      return reading + n * 100;
    case "majority_runoff": {
      const majorityRounds = typeof input.options?.majorityRounds === "number" ? input.options.majorityRounds : 1;
      return reading * (majorityRounds + 1) + n * 100;
    }
    case "irv":
      // Each distinct ranking moves along its marks once; every round records every candidate,
      // and a tie for exclusion looks back over every earlier round.
      return reading + irvWork(n, profile);
    case "sequential_irv":
      // One IRV count per place, each over the candidates left.
      return reading + seats * irvWork(n, profile);
    case "scottish_stv":
    case "wigm_stv":
      // Each paper moves along its ranking once, and again for every surplus it carries;
      // every stage records every candidate and looks back over earlier stages for ties.
      return reading + 24 * (profile * (seats + 2) + n * n * 5) + 15 * n * n * n;
    case "meek_stv":
      // Every round cuts the rankings into prefixes afresh; its iterations over them are
      // metered as they run (meek-stv.ts), since their number depends on the votes.
      return reading + 15 * n * profile + 30 * n * n;
    case "schulze":
      // The pairwise matrix from every distinct ranking, then the strongest paths.
      return reading + s.rankings * n * n + n * n * n;
    case "schulze_repeated":
      // The matrix once, then the strongest paths among those left for every place.
      return reading + s.rankings * n * n + seats * n * n * n;
    case "schulze_stv": {
      // Every comparison tallies the pattern of every distinct ranking over seats + 1 positions.
      const comparisons = seats >= n ? 0 : binomial(n, seats + 1) * (seats + 1);
      return reading + comparisons * (s.rankings + 1) * (seats + 1) * 20;
    }
    case "schulze_proportional_ranking": {
      // Place k compares every ordered pair of the candidates left, each over k positions.
      let work = reading;
      for (let place = 1; place <= seats; place++) {
        const left = n - place + 1;
        work += left * left * (s.rankings + 1) * place * 20;
      }
      return work;
    }
    case "dhondt":
    case "sainte_lague":
      // Every seat compares every list's quotient in exact rationals and records it.
      return reading + seats * n * 7_000;
  }
}

function irvWork(n: number, profile: number): number {
  return 60 * profile + 40 * n * n + 15 * n * n * n;
}

/** Meek's products grow with the precision: beyond 15 places each step costs about six times as much. */
export function meekCostFactor(precision: unknown): number {
  return typeof precision === "number" && precision > 15 ? 6 : 1;
}

/** Matrix entries `detail: "pairwise"` adds to an answer. */
function matrixCellsOf(method: MethodName, s: CountShape): number {
  const n = s.candidates;
  const seats = Math.min(Math.max(s.seats, 1), Math.max(n, 1));
  switch (method) {
    case "schulze":
      return 2 * n * n;
    case "schulze_repeated": {
      let cells = n * n;
      for (let place = 0; place < seats; place++) cells += (n - place) * (n - place);
      return cells;
    }
    case "schulze_proportional_ranking": {
      let cells = 0;
      for (let place = 0; place < seats; place++) cells += (n - place) * (n - place);
      return cells;
    }
    case "schulze_stv":
      return 0; // its link list is bounded by the method (at most 2,000 links)
    default:
      return 0;
  }
}

export interface CountPlan {
  shape: CountShape;
  /** Estimated work units. */
  work: number;
}

/**
 * Sizes a count and refuses one over its method's limits. Cheap: one pass over the
 * ballots. Called by `count` itself, so no way into the engine skips it.
 */
export function planCount(input: CountInput): CountPlan {
  const method = input.method;
  const limits = Object.hasOwn(METHOD_LIMITS, method) ? METHOD_LIMITS[method] : undefined;
  const shape = shapeOf(input);
  if (!limits) return { shape, work: 0 }; // an unknown method is refused by count() with its own message
  const listed = Array.isArray(input.candidates) ? input.candidates.length : 0;
  const noun = method === "dhondt" || method === "sainte_lague" ? "lists" : "candidates";
  if (listed > MAX_CANDIDATES) {
    throw new CountLimitError(
      `at most ${grouped(MAX_CANDIDATES)} ${noun} can be counted; ${grouped(listed)} were given`,
      "candidates",
      "candidates",
    );
  }
  if (shape.candidates > limits.candidates) {
    throw new CountLimitError(
      `${method} counts at most ${grouped(limits.candidates)} ${noun} standing; ${grouped(shape.candidates)} were given`,
      "candidates",
      "candidates",
    );
  }
  if (typeof input.seats === "number" && input.seats > limits.seats) {
    throw new CountLimitError(
      `${method} fills at most ${grouped(limits.seats)} seats or places; ${grouped(input.seats)} were asked for`,
      "seats",
      "seats",
    );
  }
  if (shape.rows > MAX_BALLOT_ROWS) {
    throw new CountLimitError(
      `at most ${grouped(MAX_BALLOT_ROWS)} ballot rows can be counted; ${grouped(shape.rows)} were given`,
      "ballots",
      "ballot rows",
    );
  }
  if (shape.rankings > limits.rankings) {
    throw new CountLimitError(
      `${method} counts at most ${grouped(limits.rankings)} distinct rankings; the ballots hold ${grouped(shape.rankings)}`,
      "ballots",
      "distinct rankings",
    );
  }
  if (method === "dhondt" || method === "sainte_lague") {
    const cells = Math.min(shape.seats, MAX_CANDIDATES * 10) * shape.candidates;
    if (cells > MAX_PARTY_LIST_CELLS) {
      throw new CountLimitError(
        `${method} records every list's comparison number for every seat: seats × lists may be at most ${grouped(MAX_PARTY_LIST_CELLS)}, here ${grouped(cells)}`,
        "seats",
        "seats × lists",
      );
    }
  }
  if (orderedSeatMethods.includes(method)) {
    const cells = Math.min(shape.seats, MAX_CANDIDATES) * shape.candidates;
    if (cells > MAX_SEAT_CELLS) {
      throw new CountLimitError(
        `${method} reports a tie for the last seats seat by seat with every candidate in it: seats × candidates may be at most ${grouped(MAX_SEAT_CELLS)}, here ${grouped(cells)}`,
        "seats",
        "seats × candidates",
      );
    }
  }
  if (method === "schulze_stv" && shape.seats < shape.candidates) {
    const comparisons = binomial(shape.candidates, shape.seats + 1) * (shape.seats + 1);
    if (comparisons > MAX_SCHULZE_STV_COMPARISONS) {
      throw new CountLimitError(
        `Schulze STV with ${shape.candidates} candidates and ${shape.seats} seats needs ${grouped(comparisons)} comparisons (limit ${grouped(MAX_SCHULZE_STV_COMPARISONS)})`,
        "seats",
        "comparisons",
      );
    }
  }
  if (input.detail === "pairwise") {
    const cells = matrixCellsOf(method, shape);
    if (cells > MAX_MATRIX_CELLS) {
      throw new CountLimitError(
        `detail=pairwise would add ${grouped(cells)} matrix entries to the answer (limit ${grouped(MAX_MATRIX_CELLS)}); ask without it, or count fewer candidates`,
        "detail",
        "matrix entries",
      );
    }
  }
  const work = Math.ceil(workOf(method, shape, input));
  if (work > MAX_WORK) {
    throw new CountLimitError(
      `this ${method} count would take about ${grouped(work)} units of work (limit ${grouped(MAX_WORK)}: ` +
        `${grouped(shape.candidates)} candidates, ${grouped(shape.seats)} seats, ${grouped(shape.rankings)} distinct rankings); ` +
        "count fewer candidates, seats or distinct rankings",
      "ballots",
      "work",
    );
  }
  return { shape, work };
}

/**
 * Work a count spends as it goes, for methods whose work the input's shape does not fix
 * (Meek's iterations): stops the count with a CountLimitError once the budget is spent.
 */
export class WorkMeter {
  private spent = 0;
  readonly limit: number;
  /** What else the caller may do to make the count smaller, e.g. `use a lower precision`. */
  private readonly hint: string;
  constructor(limit: number = MAX_WORK, hint = "") {
    this.limit = limit;
    this.hint = hint;
  }

  spend(units: number): void {
    this.spent += units;
    if (this.spent > this.limit) {
      throw new CountLimitError(
        `this count needed more than ${grouped(this.limit)} units of work and was stopped; count fewer candidates or distinct rankings${this.hint ? `, or ${this.hint}` : ""}`,
        "ballots",
        "work",
      );
    }
  }
}
