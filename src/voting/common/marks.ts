import type { PreparedBallot } from "../ballots.ts";
import { formatCount } from "./rational.ts";

/**
 * Votes per candidate when every mark on a ballot counts once (block vote,
 * approval). The order and grouping of the marks carry no meaning.
 * Only candidates in `candidates` are counted; other marks are ignored.
 */
export function tallyMarks(ballots: readonly PreparedBallot[], candidates: readonly string[]): Map<string, number> {
  const tally = new Map(candidates.map((name) => [name, 0]));
  for (const ballot of ballots) {
    for (const group of ballot.ranking) {
      for (const name of group) {
        const votes = tally.get(name);
        if (votes !== undefined) tally.set(name, votes + ballot.weight);
      }
    }
  }
  return tally;
}

/** Tallies as decimal strings, in candidate order. */
export function talliesRecord(tally: ReadonlyMap<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, votes] of tally) out[name] = formatCount(votes);
  return out;
}
