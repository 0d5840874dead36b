/**
 * Requests to a thread of this process that answers each with a result or an error: the
 * threads that work on the embedded file away from the event loop (src/db/query-thread.ts,
 * src/db/long-batch-thread.ts). Started at the first request, and again after the thread
 * stopped; a thread that stops fails what was asked of it. Node only.
 */
import { Worker } from "node:worker_threads";
import { LibsqlError } from "@libsql/client";
import { primaryCode } from "./prepared-statements.ts";
import { closeMessage, type ThreadError, type ThreadReply } from "./thread-replies.ts";

/** The error a caller sees: a LibsqlError with the primary code, as the client reports a driver error. */
function callerError({ message, code, rawCode }: ThreadError): LibsqlError {
  const primary = typeof rawCode === "number" ? primaryCode(rawCode) : undefined;
  return new LibsqlError(message, primary ?? code ?? "SQLITE_UNKNOWN", code, rawCode);
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class ThreadChannel<Request> {
  #worker: Worker | undefined;
  #closed = false;
  #next = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #url: URL;
  readonly #data: unknown;

  constructor(url: URL, data: unknown) {
    this.#url = url;
    this.#data = data;
  }

  request<Result>(request: Request): Promise<Result> {
    if (this.#closed) return Promise.reject(new LibsqlError("The client is closed", "CLIENT_CLOSED"));
    const worker = this.#started();
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  }

  /**
   * Asks the thread to close its connection and end, after what it is doing; ends it by force
   * only if it has not within a second. A thread ended by force in the middle of a statement
   * can bring the driver down with it.
   */
  close(): void {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new LibsqlError("The client is closed", "CLIENT_CLOSED"));
    if (!worker) return;
    worker.postMessage(closeMessage);
    const force = setTimeout(() => void worker.terminate(), 1000);
    force.unref();
    worker.once("exit", () => clearTimeout(force));
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#url, { workerData: this.#data });
    // Never keeps the process alive on its own.
    worker.unref();
    worker.on("message", (reply: ThreadReply<unknown>) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if ("error" in reply) pending.reject(callerError(reply.error));
      else pending.resolve(reply.result);
    });
    const stopped = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(error);
    };
    worker.on("error", stopped);
    worker.on("exit", (code) => stopped(new Error(`the thread stopped (${code})`)));
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error) {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
