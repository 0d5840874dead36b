/**
 * Plurality at large (block vote, "flest röster"): each ballot marks up to
 * `seats` candidates, every mark is one vote, the `seats` candidates with
 * most votes are elected.
 *
 * - A ballot with more marks than seats is invalid (counted apart). Marks for
 *   withdrawn candidates count towards that limit, since the voter made them.
 * - The ranking on a ballot is read as an unordered set: ["a", ["b", "c"]]
 *   marks a, b and c.
 * - Equal votes at the last seat are decided by tieBreakOrder, else by the
 *   seeded lot (see common/tiebreak.ts). `ranking` orders every candidate by
 *   votes, which is the substitute order ("suppleanter i röstetalsordning").
 */
import { prepareBallots, requireSeats } from "./ballots.ts";
import { talliesRecord, tallyMarks } from "./common/marks.ts";
import { orderByScore } from "./common/order.ts";
import { TieBreaker } from "./common/tiebreak.ts";
import type { CountInput, CountResult } from "./types.ts";

export function countPlurality(input: CountInput): CountResult {
  return countMarks(input, "plurality");
}

/** Shared by plurality and approval: they differ only in how many marks a ballot may carry. */
export function countMarks(input: CountInput, method: "plurality" | "approval"): CountResult {
  const marks = requireSeats(input, Number.MAX_SAFE_INTEGER);
  const prepared = prepareBallots(input, { allowEqualRanks: true, maxMarks: method === "plurality" ? marks : undefined });
  const seats = requireSeats(input, prepared.continuing.length);
  const tieBreaker = new TieBreaker(input);
  const tally = tallyMarks(prepared.ballots, prepared.continuing);
  const ranking = orderByScore(prepared.continuing, { score: (name) => tally.get(name) ?? 0, tieBreaker, round: 1, seats });
  const elected = ranking.slice(0, seats);
  return {
    method,
    seats,
    parameters: { ...tieBreaker.parameters(), maxMarks: method === "plurality" ? seats : null },
    elected,
    ranking,
    rounds: [
      {
        number: 1,
        action: `The ${seats} candidate(s) with most votes are elected.`,
        tallies: talliesRecord(tally),
        elected,
        excluded: [],
        details: { validBallots: prepared.summary.valid },
      },
    ],
    ties: tieBreaker.ties,
    ballots: prepared.summary,
  };
}
