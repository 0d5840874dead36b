import { clearTimeout, setTimeout } from "node:timers";

export class LockTimeoutError extends Error {
  override name = "LockTimeoutError";
}

interface Waiter {
  owner: object;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Serialises access to one database file. SQLite allows a single writer, and with a synchronous driver a
 * second connection busy-waiting for it would block the event loop the first one needs to finish, so
 * instead every stream waits here, asynchronously and in arrival order. The owner keeps the lock for as
 * long as its connection is inside a transaction, across HTTP requests.
 */
export class DatabaseLock {
  #owner: object | undefined;
  readonly #waiters: Waiter[] = [];

  get owner(): object | undefined {
    return this.#owner;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  acquire(owner: object, timeoutMs: number): Promise<void> {
    if (this.#owner === owner) return Promise.resolve();
    if (this.#owner === undefined && this.#waiters.length === 0) {
      this.#owner = owner;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          reject(new LockTimeoutError(`database is locked: another stream kept a transaction open for more than ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  release(owner: object): void {
    if (this.#owner !== owner) return;
    const next = this.#waiters.shift();
    // Hand over directly, so nobody can slip in between release and the waiter's continuation.
    this.#owner = next?.owner;
    if (next !== undefined) {
      clearTimeout(next.timer);
      next.resolve();
    }
  }

  /** Fails every waiter, e.g. when the database is deleted or the bridge shuts down. */
  abort(error: Error): void {
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
