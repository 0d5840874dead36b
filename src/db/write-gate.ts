/** Raised when the gate was not free within its wait budget; reads as SQLITE_BUSY, as a locked database would. */
export class WriteGateTimeout extends Error {
  override name = "WriteGateTimeout";
  readonly code = "SQLITE_BUSY";
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  /** When its timer refuses it (performance.now()). */
  deadline: number;
  /** When it stops waiting, however busy the holder. */
  giveUpAt: number;
}

/**
 * One writer at a time within this process, waited for asynchronously.
 *
 * The embedded driver is synchronous, so its connections do not wait for a lock themselves
 * (their busy timeout is 0): a write that meets one is tried again after a pause
 * (`retryWhileBusy`). Between writes of one process, that would be polling for a lock this
 * process holds, in no order. So writers of one process queue here first, and only the
 * write at the head of the queue ever meets a lock: another process's.
 *
 * A waiter is refused when the holder has done nothing for `timeoutMs`: a transaction left
 * open while its request waits on something else. A holder that keeps working (a long
 * batch: an import of 100,000 members writes for several seconds) reports each statement
 * (`progress`), and its waiters wait on, up to `maxWaitMs` in all, to be answered rather
 * than refused.
 */
export class WriteGate {
  #held = false;
  readonly #waiters: Waiter[] = [];

  readonly timeoutMs: number;
  readonly maxWaitMs: number;

  constructor(timeoutMs: number, maxWaitMs = timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.maxWaitMs = Math.max(timeoutMs, maxWaitMs);
  }

  /** Resolves with the function that frees the gate again (safe to call twice); refuses after `timeoutMs` of waiting on an idle holder. */
  acquire(timeoutMs = this.timeoutMs): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const now = performance.now();
      const waiter: Waiter = { resolve, reject, timer: undefined as never, deadline: 0, giveUpAt: now + this.maxWaitMs };
      this.#arm(waiter, now + Math.min(timeoutMs, this.maxWaitMs));
      this.#waiters.push(waiter);
    });
  }

  /** The holder has just done some work: its waiters wait on, for `timeoutMs` from now (never past their `maxWaitMs`). */
  readonly progress = (): void => {
    const now = performance.now();
    for (const waiter of this.#waiters) {
      const deadline = Math.min(now + this.timeoutMs, waiter.giveUpAt);
      // A deadline only moves later: a waiter already at its limit keeps its timer, which,
      // set again at every statement of a busy holder, would never come round to fire.
      if (deadline <= waiter.deadline) continue;
      clearTimeout(waiter.timer);
      this.#arm(waiter, deadline);
    }
  };

  #arm(waiter: Waiter, deadline: number) {
    waiter.deadline = deadline;
    waiter.timer = setTimeout(
      () => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.reject(new WriteGateTimeout("database is locked: another write of this process holds it, and did not finish in time"));
      },
      Math.max(0, deadline - performance.now()),
    );
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await operation();
    } finally {
      release();
    }
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next === undefined) {
        this.#held = false;
        return;
      }
      // Handed over directly: nobody can slip in between this release and the waiter's turn.
      clearTimeout(next.timer);
      next.resolve(this.#releaser());
    };
  }
}
