import { type CountInput, CountInputError } from "../types.ts";
import type { RankedProfile } from "./ranked.ts";

/**
 * The building blocks of Markus Schulze's "Free Riding and Vote Management
 * under Proportional Representation by the Single Transferable Vote"
 * (schulze2.pdf), constructed the way python-vote-core constructs them:
 *
 * 1. For a candidate c and others o_1..o_M, each ballot has a pattern: per
 *    position i, LESS if it prefers o_i to c, SAME if it ranks them equally,
 *    MORE if it prefers c.
 * 2. Proportional completion: ballots with SAME positions are split over
 *    the completed patterns in proportion to the ballots that do distinguish
 *    those positions, most-indifferent patterns first.
 * 3. The strength of the vote management is the largest r such that every
 *    o_i can be backed by r votes, each ballot backing only others it prefers
 *    to c: min over non-empty K ⊆ {1..M} of W(K)/|K|, W(K) being the weight of
 *    ballots preferring some o_i (i ∈ K) to c. python-vote-core approaches
 *    this limit by iterated maximum flows; here Newton's method on minimum
 *    cuts reaches it in at most M steps, each value being W(K)/|K| for an
 *    actual K, so no convergence tolerance enters.
 *
 * Arithmetic is floating point and strengths are rounded to 9 decimals, as in
 * python-vote-core: exact rationals were measured 50× slower (the
 * denominators of repeated proportional splits grow quickly), and the
 * rounding makes mathematically equal strengths compare equal.
 *
 * A pattern is stored as one number: bit i of `same` and of `less` tell
 * position i, key = same · 2^M + less. Completion can fill all 2^M patterns,
 * so the work is exponential in M; a WorkBudget stops counts that would run
 * for minutes with a CountInputError instead.
 */

/** Positions beyond this do not fit the number encoding (2 × M bits ≤ 52). */
export const MAX_POSITIONS = 24;

/** Pattern visits allowed per count (a few seconds of work). */
export const DEFAULT_WORK = 30_000_000;

export interface WorkBudget {
  /** The limit as given (`options.maxWork`, default DEFAULT_WORK), for the result's parameters. */
  limit: number;
  remaining: number;
  /** Input field blamed when the budget runs out. */
  field: string;
}

/** The result parameters of a count whose links are vote-management strengths. */
export function voteManagementParameters(budget: WorkBudget) {
  return { strength: "vote management, rounded to 9 decimals", unranked: "tied last", maxWork: budget.limit };
}

/** The work budget of one count; `options.maxWork` raises it for batch counts that may take minutes. */
export function workBudget(input: CountInput, field: string): WorkBudget {
  const limit = input.options?.maxWork ?? DEFAULT_WORK;
  if (typeof limit !== "number" || !Number.isFinite(limit) || limit <= 0) {
    throw new CountInputError("options.maxWork must be a positive number", "options.maxWork");
  }
  return { limit, remaining: limit, field };
}

export interface Profile {
  positions: number;
  /** key = same · 2^M + less → weight */
  weights: Map<number, number>;
}

/** Strengths as python-vote-core reports them: rounded to 9 decimals. */
export function roundStrength(value: number): number {
  return Number(value.toFixed(9));
}

function spend(budget: WorkBudget, amount: number): void {
  budget.remaining -= amount;
  if (budget.remaining < 0) {
    throw new CountInputError(
      `this count needs more than ${budget.limit} units of work (vote-management completion grows as 2^seats); use fewer seats or places, or raise options.maxWork`,
      budget.field,
    );
  }
}

function bitCount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}

/** Weighted patterns of c against `others` (indices into the ranked profile's candidates). */
export function patternTally(ranked: RankedProfile, c: number, others: readonly number[]): Profile {
  const m = others.length;
  if (m > MAX_POSITIONS) throw new CountInputError(`vote management is limited to ${MAX_POSITIONS} seats or places`, "seats");
  const n = ranked.candidates.length;
  const scale = 2 ** m;
  const weights = new Map<number, number>();
  for (let g = 0; g < ranked.groups; g++) {
    const offset = g * n;
    const pc = ranked.positions[offset + c] as number;
    let less = 0;
    let same = 0;
    for (let i = 0; i < m; i++) {
      const po = ranked.positions[offset + (others[i] as number)] as number;
      if (pc > po) less |= 1 << i;
      else if (pc === po) same |= 1 << i;
    }
    const key = same * scale + less;
    weights.set(key, (weights.get(key) ?? 0) + (ranked.weights[g] as number));
  }
  return { positions: m, weights };
}

/**
 * Proportional completion in place. Patterns are taken from the most SAME
 * positions down (newly created partial patterns included). Within a level,
 * patterns with the same SAME positions are split together: completing one
 * of them scales every share of the others' split by the same factor, so
 * their order does not matter. Groups with different SAME positions do
 * interact and are taken in ascending order of their SAME bit mask
 * (python-vote-core leaves that order to its dictionary).
 */
export function proportionalCompletion(profile: Profile, budget: WorkBudget): Profile {
  const scale = 2 ** profile.positions;
  for (;;) {
    const groups = new Map<number, number[]>();
    let most = 0;
    for (const key of profile.weights.keys()) {
      const same = Math.floor(key / scale);
      const count = bitCount(same);
      if (count < most || count === 0) continue;
      if (count > most) {
        most = count;
        groups.clear();
      }
      const group = groups.get(same);
      if (group) group.push(key);
      else groups.set(same, [key]);
    }
    if (most === 0) return profile;
    for (const same of [...groups.keys()].sort((a, b) => a - b)) completeGroup(profile, same, groups.get(same) as number[], budget);
  }
}

