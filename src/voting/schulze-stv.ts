/**
 * Schulze STV (Markus Schulze, "Free Riding and Vote Management under
 * Proportional Representation by the Single Transferable Vote"), built as
 * python-vote-core builds it:
 *
 * - Every set of `seats` candidates is a node.
 * - For every set A and every candidate c outside it, the strength of the
 *   vote management of A against c (see common/vote-management.ts) is the
 *   weight of the links A → (A − {x} + {c}) for every x in A, when positive.
 * - If some sets are beaten by no link, they are the winners; otherwise
 *   Schwartz sequential dropping decides (common/ssd.ts).
 * - Several winning sets are a tie, broken by tieBreakOrder, else the seeded
 *   lot: the set whose members rank best in that order wins
 *   (TieBreaker.pickSet), reported with sets written "a + b".
 *
 * Equal rankings are allowed, unranked candidates tie last. The number of
 * comparisons grows as C(candidates, seats + 1) × (seats + 1) and each one's
 * completion as 2^seats: counts beyond MAX_COMPARISONS, or beyond the work
 * budget (`options.maxWork`, see common/vote-management.ts), are refused with
 * a CountInputError rather than left running; limits.ts refuses, before any
 * work, counts whose comparisons × distinct rankings exceed the work limit.
 * `linkList` (every link) is in the details with `detail: "pairwise"` only.
 */
import { prepareBallots, requireSeats } from "./ballots.ts";
import { rankedProfile } from "./common/ranked.ts";
import { formatCount } from "./common/rational.ts";
import { schwartzSequentialDropping, type WeightedEdge } from "./common/ssd.ts";
import { TieBreaker } from "./common/tiebreak.ts";
import { strengthAgainst, voteManagementParameters, workBudget } from "./common/vote-management.ts";
import { type CountInput, CountInputError, type CountResult } from "./types.ts";

export const MAX_COMPARISONS = 50_000;

/** All k-subsets of 0..n-1 in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (start: number) => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i <= n - (k - pick.length); i++) {
      pick.push(i);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

export function countSchulzeStv(input: CountInput): CountResult {
  // The size check comes first: refusing a count too large to finish should not wait for ballot validation.
  const withdrawn = new Set(input.withdrawn ?? []);
  const n = input.candidates.filter((name) => !withdrawn.has(name)).length;
  const seats = requireSeats(input, n);
  const comparisons = seats === n ? 0 : binomial(n, seats + 1) * (seats + 1);
  if (comparisons > MAX_COMPARISONS) {
    throw new CountInputError(
      `Schulze STV with ${n} candidates and ${seats} seats needs ${comparisons} comparisons (limit ${MAX_COMPARISONS})`,
      "seats",
    );
  }
  const prepared = prepareBallots(input, { allowEqualRanks: true });
  const names = prepared.continuing;
  const tieBreaker = new TieBreaker(input);
  const budget = workBudget(input, "seats");
  const base = {
    method: "schulze_stv" as const,
    seats,
    parameters: { ...tieBreaker.parameters(), ...voteManagementParameters(budget) },
    ballots: prepared.summary,
  };
  if (seats === n) {
    return {
      ...base,
      elected: [...names],
      rounds: [{ number: 1, action: "As many seats as candidates: everyone is elected.", tallies: {}, elected: [...names], excluded: [] }],
      ties: [],
    };
  }

  const ranked = rankedProfile(prepared.ballots, names);
  const sets = combinations(n, seats);
  const nodeOf = new Map(sets.map((set, id) => [set.join(","), id]));
  const node = (members: number[]) => nodeOf.get([...members].sort((a, b) => a - b).join(",")) as number;
  const edges: WeightedEdge[] = [];
  for (const superset of combinations(n, seats + 1)) {
    for (const c of superset) {
      const others = superset.filter((x) => x !== c);
      const strength = strengthAgainst(ranked, c, others, budget);
      if (strength <= 0) continue;
      for (const x of others) {
        edges.push({ from: node(others), to: node([...others.filter((y) => y !== x), c]), weight: strength });
      }
    }
  }

  const setNames = (id: number) => (sets[id] as number[]).map((i) => names[i] as string);
  const label = (id: number) => setNames(id).join(" + ");
  const { winners, steps } = schwartzSequentialDropping(sets.length, edges, true);
  const chosen = winners.length === 1 ? setNames(winners[0] as number) : tieBreaker.pickSet(winners.map(setNames), 1, "elect");
  const elected = names.filter((name) => chosen.includes(name));
  const details: Record<string, unknown> = {
    sets: sets.length,
    links: edges.length,
    winningSets: winners.map(label),
    dropping: steps.map((step) =>
      step.removedNodes
        ? { removedSets: step.removedNodes.map(label) }
        : { droppedLinks: step.droppedEdges?.edges.length, strength: formatCount(step.droppedEdges?.weight ?? 0) },
    ),
  };
  // Every link is listed on request (detail "pairwise") for elections small enough to read them.
  if (input.detail === "pairwise" && edges.length <= 2000) {
    details.linkList = edges.map((edge) => ({ from: label(edge.from), to: label(edge.to), strength: formatCount(edge.weight) }));
  }
  return {
    ...base,
    elected,
    rounds: [{ number: 1, action: `Winning set of ${seats}: ${elected.join(", ")}.`, tallies: {}, elected, excluded: [], details }],
    ties: tieBreaker.ties,
  };
}
