/**
 * Tie resolution shared by the STV methods.
 *
 * When votes cannot separate a tie, every candidate has a fixed place in
 * one order of favour, built as the rest of the engine builds it
 * (common/tiebreak.ts), so one `tieBreakOrder` and `seed` mean the same in
 * every method:
 *
 * - `tieBreakOrder` lists candidates from MOST to LEAST favoured: the latest
 *   listed is excluded first; the earliest listed goes first when the higher
 *   of two must act first (surplus order, order of election).
 * - Candidates it does not list come after those it lists, in the order of
 *   the seeded lot (lot.ts) drawn over the unlisted names; without an order
 *   the lot alone decides.
 *
 * Droop's BLT `[tie]` line, stv-rs and the Meeks-PRF `tieBreaker` use the
 * opposite convention (the first listed is defeated), so such an order is
 * passed reversed.
 *
 * Methods that look back (Scottish rules 49(2) and 51) first compare the
 * tied candidates at the most recent earlier stage at which they differed,
 * narrowing to those still level, and only then use the order of favour.
 */

import { defaultSeed, lotOrder } from "../lot.ts";
import { type CountInput, CountInputError, type TieReport } from "../types.ts";

export type Direction = "lowest" | "highest";

export interface LookBack<T> {
  /** Tallies at the end of each stage so far, oldest first, indexed by candidate. */
  history: readonly (readonly T[])[];
  compare: (a: T, b: T) => number;
}

export class TieBreaker {
  readonly ties: TieReport[] = [];
  readonly tieBreakOrder: string[] | null;
  readonly seed: string;
  /** Place in the order of favour per candidate index: 0 is the most favoured. */
  private readonly place: number[];
  private readonly listed: boolean[];

  private readonly names: readonly string[];

  constructor(names: readonly string[], input: CountInput) {
    this.names = names;
    const order = input.tieBreakOrder ?? null;
    this.seed = input.seed ?? defaultSeed(input.candidates);
    if (typeof this.seed !== "string") throw new CountInputError("seed must be a string", "seed");
    const seen = new Set<string>();
    if (order !== null) {
      if (!Array.isArray(order)) throw new CountInputError("tieBreakOrder must be a list of candidate names", "tieBreakOrder");
      for (const name of order) {
        if (!input.candidates.includes(name)) {
          throw new CountInputError(`tieBreakOrder names unknown candidate "${name}"`, "tieBreakOrder");
        }
        if (seen.has(name)) throw new CountInputError(`tieBreakOrder lists "${name}" twice`, "tieBreakOrder");
        seen.add(name);
      }
    }
    this.tieBreakOrder = order === null ? null : [...order];
    const full = [
      ...(order ?? []),
      ...lotOrder(
        input.candidates.filter((name) => !seen.has(name)),
        this.seed,
      ),
    ];
    this.place = names.map((name) => full.indexOf(name));
    this.listed = names.map((name) => seen.has(name));
  }

  /**
   * Picks the lowest (to exclude) or the highest (to act first) of candidates
   * whose votes are equal now, and records how the tie was broken.
   */
  pick<T>(tied: readonly number[], direction: Direction, round: number, decides: string, lookBack?: LookBack<T>): number {
    const first = tied[0];
    if (first === undefined) throw new RangeError("empty tie");
    if (tied.length === 1) return first;
    let remaining = [...tied];
    if (lookBack) {
      const { history, compare } = lookBack;
      for (let stage = history.length - 1; stage >= 0 && remaining.length > 1; stage--) {
        const votes = history[stage] as readonly T[];
        let extreme = votes[remaining[0] as number] as T;
        for (const c of remaining) {
          const order = compare(votes[c] as T, extreme);
          if (direction === "lowest" ? order < 0 : order > 0) extreme = votes[c] as T;
        }
        const level = remaining.filter((c) => compare(votes[c] as T, extreme) === 0);
        if (level.length < remaining.length) remaining = level;
      }
      if (remaining.length === 1) return this.report(tied, remaining[0] as number, round, decides, "earlier_round");
    }
    let chosen = remaining[0] as number;
    for (const c of remaining) {
      const better = direction === "lowest" ? this.favour(c) > this.favour(chosen) : this.favour(c) < this.favour(chosen);
      if (better) chosen = c;
    }
    // The order decides unless two or more unlisted candidates competed for the choice.
    const byLot = !this.isListed(chosen) && remaining.some((c) => c !== chosen && !this.isListed(c));
    return this.report(tied, chosen, round, decides, byLot ? "lot" : "tie_break_order");
  }

  /**
   * Orders candidates highest first by `compare` (descending votes); runs of
   * equal votes are ordered by repeated `pick(..., "highest")`.
   */
  rankDescending<T>(
    candidates: readonly number[],
    by: { votes: readonly T[]; compare: (a: T, b: T) => number; round: number; decides: string; lookBack?: LookBack<T> | undefined },
  ): number[] {
    const { votes, compare, round, decides, lookBack } = by;
    const sorted = [...candidates].sort((a, b) => compare(votes[b] as T, votes[a] as T));
    const result: number[] = [];
    let i = 0;
    while (i < sorted.length) {
      let j = i + 1;
      while (j < sorted.length && compare(votes[sorted[j] as number] as T, votes[sorted[i] as number] as T) === 0) j++;
      const run = sorted.slice(i, j);
      while (run.length > 0) {
        const next = this.pick(run, "highest", round, decides, lookBack);
        result.push(next);
        run.splice(run.indexOf(next), 1);
      }
      i = j;
    }
    return result;
  }

  private favour(c: number): number {
    return this.place[c] as number;
  }

  private isListed(c: number): boolean {
    return this.listed[c] === true;
  }

  private report(tied: readonly number[], chosen: number, round: number, decides: string, resolvedBy: TieReport["resolvedBy"]): number {
    this.ties.push({
      round,
      decides,
      candidates: [...tied].sort((a, b) => a - b).map((c) => this.names[c] as string),
      resolvedBy,
      chosen: this.names[chosen] as string,
    });
    return chosen;
  }
}
