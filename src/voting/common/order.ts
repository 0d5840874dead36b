import type { TieBreaker } from "./tiebreak.ts";

/**
 * Orders names by score, highest first, breaking equal scores with the tie
 * breaker. A tie whose members straddle place `seats` decides who is elected
 * and is reported as `decides` ("seat"); other equal scores only decide an
 * order (substitutes, list places) and are reported as "rank" unless
 * `reportRankTies` is false (when that order is not an outcome).
 */
export function orderByScore(
  names: readonly string[],
  score: (name: string) => number,
  tieBreaker: TieBreaker,
  round: number,
  seats: number,
  decides = "seat",
  reportRankTies = true,
): string[] {
  const sorted = [...names].sort((a, b) => score(b) - score(a));
  const order: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    while (j < sorted.length && score(sorted[j] as string) === score(sorted[i] as string)) j++;
    const remaining = sorted.slice(i, j);
    while (remaining.length > 0) {
      const place = order.length;
      const decisive = place < seats && place + remaining.length > seats;
      const chosen =
        decisive || reportRankTies
          ? tieBreaker.pickFirst(remaining, round, decisive ? decides : "rank")
          : (tieBreaker.sort(remaining)[0] as string);
      remaining.splice(remaining.indexOf(chosen), 1);
      order.push(chosen);
    }
    i = j;
  }
  return order;
}
