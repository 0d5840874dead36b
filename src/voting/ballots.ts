import { type Ballot, type BallotSummary, type CountInput, CountInputError } from "./types.ts";

/** A ballot with withdrawn candidates removed and every rank position as a group (length 1 unless ranked equally). */
export interface PreparedBallot {
  weight: number;
  ranking: string[][];
}

export interface PreparedBallots {
  /** Candidates still standing (withdrawn removed), in input order. */
  continuing: string[];
  withdrawn: string[];
  /** Ballots that carry at least one preference for a continuing candidate. */
  ballots: PreparedBallot[];
  summary: BallotSummary;
}

export interface PrepareOptions {
  /** Whether "a=b" equal rankings are allowed; when not, a ballot with them is invalid. */
  allowEqualRanks: boolean;
  /** Most marks a ballot may carry (plurality: the number of seats); more makes it invalid. */
  maxMarks?: number;
}

/**
 * Validates candidates and ballots and normalises them for counting.
 * Unknown names are an input error (the caller sent something no ballot paper could carry);
 * a candidate ranked twice or a forbidden equal ranking makes that ballot invalid, counted apart.
 * Withdrawn candidates are skipped; a ballot left without a preference for a standing
 * candidate is blank (it stays in the total but not among the valid ballots, so it enters
 * no quota: Droop, and the Scottish rules' "ballot paper on which no vote is given").
 * Marks for withdrawn candidates still count towards `maxMarks`, since the voter made them.
 * Weights must add up to an exact whole: at most 2^53 − 1, beyond which numbers round.
 */
export function prepareBallots(input: CountInput, options: PrepareOptions): PreparedBallots {
  const known = new Set<string>();
  for (const name of input.candidates) {
    if (typeof name !== "string" || name.length === 0) throw new CountInputError("candidate names must be non-empty strings", "candidates");
    if (known.has(name)) throw new CountInputError(`candidate "${name}" is listed twice`, "candidates");
    known.add(name);
  }
  const withdrawn = input.withdrawn ?? [];
  for (const name of withdrawn) {
    if (!known.has(name)) throw new CountInputError(`withdrawn candidate "${name}" is not a candidate`, "withdrawn");
  }
  const gone = new Set(withdrawn);
  const markedOn = new Map<string, number>();
  const summary: BallotSummary = { total: 0, valid: 0, blank: 0, invalid: 0 };
  const ballots: PreparedBallot[] = [];

  input.ballots.forEach((ballot: Ballot, index) => {
    if (!Number.isFinite(ballot.weight) || ballot.weight < 0) {
      throw new CountInputError(`ballot ${index + 1} has an invalid weight`, `ballots[${index}].weight`);
    }
    if (ballot.weight > Number.MAX_SAFE_INTEGER) {
      throw new CountInputError(
        `ballot ${index + 1} has a weight above ${Number.MAX_SAFE_INTEGER} (2^53 - 1), which cannot be counted exactly`,
        `ballots[${index}].weight`,
      );
    }
    summary.total += ballot.weight;
    let invalid = false;
    let marks = 0;
    const ranking: string[][] = [];
    // Checks one mark; whether it stands (is not withdrawn).
    const mark = (name: string): boolean => {
      if (!known.has(name)) {
        throw new CountInputError(`ballot ${index + 1} names unknown candidate "${name}"`, `ballots[${index}].ranking`);
      }
      // The ballot that last marked each name, rather than a set per ballot: 100,000 ballots allocate nothing here.
      if (markedOn.get(name) === index) invalid = true;
      markedOn.set(name, index);
      marks += 1;
      return !gone.has(name);
    };
    for (const entry of ballot.ranking) {
      if (typeof entry === "string") {
        if (mark(entry)) ranking.push([entry]);
        continue;
      }
      if (entry.length > 1 && !options.allowEqualRanks) invalid = true;
      const kept: string[] = [];
      for (const name of entry) if (mark(name)) kept.push(name);
      if (kept.length > 0) ranking.push(kept);
    }
    if (options.maxMarks !== undefined && marks > options.maxMarks) invalid = true;
    if (invalid) summary.invalid += ballot.weight;
    else if (ranking.length === 0) summary.blank += ballot.weight;
    else {
      summary.valid += ballot.weight;
      if (ballot.weight > 0) ballots.push({ weight: ballot.weight, ranking });
    }
  });
  // Whole weights add up exactly below 2^53; past it a sum rounds, and so would every quota and tally.
  if (summary.total > Number.MAX_SAFE_INTEGER) {
    throw new CountInputError(
      `the ballots' weights add up to more than ${Number.MAX_SAFE_INTEGER} (2^53 - 1), beyond which they cannot be counted exactly`,
      "ballots",
    );
  }

  return {
    continuing: input.candidates.filter((name) => !gone.has(name)),
    withdrawn: [...withdrawn],
    ballots,
    summary,
  };
}

/** Identical rankings merged into one row carrying their summed weight (the first one's order kept). */
export function mergeIdentical(ballots: readonly PreparedBallot[]): PreparedBallot[] {
  const byKey = new Map<string, PreparedBallot>();
  for (const ballot of ballots) {
    const key = JSON.stringify(ballot.ranking);
    const found = byKey.get(key);
    if (found) found.weight += ballot.weight;
    else byKey.set(key, { weight: ballot.weight, ranking: ballot.ranking });
  }
  return [...byKey.values()];
}

/** Checks the seat count against the candidates standing. */
export function requireSeats(input: CountInput, standing: number, fallback?: number): number {
  const seats = input.seats ?? fallback;
  if (seats === undefined || !Number.isInteger(seats) || seats < 1) {
    throw new CountInputError("seats must be a positive whole number", "seats");
  }
  if (seats > standing) throw new CountInputError(`${seats} seats but only ${standing} candidates standing`, "seats");
  return seats;
}
