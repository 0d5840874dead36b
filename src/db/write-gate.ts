/** Raised when the gate was not free within its wait budget; reads as SQLITE_BUSY, as a locked database would. */
export class WriteGateTimeout extends Error {
  override name = "WriteGateTimeout";
  readonly code = "SQLITE_BUSY";
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One writer at a time within this process, waited for asynchronously.
 *
 * The embedded driver is synchronous: a connection that meets a lock waits for it in SQLite's
 * busy handler with the event loop blocked. Another process (a tick) releases its lock on its
 * own, so that wait is fine; but if the holder were a transaction of this process, waiting
 * for its next statement, it could never release it while the loop is blocked. So writers of
 * one process queue here first, and the busy timeout only ever waits for other processes.
 */
export class WriteGate {
  #held = false;
  readonly #waiters: Waiter[] = [];

  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** Resolves with the function that frees the gate again (safe to call twice); refuses after `timeoutMs` of waiting. */
  acquire(timeoutMs = this.timeoutMs): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(new WriteGateTimeout(`database is locked: another write of this process held it for more than ${this.timeoutMs} ms`));
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
    });
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
