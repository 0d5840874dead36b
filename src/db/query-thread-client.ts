/**
 * Long reads of the embedded file on a thread of its own (src/db/query-thread.ts), so that a
 * statement of half a second (a year's participation report) does not hold every other
 * request of every organisation: the driver is synchronous, and on the event loop it would.
 * Started at the first long read, and again after a failure of the thread. Node only.
 */
import type { QueryRequest, QueryResult, QueryThreadData } from "./query-thread.ts";
import { ThreadChannel } from "./thread-channel.ts";

const threadUrl = new URL("./query-thread.ts", import.meta.url);

export class QueryThread {
  readonly #channel: ThreadChannel<QueryRequest>;

  constructor(data: QueryThreadData) {
    this.#channel = new ThreadChannel(threadUrl, data);
  }

  query(sql: string, args: unknown[]): Promise<QueryResult> {
    return this.#channel.request<QueryResult>({ sql, args });
  }

  close(): void {
    this.#channel.close();
  }
}
