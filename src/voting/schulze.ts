/**
 * The Schulze method (beatpath), winning votes.
 *
 * - d[a][b] = weight of ballots ranking a strictly above b. Equal rankings are
 *   allowed; unranked candidates tie last (VoteIT's and the Pirate parties'
 *   instruction).
 * - A link a→b has strength d[a][b] when d[a][b] > d[b][a], else 0; the
 *   strongest paths p come from Floyd–Warshall (widest path).
 * - a beats b when p[a][b] > p[b][a]. This relation is transitive, so the
 *   candidates can be ranked in tiers: the winners are everyone undefeated,
 *   then everyone undefeated once those are removed, and so on.
 * - Candidates sharing a tier are tied. A tie deciding a seat (the single
 *   winner when seats = 1) is reported and broken by tieBreakOrder, else the
 *   seeded lot; ties further down only order the `ranking` and are reported
 *   as "rank".
 *
 * `countSchulzeRepeated` orders a list the way VoteIT does: take the Schulze
 * winner, remove them, recompute among the rest, repeat.
 *
 * The pairwise matrix and the strongest paths (candidates² entries each) are in the
 * rounds' details only when `input.detail` is "pairwise"; limits.ts bounds them then.
 */
import { prepareBallots, requireSeats } from "./ballots.ts";
import { orderByScore } from "./common/order.ts";
import { pairwiseMatrix, rankedProfile } from "./common/ranked.ts";
import { formatCount } from "./common/rational.ts";
import { TieBreaker } from "./common/tiebreak.ts";
import type { CountInput, CountResult, Round } from "./types.ts";

export interface SchulzeOutcome {
  /** Strongest-path strengths between the `active` candidates, row-major over `active`. */
  paths: Float64Array;
  /** Tiers of `active` positions (indices into `active`), best first. */
  tiers: number[][];
}

/** Strongest paths and the tiered ranking among `active` (indices into the n×n matrix d). */
export function schulzeRanking(d: Float64Array, n: number, active: readonly number[]): SchulzeOutcome {
  const m = active.length;
  const p = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i === j) continue;
      const a = active[i] as number;
      const b = active[j] as number;
      const ab = d[a * n + b] as number;
      p[i * m + j] = ab > (d[b * n + a] as number) ? ab : 0;
    }
  }
  for (let k = 0; k < m; k++) {
    const rowK = k * m;
    for (let i = 0; i < m; i++) {
      if (i === k) continue;
      const rowI = i * m;
      const ik = p[rowI + k] as number;
      if (ik === 0) continue;
      for (let j = 0; j < m; j++) {
        if (j === i || j === k) continue;
        const kj = p[rowK + j] as number;
        const via = Math.min(ik, kj);
        if (via > (p[rowI + j] as number)) p[rowI + j] = via;
      }
    }
  }
  // Tiers by peeling the undefeated: each candidate counts who beats it, and a tier taken
  // off lowers the counts of those it beat. Quadratic, where testing every pair afresh for
  // every tier would be cubic.
  const beatenBy = new Int32Array(m);
  for (let x = 0; x < m; x++) {
    for (let y = 0; y < m; y++) if ((p[y * m + x] as number) > (p[x * m + y] as number)) beatenBy[x] = (beatenBy[x] as number) + 1;
  }
  const tiers: number[][] = [];
  const taken = new Uint8Array(m);
  let left = m;
  while (left > 0) {
    const tier: number[] = [];
    for (let x = 0; x < m; x++) if (taken[x] === 0 && beatenBy[x] === 0) tier.push(x);
    for (const x of tier) {
      taken[x] = 1;
      for (let y = 0; y < m; y++) if ((p[x * m + y] as number) > (p[y * m + x] as number)) beatenBy[y] = (beatenBy[y] as number) - 1;
    }
    tiers.push(tier);
    left -= tier.length;
  }
  return { paths: p, tiers };
}

function matrixRecord(
  values: Float64Array,
  names: readonly string[],
  pick: (i: number, j: number) => number,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  names.forEach((a, i) => {
    const row: Record<string, string> = {};
    names.forEach((b, j) => {
      if (i !== j) row[b] = formatCount(values[pick(i, j)] as number);
    });
    out[a] = row;
  });
  return out;
}

