import type { Transaction } from "@libsql/client";
import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { pacer } from "../lib/yield.ts";
import { clientInTransaction, isInTransaction } from "./in-transaction.ts";
import { createDb, type Db } from "./index.ts";

export type Statement = BatchItem<"sqlite">;

/** Runs statements as one batch: libSQL applies a batch as one transaction, all or nothing. */
export async function runBatch(db: Db, statements: Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (!first) return [];
  return db.batch([first, ...rest]);
}

/** How long `runLongBatch` works on the embedded database before it gives way to other requests. */
export const longBatchSliceMs = 10;

/**
 * Runs many statements all or nothing, as `runBatch` does, without holding the event loop
 * for the whole of it. The embedded database works on the event loop, so one batch of
 * thousands of statements (a large import) would stall every other request until it ends:
 * there, they run in one write transaction, giving way to other requests every few
 * milliseconds. Readers meanwhile see the database as it was; other writers of the process
 * wait their turn. `statements` may be a generator, so that building them is spread out
 * too. A remote database does the work away from the event loop, in one round trip.
 * Inside a transaction already open (a request under an Idempotency-Key runs in one), the
 * statements run in it, under a savepoint, and commit or roll back with it. Returns each
 * statement's result, as a batch does.
 */
export async function runLongBatch(db: Db, statements: Iterable<Statement>): Promise<unknown[]> {
  const client = db.$client;
  if (client.protocol !== "file") return runBatch(db, [...statements]);
  if (isInTransaction(client)) {
    await client.execute("SAVEPOINT long_batch");
    try {
      return await runPaced(db, statements);
    } catch (error) {
      await client.execute("ROLLBACK TO long_batch");
      throw error;
    } finally {
      await client.execute("RELEASE long_batch");
    }
  }
  const transaction = await client.transaction("write");
  try {
    const results = await runPaced(createDb(clientInTransaction(transaction, client.protocol)), statements);
    await commitLeavingTheLog(transaction);
    return results;
  } finally {
    transaction.close();
  }
}

/**
 * Commits without copying the write-ahead log back into the file inside the commit. After a
 * long batch the log is long, and SQLite would copy it all within the COMMIT, on the event
 * loop (most of a large import's last second); the server's checkpoint thread copies it
 * instead (src/db/checkpoints.ts), and without one, the next commit does.
 */
async function commitLeavingTheLog(transaction: Transaction) {
  const read = Number((await transaction.execute("PRAGMA wal_autocheckpoint")).rows[0]?.[0]);
  const restore = `PRAGMA wal_autocheckpoint = ${Number.isInteger(read) ? read : 1000}`;
  try {
    // In one script, so that the connection, still this transaction's, gets its threshold back at once.
    await transaction.executeMultiple(`PRAGMA wal_autocheckpoint = 0; COMMIT; ${restore};`);
  } catch (error) {
    // The COMMIT failed and the transaction is still open (it is rolled back on close): set the threshold back in it.
    await transaction.execute(restore).catch(() => undefined);
    throw error;
  }
}

/** One statement at a time, giving way to other requests every few milliseconds. */
async function runPaced(db: Db, statements: Iterable<Statement>): Promise<unknown[]> {
  const pace = pacer(longBatchSliceMs);
  const results: unknown[] = [];
  for (const statement of statements) {
    results.push(...(await runBatch(db, [statement])));
    await pace();
  }
  return results;
}

/** Rows a write changed, from its result (of `db.run`, or one of a batch's results); 0 when it reports none. */
export const rowsAffected = (result: unknown) => Number((result as { rowsAffected?: number } | undefined)?.rowsAffected ?? 0);

/**
 * A list bound as one JSON parameter and read back with json_each, so a statement over
 * ten thousand postal codes stays one statement with one parameter.
 */
export function jsonValues(values: readonly string[]): SQL {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
