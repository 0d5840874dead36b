import { isDatabaseBusy } from "./errors.ts";

/**
 * How often, and how patiently, an operation that met a locked database is tried again.
 * Only operations that either applied whole or not at all (one statement, one batch, the
 * BEGIN of a transaction) may be retried: a busy error means nothing of them was written.
 */
export interface RetryPolicy {
  /** Tries after the first. */
  retries: number;
  /** Delay before the first retry; it doubles after each, up to `maxDelayMs`, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** For statements and batches: each try already waited the busy timeout, so a few are enough. */
export const writeRetry: RetryPolicy = { retries: 4, baseDelayMs: 25, maxDelayMs: 400 };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `operation`, again after a short pause while it fails because the database is locked, until the policy is spent. */
export async function retryWhileBusy<T>(operation: () => Promise<T>, policy: RetryPolicy = writeRetry): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= policy.retries || !isDatabaseBusy(error)) throw error;
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      // Jitter, so that writers that met the same lock do not come back at the same instant.
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}