function prepare(input: CountInput) {
  const prepared = prepareBallots(input, { allowEqualRanks: true });
  const profile = rankedProfile(prepared.ballots, prepared.continuing);
  const n = prepared.continuing.length;
  return { prepared, n, names: prepared.continuing, d: pairwiseMatrix(profile) };
}

function roundFor(
  outcome: SchulzeOutcome,
  round: { number: number; action: string; names: readonly string[]; extra: Record<string, unknown>; matrices: boolean },
): Round {
  const { number, action, names, extra, matrices } = round;
  const m = names.length;
  const wins: Record<string, string> = {};
  names.forEach((a, i) => {
    let count = 0;
    for (let j = 0; j < m; j++) if (j !== i && (outcome.paths[i * m + j] as number) > (outcome.paths[j * m + i] as number)) count++;
    wins[a] = String(count);
  });
  return {
    number,
    action,
    tallies: wins,
    elected: [],
    excluded: [],
    details: {
      ...extra,
      ...(matrices ? { strongestPaths: matrixRecord(outcome.paths, names, (i, j) => i * m + j) } : {}),
      tiers: outcome.tiers.map((tier) => tier.map((i) => names[i] as string)),
    },
  };
}

const parameters = { linkStrength: "winning votes", unranked: "tied last" };

export function countSchulze(input: CountInput): CountResult {
  const { prepared, n, names, d } = prepare(input);
  const seats = requireSeats(input, n, 1);
  const tieBreaker = new TieBreaker(input);
  const all = Array.from({ length: n }, (_, i) => i);
  const outcome = schulzeRanking(d, n, all);
  const tierOf = new Map<string, number>();
  outcome.tiers.forEach((tier, t) => {
    for (const i of tier) tierOf.set(names[i] as string, t);
  });
  const ranking = orderByScore(names, {
    score: (name) => -(tierOf.get(name) as number),
    tieBreaker,
    round: 1,
    seats,
    decides: seats === 1 ? "elect" : "seat",
  });
  const elected = ranking.slice(0, seats);
  const matrices = input.detail === "pairwise";
  const round = roundFor(outcome, {
    number: 1,
    action: "Schulze ranking by strongest paths; tallies are the number of candidates each one beats.",
    names,
    extra: {
      ...(matrices ? { pairwise: matrixRecord(d, names, (i, j) => i * n + j) } : {}),
      winners: (outcome.tiers[0] ?? []).map((i) => names[i] as string),
    },
    matrices,
  });
  round.elected = elected;
  return {
    method: "schulze",
    seats,
    parameters: { ...tieBreaker.parameters(), ...parameters },
    elected,
    ranking,
    rounds: [round],
    ties: tieBreaker.ties,
    ballots: prepared.summary,
  };
}

export function countSchulzeRepeated(input: CountInput): CountResult {
  const { prepared, n, names, d } = prepare(input);
  const seats = requireSeats(input, n, n);
  const tieBreaker = new TieBreaker(input);
  const matrices = input.detail === "pairwise";
  const order: string[] = [];
  const rounds: Round[] = [];
  let active = Array.from({ length: n }, (_, i) => i);
  while (order.length < seats) {
    const number = rounds.length + 1;
    const outcome = schulzeRanking(d, n, active);
    const activeNames = active.map((i) => names[i] as string);
    const winners = (outcome.tiers[0] ?? []).map((i) => activeNames[i] as string);
    const chosen = tieBreaker.pickFirst(winners, number, "rank");
    const extra: Record<string, unknown> = { place: number, winners };
    if (number === 1 && matrices) extra.pairwise = matrixRecord(d, names, (i, j) => i * n + j);
    const round = roundFor(outcome, {
      number,
      action: `Place ${number}: ${chosen} is the Schulze winner among the ${active.length} remaining candidates.`,
      names: activeNames,
      extra,
      matrices,
    });
    round.elected = [chosen];
    rounds.push(round);
    order.push(chosen);
    active = active.filter((i) => names[i] !== chosen);
  }
  return {
    method: "schulze_repeated",
    seats,
    parameters: { ...tieBreaker.parameters(), ...parameters },
    elected: order,
    ranking: order,
    rounds,
    ties: tieBreaker.ties,
    ballots: prepared.summary,
  };
}
