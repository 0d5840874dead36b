import type { Transaction } from "@libsql/client";
import { pacer } from "../lib/yield.ts";
import { checkpointNow } from "./checkpoints.ts";
import { clientInTransaction, isInTransaction } from "./in-transaction.ts";
import { createDb, type Db } from "./index.ts";
import { runBatch, type Statement } from "./sql.ts";

/** How long `runLongBatch` works on the embedded database before it gives way to other requests. */
export const longBatchSliceMs = 10;

/**
 * A long batch on the embedded file (see runLongBatch): in one write transaction, giving way
 * to other requests every few milliseconds. Readers meanwhile see the database as it was;
 * other writers of the process wait their turn. Inside a transaction already open (a request
 * under an Idempotency-Key runs in one), the statements run in it, under a savepoint, and
 * commit or roll back with it.
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
  const transaction = await client.transaction("write");
  try {
    const restoreCache = await enlargeCache(transaction);
    try {
      const results = await runPaced(createDb(clientInTransaction(transaction, client.protocol)), statements);
      await commitLeavingTheLog(transaction, restoreCache);
      return results;
    } catch (error) {
      // Still open when a statement failed: set back before the connection goes back to the client's pool.
      if (!transaction.closed) await transaction.execute(restoreCache).catch(() => undefined);
      throw error;
    }
  } finally {
    transaction.close();
  }
}

/**
 * A long batch's page cache, in KiB. A 100,000-member import touches far more pages than
 * SQLite's default 2 MiB holds, and reading them back cost it a sixth of its time (7.5 s
 * alone with 2 MiB, 6.2 to 6.4 with 16). A larger cache gains nothing more and lengthens the
 * COMMIT on the event loop, which writes out what the cache still holds (130 to 140 ms up to
 * 16 MiB, 155 with 32, 250 with 128), and holds paper ballots' health checks longer.
 */
const longBatchCacheKiB = 16 * 1024;

/** The statement that sets a connection's integer PRAGMA back to what it is now (`otherwise` if it reads as none). */
async function settingNow(connection: Pick<Transaction, "execute">, pragma: string, otherwise: number): Promise<string> {
  const now = Number((await connection.execute(`PRAGMA ${pragma}`)).rows[0]?.[0]);
  return `PRAGMA ${pragma} = ${Number.isInteger(now) ? now : otherwise}`;
}

/** Enlarges the connection's page cache for a long batch; gives the statement that sets it back. */
async function enlargeCache(connection: Pick<Transaction, "execute">): Promise<string> {
  const restore = await settingNow(connection, "cache_size", -2000);
  await connection.execute(`PRAGMA cache_size = -${longBatchCacheKiB}`);
  return restore;
}

/**
 * Commits without copying the write-ahead log back into the file inside the commit. After a
 * long batch the log is long, and SQLite would copy it all within the COMMIT, on the event
 * loop (most of a large import's last second); the server's checkpoint thread copies it
 * instead, told to at once (src/db/checkpoints.ts), and without one, the next commit does. `restore` sets
 * back what else the batch changed on the connection.
 */
async function commitLeavingTheLog(transaction: Transaction, restore: string) {
  const restoreAll = `${await settingNow(transaction, "wal_autocheckpoint", 1000)}; ${restore};`;
  try {
    // In one script, so that the connection, still this transaction's, gets its settings back at once.
    await transaction.executeMultiple(`PRAGMA wal_autocheckpoint = 0; COMMIT; ${restoreAll}`);
    checkpointNow();
  } catch (error) {
    // The COMMIT failed and the transaction is still open (it is rolled back on close): set them back in it.
    await transaction.executeMultiple(restoreAll).catch(() => undefined);
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
