/**
 * The ballots as one Meek round sees them, built once per round so that the
 * many iterations inside it stay cheap.
 *
 * Within a round no candidate changes status until the round ends, and a
 * hopeful candidate's keep factor is 1 throughout, so a ballot never passes
 * anything beyond its first rank of hopeful candidates. Each ballot is
 * therefore cut there, defeated candidates are dropped, and identical
 * prefixes are merged into a tree: one node per distinct prefix, carrying
 * the number of ballots through it. A node's keep and remainder are computed
 * once per iteration for all those ballots. This is exact, not an
 * approximation: the per-ballot rules (Droop, PRF) compute a ballot's weight
 * from its prefix alone and multiply by the ballot count only when crediting.
 *
 * Ballots with an equal ranking still present after dropping defeated
 * candidates are kept apart and counted by Droop's recursive split.
 */

import type { WorkMeter } from "../limits.ts";
import type { RankedBallots } from "./setup.ts";

export const HOPEFUL = 0;
export const ELECTED = 1;
export const DEFEATED = 2;

export interface KeepRule {
  scale: bigint;
  /** PRF: keep = w × kf rounded up, remainder = w − keep. Droop: both w × kf and w × (1 − kf) truncated. */
  roundUp: boolean;
}

interface EqualBallot {
  groups: number[][];
  weight: bigint;
}

export class RoundBallots {
  private readonly cand: Int32Array;
  private readonly parent: Int32Array;
  private readonly pass: bigint[];
  private readonly remainder: bigint[];
  private readonly equal: EqualBallot[];

  constructor(ranked: RankedBallots, status: Int8Array) {
    const n = status.length;
    const cand: number[] = [];
    const parent: number[] = [];
    const pass: number[] = [];
    const child = new Map<number, number>();
    const path = new Int32Array(n);
    this.equal = [];
    const { start, cand: ranking, joined, weight } = ranked;
    for (let b = 0; b < ranked.count; b++) {
      const end = start[b + 1] as number;
      let length = 0;
      let split = false;
      for (let j = start[b] as number; j < end; ) {
        let g = j + 1;
        while (g < end && joined[g] === 1) g++;
        let standing = 0;
        let last = -1;
        for (let k = j; k < g; k++) {
          const c = ranking[k] as number;
          if (status[c] !== DEFEATED) {
            standing++;
            last = c;
          }
        }
        j = g;
        if (standing === 0) continue;
        if (standing > 1) {
          split = true;
          break;
        }
        path[length++] = last;
        if (status[last] === HOPEFUL) break;
      }
      if (split) {
        this.equal.push({ groups: equalGroups(ranked, b, status), weight: BigInt(weight[b] as number) });
        continue;
      }
      let node = -1;
      for (let i = 0; i < length; i++) {
        const c = path[i] as number;
        const key = (node + 1) * (n + 1) + c;
        let next = child.get(key);
        if (next === undefined) {
          next = cand.length;
          child.set(key, next);
          cand.push(c);
          parent.push(node);
          pass.push(0);
        }
        pass[next] = (pass[next] as number) + (weight[b] as number);
        node = next;
      }
    }
    this.cand = Int32Array.from(cand);
    this.parent = Int32Array.from(parent);
    this.pass = pass.map((count) => BigInt(count));
    this.remainder = new Array<bigint>(cand.length).fill(0n);
  }

  /**
   * Adds each candidate's kept votes to `votes` (which the caller zeroes) under keep factors `kf`.
   * `meter` is charged `cost` per prefix node and per share of an equal-rank split.
   */
  distribute(kf: readonly bigint[], votes: bigint[], rule: KeepRule, meter?: WorkMeter, cost = 0): void {
    const { cand, parent, pass, remainder } = this;
    const { scale, roundUp } = rule;
    meter?.spend(cand.length * cost);
    // Parents precede their children, so one forward pass sees every parent's remainder first.
    for (let i = 0; i < cand.length; i++) {
      const p = parent[i] as number;
      const w = p < 0 ? scale : (remainder[p] as bigint);
      if (w === 0n) {
        remainder[i] = 0n;
        continue;
      }
      const c = cand[i] as number;
      const k = kf[c] as bigint;
      let keep: bigint;
      let rest: bigint;
      if (k === scale) {
        keep = w;
        rest = 0n;
      } else if (roundUp) {
        const product = w * k;
        keep = product / scale;
        if (keep * scale !== product) keep += 1n;
        rest = w - keep;
      } else {
        keep = (w * k) / scale;
        rest = (w * (scale - k)) / scale;
      }
      votes[c] = (votes[c] as bigint) + keep * (pass[i] as bigint);
      remainder[i] = rest;
    }
    for (const ballot of this.equal) splitDown(ballot, 0, scale, kf, votes, rule, meter, cost);
  }
}

/** Droop's recursion for equal ranks: the weight splits evenly, each share keeps k and passes the rest to the next rank. */
// Positional on purpose: it runs per equal-rank ballot per iteration (and recurses per rank), where an options object per call would cost.
function splitDown(
  ballot: EqualBallot,
  rank: number,
  w: bigint,
  kf: readonly bigint[],
  votes: bigint[],
  rule: KeepRule,
  meter: WorkMeter | undefined,
  cost: number,
): void {
  const group = ballot.groups[rank];
  if (!group || w === 0n) return;
  // The split multiplies along the ranks (2 × 2 × … shares): metered, as the ballots' shape does not bound it.
  meter?.spend(group.length * cost);
  const { scale, roundUp } = rule;
  const share = w / BigInt(group.length);
  for (const c of group) {
    const k = kf[c] as bigint;
    let keep: bigint;
    let rest: bigint;
    if (k === scale) {
      keep = share;
      rest = 0n;
    } else if (roundUp) {
      const product = share * k;
      keep = product / scale + (product % scale === 0n ? 0n : 1n);
      rest = share - keep;
    } else {
      keep = (share * k) / scale;
      rest = (share * (scale - k)) / scale;
    }
    votes[c] = (votes[c] as bigint) + keep * ballot.weight;
    splitDown(ballot, rank + 1, rest, kf, votes, rule, meter, cost);
  }
}

/**
 * The ranks of ballot b without defeated candidates, cut after the first rank
 * made only of hopeful candidates. A rank emptied by defeats is skipped (the
 * ballot moves on), where Droop and stv-rs would stop the ballot there.
 */
function equalGroups(ranked: RankedBallots, b: number, status: Int8Array): number[][] {
  const { start, cand, joined } = ranked;
  const end = start[b + 1] as number;
  const groups: number[][] = [];
  for (let j = start[b] as number; j < end; ) {
    let g = j + 1;
    while (g < end && joined[g] === 1) g++;
    const group: number[] = [];
    for (let k = j; k < g; k++) if (status[cand[k] as number] !== DEFEATED) group.push(cand[k] as number);
    j = g;
    if (group.length === 0) continue;
    groups.push(group);
    if (group.every((c) => status[c] === HOPEFUL)) break;
  }
  return groups;
}
