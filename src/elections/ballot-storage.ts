/**
 * Where ballots sit in the database file, so that their places say nothing about when
 * they were cast.
 *
 * SQLite writes each new cell of a b-tree page in front of the cells written before it,
 * and adds new pages after the old ones: whatever a row's key, its physical place tells
 * when it was written. Anyone with a copy of the file and a record of who voted when
 * (access logs) could then match ballots to voters. So no ballot stays where it was first
 * written:
 *
 * - A cast ballot is written to the election's pending range (ids `pending:<uuid>`, which
 *   sort after every plain UUID). Once `shuffleBatch` ballots wait there, the same
 *   transaction copies them, in random order and under fresh random ids, out of the
 *   pending range and deletes the pending rows. While a poll is open, a ballot's place
 *   tells at most which batch it was written with (and, for the fewer than `shuffleBatch`
 *   still pending, their order among themselves).
 * - The transaction that closes the poll moves every ballot of the election to the
 *   pending range and copies them all back the same way, so a closed poll's ballots keep
 *   nothing of the order of voting.
 *
 * A deleted row's bytes stay in the file's free space unless SQLite's `secure_delete` is
 * on. On the embedded database these transactions switch it on, so no earlier copy
 * survives. Over the remote protocol it cannot be switched on (sqld refuses PRAGMAs with
 * arguments), so only plain SQL is sent there; the README says what remains.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";

const b = schema.ballots;

/** Ballots written together in one shuffled batch while a poll is open. */
export const shuffleBatch = 32;

const pendingPrefix = "pending:";
/** Every pending id lies in [pendingPrefix, pendingEnd): ';' follows ':'. */
const pendingEnd = "pending;";

/** The id of a ballot as it is cast: in the pending range, until its batch is shuffled. */
export const pendingBallotId = () => `${pendingPrefix}${crypto.randomUUID()}`;

const pendingOf = (electionId: string) => sql`election_id = ${electionId} AND id >= ${pendingPrefix} AND id < ${pendingEnd}`;

/** A fresh random UUIDv4, drawn by the database for each row (so a copy's id is never chosen before it is written). */
const randomUuidSql = sql.raw(
  `lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' ||
   substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))`,
);

/**
 * Copies the election's pending ballots, in random order and under fresh ids, out of the
 * pending range, then deletes the pending rows; only `when` holds (evaluated before the copy,
 * and unchanged by it, since the copies are not pending).
 */
function shufflePending(db: Db, electionId: string, when: SQL) {
  return [
    db.run(sql`INSERT INTO ${b} (election_id, id, ranking, weight, receipt_hash, source, batch_id)
      SELECT election_id, ${randomUuidSql}, ranking, weight, receipt_hash, source, batch_id FROM ${b}
      WHERE ${pendingOf(electionId)} AND ${when}
      ORDER BY random()`),
    db.run(sql`DELETE FROM ${b} WHERE ${pendingOf(electionId)} AND ${when}`),
  ] as const;
}

/**
 * Local files only, first in a batch that deletes ballots: deleted cells and freed pages are
 * overwritten with zeros. (A connection setting; sqld refuses it, so it is never sent there.)
 */
export function clearFreedSpace(db: Db) {
  return db.$client.protocol === "file" ? [db.run(sql.raw("PRAGMA secure_delete = ON"))] : [];
}

/** Statements for the end of the cast's batch: shuffle the pending ballots out once a batch is full. */
export function shuffleIfFull(db: Db, electionId: string) {
  const full = sql`(SELECT count(*) FROM ${b} WHERE ${pendingOf(electionId)}) >= ${shuffleBatch}`;
  return shufflePending(db, electionId, full);
}

/**
 * Statements for the batch that closes a poll, after the status change; `closed` is true
 * only if that change was made. Every ballot of the election is moved to the pending range
 * and copied back in random order under fresh ids.
 */
export function sealBallots(db: Db, electionId: string, closed: SQL) {
  return [
    ...clearFreedSpace(db),
    db.run(sql`UPDATE ${b} SET id = ${pendingPrefix} || ${randomUuidSql}
      WHERE election_id = ${electionId} AND id < ${pendingPrefix} AND ${closed}`),
    ...shufflePending(db, electionId, closed),
  ] as const;
}

/**
 * After a poll is sealed, on a local file in WAL mode: copies the log into the file and
 * empties it, so the log no longer holds the pages as they were before. Best effort: while
 * another connection reads, the log is kept and emptied by a later checkpoint.
 */
export async function truncateLocalLog(db: Db) {
  if (db.$client.protocol !== "file") return;
  try {
    await db.run(sql.raw("PRAGMA wal_checkpoint(TRUNCATE)"));
  } catch {
    // The poll is closed and sealed already; a later checkpoint empties the log.
  }
}
