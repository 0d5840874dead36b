/**
 * Schulze proportional ranking (schulze2.pdf; used by Pirate parties to order
 * lists), built as python-vote-core builds it:
 *
 * Place k + 1, with places 1..k already filled by the set O: for every pair of
 * remaining candidates, `to` beats `from` with the strength of the vote
 * management of O ∪ {to} against `from` (common/vote-management.ts), when
 * positive. Schwartz sequential dropping on those links picks the place; a tie
 * between several winners is broken by tieBreakOrder, else the seeded lot, and
 * reported. The last remaining candidate takes the last place.
 *
 * `seats` is the list length (default: every candidate). Equal rankings are
 * allowed, unranked candidates tie last. Place k needs k-position
 * completions, whose work grows as 2^k: long lists over partial rankings
 * exceed the work budget (`options.maxWork`) and are refused with a
 * CountInputError; about 12 places over partial rankings fit the default.
 * Each place's links (candidates² of them) are in its details with
 * `detail: "pairwise"` only.
 */
import { prepareBallots, requireSeats } from "./ballots.ts";
import { rankedProfile } from "./common/ranked.ts";
import { formatCount } from "./common/rational.ts";
import { schwartzSequentialDropping, type WeightedEdge } from "./common/ssd.ts";
import { TieBreaker } from "./common/tiebreak.ts";
import { strengthAgainst, voteManagementParameters, workBudget } from "./common/vote-management.ts";
import type { CountInput, CountResult, Round } from "./types.ts";

export function countSchulzeProportionalRanking(input: CountInput): CountResult {
  const prepared = prepareBallots(input, { allowEqualRanks: true });
  const names = prepared.continuing;
  const n = names.length;
  const seats = requireSeats(input, n, n);
  const tieBreaker = new TieBreaker(input);
  const budget = workBudget(input, "seats");
  const ranked = rankedProfile(prepared.ballots, names);

  const order: number[] = [];
  const rounds: Round[] = [];
  let remaining = Array.from({ length: n }, (_, i) => i);
  while (order.length < seats) {
    const number = order.length + 1;
    if (remaining.length === 1) {
      const last = remaining[0] as number;
      order.push(last);
      rounds.push({
        number,
        action: `Place ${number}: ${names[last]} is the only candidate left.`,
        tallies: {},
        elected: [names[last] as string],
        excluded: [],
      });
      break;
    }
    const edges: WeightedEdge[] = [];
    for (let f = 0; f < remaining.length; f++) {
      for (let t = 0; t < remaining.length; t++) {
        if (f === t) continue;
        const others = [...order, remaining[t] as number];
        const strength = strengthAgainst(ranked, remaining[f] as number, others, budget);
        if (strength > 0) edges.push({ from: t, to: f, weight: strength });
      }
    }
    const { winners, steps } = schwartzSequentialDropping(remaining.length, edges);
    const label = (i: number) => names[remaining[i] as number] as string;
    const chosenName = tieBreaker.pickFirst(winners.map(label), number, "rank");
    const chosen = names.indexOf(chosenName);
    rounds.push({
      number,
      action: `Place ${number}: ${chosenName}.`,
      tallies: {},
      elected: [chosenName],
      excluded: [],
      details: {
        place: number,
        winners: winners.map(label),
        ...(input.detail === "pairwise"
          ? { links: edges.map((edge) => ({ from: label(edge.from), to: label(edge.to), strength: formatCount(edge.weight) })) }
          : {}),
        dropping: steps.map((step) =>
          step.removedNodes
            ? { removed: step.removedNodes.map(label) }
            : { droppedLinks: step.droppedEdges?.edges.length, strength: formatCount(step.droppedEdges?.weight ?? 0) },
        ),
      },
    });
    order.push(chosen);
    remaining = remaining.filter((i) => i !== chosen);
  }
  const list = order.map((i) => names[i] as string);
  return {
    method: "schulze_proportional_ranking",
    seats,
    parameters: { ...tieBreaker.parameters(), ...voteManagementParameters(budget) },
    elected: list,
    ranking: list,
    rounds,
    ties: tieBreaker.ties,
    ballots: prepared.summary,
  };
}
