import type { Client, Transaction } from "@libsql/client";
import { pacer } from "../lib/yield.ts";
import { checkpointNow } from "./checkpoints.ts";
import { clientInTransaction, isInTransaction } from "./in-transaction.ts";
import { createDb, type Db } from "./index.ts";
import { runBatch, type Statement } from "./sql.ts";

/** How long `runLongBatch` works on the event loop before it gives way to other requests. */
export const longBatchSliceMs = 10;

/**
 * A long batch's page cache, in KiB. A 100,000-member import touches far more pages than
 * SQLite's default 2 MiB holds, and reading them back cost it a sixth of its time (7.5 s
 * alone with 2 MiB, 6.2 to 6.4 with 16). A larger cache gained nothing more and lengthened
 * the commit, which writes out what the cache still holds.
 */
export const longBatchCacheKiB = 16 * 1024;

/** Where a client's long batches run their write transaction, when not on one of its own connections (src/db/embedded.ts). */
const threadTransactions = new WeakMap<Client, () => Promise<Transaction>>();

/** Registered by the embedded client: its write transactions on the long batch thread (src/db/long-batch-thread-client.ts). */
export function serveLongBatchTransactions(client: Client, begin: () => Promise<Transaction>): void {
  threadTransactions.set(client, begin);
}

/** How a client begins its long batches' transactions, if not as any client does: for one that wraps it (a benchmark's counting proxy). */
export const longBatchTransactionsOf = (client: Client) => threadTransactions.get(client);

/**
 * A long batch on the embedded file (see runLongBatch): in one write transaction, on the
 * long batch thread's connection, with a large page cache; the event loop builds each
 * statement and reads its result, and gives way to other requests every few milliseconds.
 * Readers meanwhile see the database as it was; other writers of the process wait their turn.
 * The commit leaves copying the long write-ahead log into the file to the checkpoint thread,
 * told to at once (src/db/checkpoints.ts). Inside a transaction already open (a request under
 * an Idempotency-Key runs in one), the statements run in it, under a savepoint, and commit or
 * roll back with it.
 */
export async function runEmbeddedLongBatch(db: Db, statements: Iterable<Statement>): Promise<unknown[]> {
  const client = db.$client;
  if (isInTransaction(client)) {
    await client.execute("SAVEPOINT long_batch");
    const restoreCache = await enlargeCache(client);
    try {
      return await runPaced(db, statements);
    } catch (error) {
      await client.execute("ROLLBACK TO long_batch");
      throw error;
    } finally {
      await client.execute(restoreCache);
      await client.execute("RELEASE long_batch");
    }
  }
  const onThread = threadTransactions.get(client);
  const transaction = await (onThread ? onThread() : client.transaction("write"));
  try {
    const results = await runPaced(createDb(clientInTransaction(transaction, client.protocol)), statements);
    await transaction.commit();
    checkpointNow();
    return results;
  } finally {
    transaction.close();
  }
}

/** Enlarges the page cache of a connection the batch shares with its request; gives the statement that sets it back. */
async function enlargeCache(connection: Pick<Client, "execute">): Promise<string> {
  const now = Number((await connection.execute("PRAGMA cache_size")).rows[0]?.[0]);
  await connection.execute(`PRAGMA cache_size = -${longBatchCacheKiB}`);
  return `PRAGMA cache_size = ${Number.isInteger(now) ? now : -2000}`;
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
