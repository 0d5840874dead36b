/**
 * Ties decided "by lot" must be reproducible for an audit: the lot is a
 * deterministic shuffle driven by a seed that is stored with the result.
 */

/** FNV-1a over the seed, then mulberry32: small, fast, and identical on every runtime. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let state = h;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A lot order over all candidates: earlier in the order wins a lot. */
export function lotOrder(candidates: readonly string[], seed: string): string[] {
  const random = seededRandom(seed);
  const order = [...candidates];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  return order;
}

/** The default seed when the caller gives none: derived from the candidates so the same election always draws the same lot. */
export function defaultSeed(candidates: readonly string[]): string {
  return `grasrot:${candidates.join("\u0000")}`;
}

/**
 * Picks one of the tied candidates: the first of them in `order`.
 * Candidates missing from the order rank after those in it, in their given sequence.
 */
export function firstInOrder(tied: readonly string[], order: readonly string[]): string {
  const position = (name: string) => {
    const at = order.indexOf(name);
    return at === -1 ? order.length + tied.indexOf(name) : at;
  };
  return [...tied].sort((a, b) => position(a) - position(b))[0] as string;
}
