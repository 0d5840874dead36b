/**
 * Long reads of the embedded file on a thread of its own (src/db/query-thread.ts), so that a
 * statement of half a second (a year's participation report) does not hold every other
 * request of every organisation: the driver is synchronous, and on the event loop it would.
 * Started at the first long read, and again after a failure of the thread. Node only.
 */
import { Worker } from "node:worker_threads";
import { LibsqlError } from "@libsql/client";
import { primaryCode } from "./prepared-statements.ts";
import type { QueryReply, QueryRequest, QueryThreadData } from "./query-thread.ts";

const threadUrl = new URL("./query-thread.ts", import.meta.url);

interface Pending {
  resolve(result: { columns: string[]; rows: unknown[][] }): void;
  reject(error: Error): void;
}

export class QueryThread {
  #worker: Worker | undefined;
  #closed = false;
  #next = 0;
  readonly #pending = new Map<number, Pending>();

  readonly #data: QueryThreadData;

  constructor(data: QueryThreadData) {
    this.#data = data;
  }

  query(sql: string, args: unknown[]): Promise<{ columns: string[]; rows: unknown[][] }> {
    if (this.#closed) return Promise.reject(new LibsqlError("The client is closed", "CLIENT_CLOSED"));
    const worker = this.#started();
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, sql, args } satisfies QueryRequest);
    });
  }

  close(): void {
    this.#closed = true;
    void this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll(new LibsqlError("The client is closed", "CLIENT_CLOSED"));
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(threadUrl, { workerData: this.#data });
    // Never keeps the process alive on its own.
    worker.unref();
    worker.on("message", (reply: QueryReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if ("error" in reply) {
        const { message, code, rawCode } = reply.error;
        const primary = typeof rawCode === "number" ? primaryCode(rawCode) : undefined;
        pending.reject(new LibsqlError(message, primary ?? code ?? "SQLITE_UNKNOWN", code, rawCode));
      } else pending.resolve(reply);
    });
    const stopped = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(error);
    };
    worker.on("error", stopped);
    worker.on("exit", (code) => stopped(new Error(`the query thread stopped (${code})`)));
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error) {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
