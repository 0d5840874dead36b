import { isDatabaseBusy } from "./errors.ts";

/**
 * How patiently an operation that met a locked database is tried again. Only operations that
 * either applied whole or not at all (one statement, one batch, the BEGIN of a transaction)
 * may be retried: a busy error means nothing of them was written.
 */
export interface RetryPolicy {
  /** How long it keeps trying in all: no try starts after that. */
  waitMs: number;
  /** Delay before the first retry; it doubles after each, up to `maxDelayMs`, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * For statements and batches. The embedded file's connections do not wait for a lock
 * themselves (SQLite's busy handler would wait with the event loop blocked): the waiting is
 * done here, between tries, while other requests go on. It lasts as long as a write of the
 * same process may wait for a long batch (writeGateMaxWaitMs): another process's import is
 * waited for as this process's own would be. A short first delay, since most locks are
 * another process's commit of a few milliseconds; no delay above 50 ms, so that a write
 * follows soon after a long batch ends.
 */
export const writeRetry: RetryPolicy = { waitMs: 30_000, baseDelayMs: 2, maxDelayMs: 50 };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation`, again after a short pause while it fails because the database is locked,
 * until the policy's time is spent. `onRetry` is told of each new try (the write gate counts it as work).
 */
export async function retryWhileBusy<T>(operation: () => Promise<T>, policy: RetryPolicy = writeRetry, onRetry?: () => void): Promise<T> {
  const giveUpAt = performance.now() + policy.waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
      // Jitter, so that writers that met the same lock do not come back at the same instant.
      const pause = delay / 2 + Math.random() * (delay / 2);
      if (performance.now() + pause > giveUpAt) throw error;
      await sleep(pause);
      onRetry?.();
    }
  }
}
