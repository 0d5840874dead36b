/**
 * The thread behind `LongBatchThread` (src/db/long-batch-thread-client.ts): a connection of
 * its own to the file, on which long batches (an import, a large entry of paper ballots, a
 * change of areas, a mailing's start and rounds) run their write transaction, statements and
 * commit, while the event loop serves everyone else. One transaction at a time: the
 * process's write gate sees to that.
 */
import { workerData } from "node:worker_threads";
import type { StatementOutcome } from "./embedded-connection.ts";
import { openFileConnection } from "./file-connection.ts";
import { PreparedStatements } from "./prepared-statements.ts";
import { answerRequests } from "./thread-replies.ts";

export interface LongBatchThreadData {
  path: string;
  /** The connection's page cache, in KiB (see longBatchCacheKiB). */
  cacheKiB: number;
}

/** A statement as the caller bound it (src/db/statement-arguments.ts). */
export interface BoundStatement {
  sql: string;
  args: unknown[] | Record<string, unknown>;
}

export type LongBatchRequest =
  | { op: "begin" }
  | { op: "batch"; statements: BoundStatement[] }
  | { op: "script"; sql: string }
  | { op: "end"; commit: boolean };

const { path, cacheKiB } = workerData as LongBatchThreadData;

/**
 * The connection: no busy timeout (the caller waits for another process's lock between
 * tries, see retryWhileBusy), a page cache large enough for an import, and no checkpoint
 * within its commits, which would copy a long batch's whole log into the file; the
 * checkpoint thread does that (src/db/checkpoints.ts), and without one, the next commit of
 * another connection. Opened anew after a failure, as a statement stopped mid-way is not reset.
 */
function open() {
  const db = openFileConnection(path, 0);
  db.exec(`PRAGMA cache_size = -${cacheKiB}; PRAGMA wal_autocheckpoint = 0`);
  const statements = new PreparedStatements(db, 100, (stmt) => {
    if (!stmt.reader) return undefined;
    const columns = stmt.columns();
    return { names: columns.map((column) => column.name), types: columns.map((column) => column.type ?? "") };
  });
  return { db, statements };
}

let connection = open();

function reopen() {
  try {
    if (connection.db.inTransaction) connection.db.exec("ROLLBACK");
  } catch {
    // Closing the connection ends the transaction too.
  }
  connection.statements.clear();
  connection.db.close();
  connection = open();
}

function step(statement: BoundStatement): StatementOutcome {
  const { stmt, reader, facts } = connection.statements.get(statement.sql);
  if (reader && facts) return { ...facts, rows: stmt.all(statement.args) as unknown[][], changes: 0, lastInsertRowid: undefined };
  const info = stmt.run(statement.args) as { changes: number; lastInsertRowid: number | bigint };
  return { names: [], types: [], rows: [], changes: info.changes, lastInsertRowid: BigInt(info.lastInsertRowid) };
}

function work(request: LongBatchRequest): unknown {
  switch (request.op) {
    case "begin":
      try {
        connection.db.exec("BEGIN IMMEDIATE");
      } catch (error) {
        // Another process's lock, most often: a BEGIN left unfinished would stop what follows.
        reopen();
        throw error;
      }
      return null;
    case "script":
      connection.db.exec(request.sql);
      return null;
    case "end":
      try {
        if (connection.db.inTransaction) connection.db.exec(request.commit ? "COMMIT" : "ROLLBACK");
      } finally {
        // After a rollback (a statement failed) or a failed commit, nothing of the connection is trusted.
        if (!request.commit || connection.db.inTransaction) reopen();
      }
      return null;
    case "batch": {
      const results: StatementOutcome[] = [];
      for (const statement of request.statements) {
        try {
          results.push(step(statement));
        } catch (error) {
          // Prepared afresh next time: a failed statement is left as it stopped.
          connection.statements.forget(statement.sql);
          throw error;
        }
      }
      return results;
    }
  }
}

answerRequests<LongBatchRequest, unknown>(work, {
  // A transaction left open ends with the connection, rolled back.
  close: () => {
    connection.statements.clear();
    connection.db.close();
  },
});