function completeGroup(profile: Profile, mask: number, group: readonly number[], budget: WorkBudget): void {
  const { weights } = profile;
  const scale = 2 ** profile.positions;
  spend(budget, weights.size + group.length);
  const pending = group.map((key) => ({ less: key % scale, weight: weights.get(key) as number }));
  for (const key of group) weights.delete(key);

  // How the ballots that distinguish at least one of these positions fill them in: (same, less) on the mask.
  const restrictions = new Map<number, number>();
  let denominator = 0;
  for (const [key, w] of weights) {
    const same = Math.floor(key / scale) & mask;
    if (same === mask) continue;
    const restriction = same * scale + ((key % scale) & mask);
    restrictions.set(restriction, (restrictions.get(restriction) ?? 0) + w);
    denominator += w;
  }
  const add = (key: number, weight: number) => weights.set(key, (weights.get(key) ?? 0) + weight);

  if (denominator === 0) {
    // Nobody distinguishes these positions: split equally over every completion of them (python-vote-core does the same).
    const bits: number[] = [];
    for (let i = 0; i < profile.positions; i++) if (mask & (1 << i)) bits.push(i);
    const targets = 2 ** bits.length;
    spend(budget, targets * pending.length);
    for (const { less, weight } of pending) {
      for (let pick = 0; pick < targets; pick++) {
        let filled = less & ~mask;
        bits.forEach((bit, k) => {
          if (pick & (1 << k)) filled |= 1 << bit;
        });
        add(filled, weight / targets);
      }
    }
    return;
  }
  spend(budget, restrictions.size * pending.length);
  for (const { less, weight } of pending) {
    for (const [restriction, share] of restrictions) {
      const same = Math.floor(restriction / scale);
      add(same * scale + ((less & ~mask) | (restriction % scale)), (share * weight) / denominator);
    }
  }
}

/** Strength of the vote management for a completed profile, rounded to 9 decimals. */
export function voteManagementStrength(profile: Profile): number {
  const scale = 2 ** profile.positions;
  const patterns: { less: number[]; weight: number }[] = [];
  let total = 0;
  for (const [key, weight] of profile.weights) {
    const mask = key % scale;
    if (weight <= 0 || mask === 0) continue;
    const less: number[] = [];
    for (let i = 0; i < profile.positions; i++) if (mask & (1 << i)) less.push(i);
    patterns.push({ less, weight });
    total += weight;
  }
  if (total === 0) return 0;
  const m = profile.positions;
  if (m === 1) return roundStrength(total);
  const weightOf = (k: ReadonlySet<number>) => patterns.reduce((sum, p) => (p.less.some((i) => k.has(i)) ? sum + p.weight : sum), 0);
  // Newton's method: r only decreases, and each step lands on W(K)/|K| for the cut found.
  let r = total / m;
  for (let step = 0; step <= m; step++) {
    const k = starvedPositions(patterns, m, r, total);
    if (k.size === 0) break;
    const next = weightOf(k) / k.size;
    if (next >= r * (1 - 1e-12)) break;
    r = next;
  }
  return roundStrength(r);
}

/** Proportional completion and strength of c against `others` in one call. */
export function strengthAgainst(ranked: RankedProfile, c: number, others: readonly number[], budget: WorkBudget): number {
  return voteManagementStrength(proportionalCompletion(patternTally(ranked, c, others), budget));
}

/**
 * Positions on the sink side of a minimum cut of the network
 * source → pattern (its weight) → position (unbounded) → sink (r):
 * the largest set K minimising W(K) − r·|K|.
 */
function starvedPositions(
  patterns: readonly { less: number[]; weight: number }[],
  positions: number,
  r: number,
  total: number,
): Set<number> {
  // Nodes: 0 source, 1 sink, 2.. positions, then patterns. Edge e and e ^ 1 are a pair.
  const nodeCount = 2 + positions + patterns.length;
  const head = new Int32Array(nodeCount).fill(-1);
  const to: number[] = [];
  const next: number[] = [];
  const cap: number[] = [];
  const addEdge = (u: number, v: number, c: number) => {
    to.push(v, u);
    cap.push(c, 0);
    next.push(head[u] as number, head[v] as number);
    head[u] = to.length - 2;
    head[v] = to.length - 1;
  };
  for (let i = 0; i < positions; i++) addEdge(2 + i, 1, r);
  patterns.forEach((p, j) => {
    const node = 2 + positions + j;
    addEdge(0, node, p.weight);
    for (const i of p.less) addEdge(node, 2 + i, 2 * total);
  });
  // Residues below this are rounding noise, not capacity.
  const epsilon = total * 1e-12;

  // Edmonds–Karp: shortest augmenting paths until none is left.
  for (;;) {
    const via = new Int32Array(nodeCount).fill(-1);
    via[0] = -2;
    const queue = [0];
    for (let q = 0; q < queue.length && via[1] === -1; q++) {
      const u = queue[q] as number;
      for (let e = head[u] as number; e !== -1; e = next[e] as number) {
        const v = to[e] as number;
        if (via[v] === -1 && (cap[e] as number) > epsilon) {
          via[v] = e;
          queue.push(v);
        }
      }
    }
    if (via[1] === -1) {
      const starved = new Set<number>();
      for (let i = 0; i < positions; i++) if (via[2 + i] === -1) starved.add(i);
      return starved;
    }
    let push = Number.POSITIVE_INFINITY;
    for (let v = 1; v !== 0; v = to[(via[v] as number) ^ 1] as number) push = Math.min(push, cap[via[v] as number] as number);
    for (let v = 1; v !== 0; v = to[(via[v] as number) ^ 1] as number) {
      const e = via[v] as number;
      cap[e] = (cap[e] as number) - push;
      cap[e ^ 1] = (cap[e ^ 1] as number) + push;
    }
  }
}
