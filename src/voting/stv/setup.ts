/**
 * Input handling shared by the STV methods: validation, identical-ballot
 * grouping into compact integer arrays, option parsing and round records.
 */

import { type PreparedBallot, type PreparedBallots, prepareBallots, requireSeats } from "../ballots.ts";
import { type CountInput, CountInputError } from "../types.ts";

/**
 * Distinct rankings over candidate indices, stored flat so that 100,000
 * ballots do not become millions of small arrays. Ballot b ranks
 * cand[start[b]] .. cand[start[b+1]-1]; joined[j] === 1 means cand[j] shares
 * its rank with cand[j-1] (an equal ranking).
 */
export interface RankedBallots {
  count: number;
  start: Int32Array;
  cand: Int32Array;
  joined: Uint8Array;
  /** How many identical ballots each distinct ranking stands for. */
  weight: number[];
  hasEqualRanks: boolean;
}

export interface StvSetup {
  prepared: PreparedBallots;
  /** Candidates standing (withdrawn removed); a candidate's index is its position here. */
  names: string[];
  seats: number;
  ranked: RankedBallots;
}

export function setupStv(input: CountInput): StvSetup {
  if (!Array.isArray(input.candidates)) throw new CountInputError("candidates must be a list", "candidates");
  if (!Array.isArray(input.ballots)) throw new CountInputError("ballots must be a list", "ballots");
  input.ballots.forEach((ballot, i) => {
    // BigInt arithmetic needs whole ballots; a fractional weight is not a ballot paper.
    if (!Number.isSafeInteger(ballot.weight) || ballot.weight < 0) {
      throw new CountInputError(`ballot ${i + 1} must have a whole, non-negative weight`, `ballots[${i}].weight`);
    }
  });
  const prepared = prepareBallots(input, { allowEqualRanks: true });
  const seats = requireSeats(input, prepared.continuing.length);
  const names = prepared.continuing;
  return { prepared, names, seats, ranked: rankBallots(prepared, names) };
}

function rankBallots(prepared: PreparedBallots, names: readonly string[]): RankedBallots {
  const index = new Map(names.map((name, i) => [name, i]));
  const id = (name: string) => index.get(name) as number;
  // Members of an equal rank are sorted so "a=b" and "b=a" group together.
  const members = (group: string[]) => (group.length === 1 ? [id(group[0] as string)] : group.map(id).sort((a, b) => a - b));
  const byKey = new Map<string, number>();
  const distinct: PreparedBallot[] = [];
  const weight: number[] = [];
  let size = 0;
  let hasEqualRanks = false;
  for (const ballot of prepared.ballots) {
    let key = "";
    for (const group of ballot.ranking) key += group.length === 1 ? `${id(group[0] as string)},` : `${members(group).join("=")},`;
    const found = byKey.get(key);
    if (found !== undefined) {
      weight[found] = (weight[found] as number) + ballot.weight;
      continue;
    }
    byKey.set(key, distinct.length);
    distinct.push(ballot);
    weight.push(ballot.weight);
    for (const group of ballot.ranking) {
      size += group.length;
      if (group.length > 1) hasEqualRanks = true;
    }
  }
  const start = new Int32Array(distinct.length + 1);
  const cand = new Int32Array(size);
  const joined = new Uint8Array(size);
  let at = 0;
  distinct.forEach((ballot, b) => {
    start[b] = at;
    for (const group of ballot.ranking) {
      members(group).forEach((c, k) => {
        cand[at] = c;
        joined[at] = k > 0 ? 1 : 0;
        at++;
      });
    }
  });
  start[distinct.length] = at;
  return { count: distinct.length, start, cand, joined, weight, hasEqualRanks };
}

export type OptionReader<T> = (value: unknown, field: string) => T;

/**
 * Reads `input.options` against the method's known options. An unknown key is
 * an error: a misspelt option must not silently leave a default in force.
 */
export function readOptions<S extends Record<string, OptionReader<unknown>>>(
  input: CountInput,
  spec: S,
): { [K in keyof S]?: ReturnType<S[K]> } {
  const options = input.options ?? {};
  if (typeof options !== "object" || Array.isArray(options)) throw new CountInputError("options must be an object", "options");
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const reader = spec[key];
    if (!reader) throw new CountInputError(`unknown option "${key}" for ${input.method}`, `options.${key}`);
    if (value !== undefined) result[key] = reader(value, `options.${key}`);
  }
  return result as { [K in keyof S]?: ReturnType<S[K]> };
}

export function oneOf<T extends string>(...allowed: T[]): OptionReader<T> {
  return (value, field) => {
    if (typeof value !== "string" || !allowed.includes(value as T)) {
      throw new CountInputError(`${field} must be one of ${allowed.join(", ")}`, field);
    }
    return value as T;
  };
}

export function wholeNumber(min: number, max: number): OptionReader<number> {
  return (value, field) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new CountInputError(`${field} must be a whole number from ${min} to ${max}`, field);
    }
    return value;
  };
}

export const flag: OptionReader<boolean> = (value, field) => {
  if (typeof value !== "boolean") throw new CountInputError(`${field} must be true or false`, field);
  return value;
};

/** Tallies per candidate name as decimal strings, in candidate order. */
export function tallies<T>(names: readonly string[], votes: readonly T[], format: (v: T) => string): Record<string, string> {
  const result: Record<string, string> = {};
  names.forEach((name, c) => {
    result[name] = format(votes[c] as T);
  });
  return result;
}
