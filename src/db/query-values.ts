import type { Client, InStatement } from "@libsql/client";

/** How a client with a read connection of its own hands out a query's values (see src/db/embedded.ts). */
type ValuesOf = (stmt: Exclude<InStatement, string>) => Promise<unknown[][]> | undefined;

const sources = new WeakMap<Client, ValuesOf>();

/** Registered by the embedded client; other clients (the Worker's, transactions) have none. */
export function serveQueryValues(client: Client, valuesOf: ValuesOf): void {
  sources.set(client, valuesOf);
}

/**
 * A query's rows as arrays of values in column order, when `client` can hand them out
 * without making row objects; undefined otherwise, and the caller executes as usual.
 */
export function queryValues(client: Client, stmt: Exclude<InStatement, string>): Promise<unknown[][]> | undefined {
  return sources.get(client)?.(stmt);
}

/** From now on, `client` answers every query through `execute` (for whoever watches its statements there). */
export function stopServingQueryValues(client: Client): void {
  sources.delete(client);
}
