import type { TieBreaker } from "./tiebreak.ts";

/**
 * Orders names by score, highest first, breaking equal scores with the tie
 * breaker. A tie whose members straddle place `seats` decides who is elected:
 * each of its seats is reported (`decides`, "seat" by default) with the
 * candidates still tied for it. The rest of a tie only decides an order
 * (substitutes, list places) and is reported once, as "rank", with all its
 * candidates and the first of them placed (the others follow in `ranking` in
 * the same tie order), unless `reportRankTies` is false (when that order is
 * not an outcome). One report per seat and one per rank tie keep the reports
 * linear in the candidates, however many of them tie; limits.ts bounds
 * seats × candidates for the methods that order this way.
 */
export function orderByScore(
  names: readonly string[],
  how: {
    score: (name: string) => number;
    tieBreaker: TieBreaker;
    round: number;
    seats: number;
    /** What a tie straddling the seats decides, as reported; "seat" unless told. */
    decides?: string;
    reportRankTies?: boolean;
  },
): string[] {
  const { score, tieBreaker, round, seats, decides = "seat", reportRankTies = true } = how;
  const scores = new Map(names.map((name) => [name, score(name)]));
  const of = (name: string) => scores.get(name) as number;
  const sorted = [...names].sort((a, b) => of(b) - of(a));
  const order: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    while (j < sorted.length && of(sorted[j] as string) === of(sorted[i] as string)) j++;
    let remaining = sorted.slice(i, j);
    // Seats decided inside the tie: one report each, listing who was still in it.
    while (remaining.length > 1 && order.length < seats && order.length + remaining.length > seats) {
      const chosen = tieBreaker.pickFirst(remaining, round, decides);
      remaining = remaining.filter((name) => name !== chosen);
      order.push(chosen);
    }
    if (remaining.length > 1 && reportRankTies) tieBreaker.pickFirst(remaining, round, "rank");
    order.push(...tieBreaker.sort(remaining));
    i = j;
  }
  return order;
}
