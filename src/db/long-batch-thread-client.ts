/**
 * Long batches of the embedded file on a thread of their own (src/db/long-batch-thread.ts).
 * On the event loop, a 100,000-member import's statements held every other request for 10 ms
 * at a time, and its commit for 100 to 160 ms at once: the driver is synchronous. Here the
 * loop only builds the statements and reads their results. Started at the first long batch,
 * and again after a failure of the thread. Node only.
 */
import type { Transaction } from "@libsql/client";
import { resultSetOfOutcome, type StatementOutcome, transactionOver } from "./embedded-connection.ts";
import type { BoundStatement, LongBatchRequest, LongBatchThreadData } from "./long-batch-thread.ts";
import { argumentsOf } from "./statement-arguments.ts";
import { ThreadChannel } from "./thread-channel.ts";

const threadUrl = new URL("./long-batch-thread.ts", import.meta.url);

export class LongBatchThread {
  readonly #channel: ThreadChannel<LongBatchRequest>;

  constructor(data: LongBatchThreadData) {
    this.#channel = new ThreadChannel(threadUrl, data);
  }

  /** A write transaction on the thread's connection, begun IMMEDIATE (the write lock up front, or SQLITE_BUSY at once). */
  async begin(): Promise<Transaction> {
    await this.#channel.request({ op: "begin" });
    return threadTransaction(this.#channel);
  }

  close(): void {
    this.#channel.close();
  }
}

function threadTransaction(channel: ThreadChannel<LongBatchRequest>): Transaction {
  return transactionOver({
    // Bound here, so that a value the driver refuses fails where it was given.
    run: async (stmts) => {
      const statements: BoundStatement[] = stmts.map((stmt) =>
        typeof stmt === "string" ? { sql: stmt, args: [] } : { sql: stmt.sql, args: argumentsOf(stmt) },
      );
      const outcomes = await channel.request<StatementOutcome[]>({ op: "batch", statements });
      return outcomes.map(resultSetOfOutcome);
    },
    script: async (sql) => {
      await channel.request({ op: "script", sql });
    },
    end: async (commit) => {
      await channel.request({ op: "end", commit });
    },
  });
}
