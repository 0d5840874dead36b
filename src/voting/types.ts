/**
 * Shared shapes of the counting engine. Every method takes a CountInput and
 * returns a CountResult; nothing here performs I/O.
 *
 * Vote totals in results are decimal strings so that fixed-point and exact
 * arithmetic survive JSON unchanged ("1001", "83.33333", "17/3" is never used:
 * rationals are rendered as decimals with the method's display precision).
 */

export type MethodName =
  | "plurality"
  | "approval"
  | "majority_runoff"
  | "irv"
  | "sequential_irv"
  | "scottish_stv"
  | "meek_stv"
  | "wigm_stv"
  | "schulze"
  | "schulze_repeated"
  | "schulze_stv"
  | "schulze_proportional_ranking"
  | "dhondt"
  | "sainte_lague";

/** One rank position: a single candidate, or several ranked equally. */
export type RankEntry = string | string[];

export interface Ballot {
  /** How many identical ballots this row stands for (a positive integer for cast ballots). */
  weight: number;
  /** Most preferred first. For plurality/approval the order carries no meaning. For list methods one entry: the list voted for. */
  ranking: RankEntry[];
}

export interface CountInput {
  method: MethodName;
  /** Seats to fill. For ranking methods (schulze_proportional_ranking, sequential_irv, schulze_repeated) the length of the list to produce; when absent, every candidate is ranked. */
  seats?: number;
  /** Candidate names (lists, for list methods) in ballot-file order. */
  candidates: string[];
  /** Candidates who withdrew after ballots were cast: skipped on every ballot, ballot total unchanged. */
  withdrawn?: string[];
  /** Explicit order for breaking ties (the BLT [tie] line, or an organisation's lot drawn beforehand). Semantics per method, documented in each module. */
  tieBreakOrder?: string[] | null;
  /** Seed for ties decided by lot when no tieBreakOrder decides them; the same seed always gives the same lot. */
  seed?: string;
  ballots: Ballot[];
  /** Method-specific options, e.g. { firstDivisor: 1.4 }, { cartels: [["D","E","F"]] }, { precision: 9 }. Echoed in the result. */
  options?: Record<string, unknown>;
  /**
   * "pairwise": the Schulze methods add their candidates × candidates matrices (pairwise
   * preferences, strongest paths, links) to the rounds' details; bounded by limits.ts.
   * Absent: the answer stays small whatever the number of candidates.
   */
  detail?: CountDetail;
}

export type CountDetail = "pairwise";

export interface BallotSummary {
  /** Sum of weights of every ballot supplied. */
  total: number;
  /** Ballots that expressed at least one valid preference. */
  valid: number;
  /** Ballots with no preference for any (non-withdrawn) candidate. */
  blank: number;
  /** Ballots rejected by the method's rules (e.g. more marks than allowed). */
  invalid: number;
}

/** A tie that decided who was elected, excluded, or transferred first. */
export interface TieReport {
  round: number;
  /** What was being decided: "elect", "exclude", "surplus", "seat", "rank". */
  decides: string;
  candidates: string[];
  /** How it was broken. */
  resolvedBy: "earlier_round" | "tie_break_order" | "lot";
  chosen: string;
}

export interface Round {
  number: number;
  /** What happened in this round, in words a returning officer would write. */
  action: string;
  /** Vote totals per candidate (or list) at the end of the round, as decimal strings. */
  tallies: Record<string, string>;
  /** Votes no longer counting for anyone (exhausted / non-transferable), when the method has them. */
  exhausted?: string;
  elected: string[];
  excluded: string[];
  /** Method specifics such as quota, keep factors, comparison numbers. */
  details?: Record<string, unknown>;
}

export interface CountResult {
  method: MethodName;
  seats: number;
  /** Every parameter that can change the result, as actually used (defaults filled in). */
  parameters: Record<string, unknown>;
  /** Winners in order of election (list methods: list names, one entry per seat, in the order seats were awarded). */
  elected: string[];
  /** For ranking methods: the full resulting order. */
  ranking?: string[];
  /** For list methods: seats won per list. */
  seatsPerList?: Record<string, number>;
  rounds: Round[];
  ties: TieReport[];
  ballots: BallotSummary;
}

/** Thrown for input a method cannot count (unknown candidate on a ballot, seats out of range, ...). */
export class CountInputError extends Error {
  // A plain field rather than a parameter property: the engine also runs in a worker thread
  // straight from its TypeScript source, which allows only type annotations that can be erased.
  readonly field?: string;
  constructor(message: string, field?: string) {
    super(message);
    this.name = "CountInputError";
    this.field = field;
  }
}

export type CountMethod = (input: CountInput) => CountResult;
