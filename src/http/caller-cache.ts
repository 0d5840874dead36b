/**
 * What authentication looks up on every request (an API key's caller and organisation, an
 * organisation by slug), remembered for a moment: a request then spends no statement on
 * who is asking. Bounded (least recently used entries go first) and short-lived, because a
 * process cannot hear of changes made by another (a second server process, another Worker
 * isolate): an entry is trusted for `ttlMs` at most. Changes made through this app forget
 * everything at once (`clear`), so in the process that revoked a key it stops working on
 * the next request.
 */
export const callerCacheTtlMs = 1000;
export const callerCacheMaxEntries = 4096;

export class CallerCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #generation = 0;

  /** `now` is real elapsed time, never the app's clock: tests move that one, and staleness is real. */
  constructor(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? callerCacheTtlMs;
    this.#maxEntries = options.maxEntries ?? callerCacheMaxEntries;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Taken before a look-up and handed to `set`: a look-up that began before a `clear` is not remembered. */
  get generation(): number {
    return this.#generation;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first entry is the least recently used.
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, lookedUpIn: number): void {
    if (lookedUpIn !== this.#generation) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets everything: a key was revoked or an organisation changed. */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
