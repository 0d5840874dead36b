import type { PreparedBallot } from "../ballots.ts";

/**
 * Ranked ballots grouped and flattened for the Condorcet-family methods.
 * Identical ballots are merged first, so the cost of everything downstream
 * depends on the number of distinct rankings, not on the number of voters.
 */
export interface RankedProfile {
  candidates: string[];
  /** Distinct rankings. */
  groups: number;
  /**
   * positions[g * n + c]: rank level of candidate c on ranking g, 0 = most
   * preferred. Equal rankings share a level; candidates left unranked share
   * the level after the last one used, i.e. they tie last.
   */
  positions: Int32Array;
  /** Total weight of the ballots carrying ranking g. */
  weights: Float64Array;
}

export function rankedProfile(ballots: readonly PreparedBallot[], candidates: readonly string[]): RankedProfile {
  const n = candidates.length;
  const index = new Map(candidates.map((name, i) => [name, i]));
  // Distinct rankings live in one flat pool (candidate indices, -1 closing each level, equal
  // rankings sorted) behind an open-addressing hash table: no allocation per ballot, which
  // matters at 100,000 ballots.
  const scratch = new Int32Array(2 * n + 1);
  let pool = new Int32Array(1 << 16);
  let used = 0;
  const starts: number[] = [];
  const lengths: number[] = [];
  const weightOf: number[] = [];
  const slots = 1 << Math.max(4, Math.ceil(Math.log2(2 * ballots.length + 1)));
  const table = new Int32Array(slots); // group + 1; 0 = empty

  for (const ballot of ballots) {
    let length = 0;
    for (const group of ballot.ranking) {
      const start = length;
      for (const name of group) scratch[length++] = index.get(name) as number;
      if (group.length > 1) scratch.subarray(start, length).sort();
      scratch[length++] = -1;
    }
    let hash = 0x811c9dc5;
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ ((scratch[i] as number) + 2), 0x01000193);
    let slot = hash & (slots - 1);
    for (;;) {
      const entry = table[slot] as number;
      if (entry === 0) {
        if (used + length > pool.length) {
          const grown = new Int32Array(Math.max(pool.length * 2, used + length));
          grown.set(pool);
          pool = grown;
        }
        pool.set(scratch.subarray(0, length), used);
        starts.push(used);
        lengths.push(length);
        weightOf.push(ballot.weight);
        used += length;
        table[slot] = starts.length;
        break;
      }
      const g = entry - 1;
      if (lengths[g] === length && samePrefix(pool, starts[g] as number, scratch, length)) {
        weightOf[g] = (weightOf[g] as number) + ballot.weight;
        break;
      }
      slot = (slot + 1) & (slots - 1);
    }
  }

  const groups = starts.length;
  const positions = new Int32Array(groups * n).fill(-1);
  for (let g = 0; g < groups; g++) {
    const offset = g * n;
    const start = starts[g] as number;
    let level = 0;
    for (let i = start; i < start + (lengths[g] as number); i++) {
      const c = pool[i] as number;
      if (c === -1) level++;
      else positions[offset + c] = level;
    }
    // Unranked candidates tie last: one level below the last one used.
    for (let c = offset; c < offset + n; c++) if (positions[c] === -1) positions[c] = level;
  }
  return { candidates: [...candidates], groups, positions, weights: Float64Array.from(weightOf) };
}

function samePrefix(pool: Int32Array, start: number, scratch: Int32Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (pool[start + i] !== scratch[i]) return false;
  return true;
}

/**
 * d[a * n + b] = total weight of ballots ranking a strictly above b.
 * O(rankings × candidates²) on typed arrays; unranked candidates tie last.
 */
export function pairwiseMatrix(profile: RankedProfile): Float64Array {
  const n = profile.candidates.length;
  const d = new Float64Array(n * n);
  const { positions, weights } = profile;
  // Per ranking: candidates bucketed by level (a counting sort), then each candidate gains
  // against everyone in later levels — additions only, no comparisons in the inner loop.
  const order = new Int32Array(n);
  const levelEnd = new Int32Array(n + 1);
  const count = new Int32Array(n + 1);
  for (let g = 0; g < profile.groups; g++) {
    const offset = g * n;
    const w = weights[g] as number;
    count.fill(0);
    for (let c = 0; c < n; c++) {
      const level = positions[offset + c] as number;
      count[level] = (count[level] as number) + 1;
    }
    let sum = 0;
    for (let level = 0; level <= n; level++) {
      const size = count[level] as number;
      count[level] = sum;
      sum += size;
      levelEnd[level] = sum;
    }
    for (let c = 0; c < n; c++) {
      const level = positions[offset + c] as number;
      order[count[level] as number] = c;
      count[level] = (count[level] as number) + 1;
    }
    for (let i = 0; i < n; i++) {
      const a = order[i] as number;
      const row = a * n;
      for (let j = levelEnd[positions[offset + a] as number] as number; j < n; j++) {
        const target = row + (order[j] as number);
        d[target] = (d[target] as number) + w;
      }
    }
  }
  return d;
}
