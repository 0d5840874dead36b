import type { Client } from "@libsql/client";
import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "./index.ts";

/** How a client runs a long read away from the event loop, when it can (see src/db/embedded.ts). */
type LongRead = (sql: string, args: unknown[]) => Promise<{ columns: string[]; rows: unknown[][] }>;

const readers = new WeakMap<Client, LongRead>();
const dialect = new SQLiteAsyncDialect();

/** Registered by the embedded client, whose long reads run on a thread; other clients have none. */
export function serveLongReads(client: Client, read: LongRead): void {
  readers.set(client, read);
}

/**
 * A long read (a report over a year), as `db.all` returns it: rows as objects by column name.
 * On the embedded file it runs on a thread of its own, seeing the latest commit, while the
 * event loop serves other requests; elsewhere (the Worker, inside a transaction) in line.
 */
export async function allLong<Row>(db: Db, query: SQL): Promise<Row[]> {
  const read = readers.get(db.$client);
  if (read === undefined) return db.all<Row>(query);
  const { sql, params } = dialect.sqlToQuery(query);
  const { columns, rows } = await read(sql, params);
  return rows.map((values) => Object.fromEntries(columns.map((name, index) => [name, values[index]])) as Row);
}

/**
 * A read that is long over a whole organisation and quick over a part of it (one group):
 * a long read when `long`, in line otherwise, where a hop to the thread, and a wait there
 * behind another long read, would cost more than the read itself.
 */
export function allLongIf<Row>(long: boolean, db: Db, query: SQL): Promise<Row[]> {
  return long ? allLong<Row>(db, query) : db.all<Row>(query);
}
