import type { Db } from "./index.ts";

/**
 * A query built once per database handle, then run with the values of its placeholders
 * (`sql.placeholder("id")`). Drizzle builds a query's SQL text anew each time it runs, and for
 * the API's hottest reads (one member with today's status) that cost more than running it. On
 * Node the handle lives as long as the process, so the query is built once; on Workers a handle
 * lasts one invocation, which builds it once there.
 */
export function preparedQuery<Prepared>(build: (db: Db) => Prepared): (db: Db) => Prepared {
  const built = new WeakMap<Db, Prepared>();
  return (db) => {
    let prepared = built.get(db);
    if (prepared === undefined) {
      prepared = build(db);
      built.set(db, prepared);
    }
    return prepared;
  };
}
