import type { Client } from "@libsql/client";
// The HTTP entry only wraps the client it is given; it works the same over the embedded file client.
import { drizzle } from "drizzle-orm/libsql/http";
import * as schema from "../../drizzle/schema.ts";

/**
 * The one database handle the app uses. It is built from a libSQL client that the
 * entry point chooses: the embedded file client on Node, the HTTP client on Workers.
 */
export function createDb(client: Client) {
  return drizzle(client, { schema });
}

export type Db = ReturnType<typeof createDb>;
export { schema };
