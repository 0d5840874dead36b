/**
 * Long reads (src/db/long-reads.ts) on the embedded file run on a thread: the event loop goes
 * on serving while one runs, the rows are those `db.all` would give, every commit before the
 * read is seen, and a failing read fails as the database's error.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/index.ts";
import { allLong } from "../../src/db/long-reads.ts";
import { freshDatabase } from "../helpers/database.ts";
import { turnsWhile } from "../helpers/event-loop.ts";

describe("long reads", () => {
  it("run off the event loop and answer as db.all does, up to the latest commit", async () => {
    const database = await freshDatabase();
    const db = createDb(database.client);
    await database.client.execute("CREATE TABLE t (x INTEGER, label TEXT)");
    await database.client.execute("INSERT INTO t VALUES (1, 'one'), (2, NULL), (3, 'three')");
    const query = sql`SELECT x, label, x * 2 AS twice FROM t ORDER BY x`;
    expect(await allLong(db, query)).toEqual(await db.all(query));
    await database.client.execute("INSERT INTO t VALUES (4, 'four')");
    expect(await allLong<{ x: number }>(db, query)).toHaveLength(4);

    // A read of some hundreds of milliseconds: the loop turns many times meanwhile.
    const { result, turns } = await turnsWhile(() =>
      allLong<{ n: number }>(
        db,
        sql`WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 3000000) SELECT count(*) AS n FROM s`,
      ),
    );
    expect(result[0]?.n).toBe(3_000_000);
    expect(turns).toBeGreaterThan(20);
    database.close();
  });

  it("fail as the database's error, and the next read still answers", async () => {
    const database = await freshDatabase();
    const db = createDb(database.client);
    await expect(allLong(db, sql`SELECT * FROM no_such_table`)).rejects.toMatchObject({ code: "SQLITE_ERROR" });
    await expect(allLong(db, sql`DELETE FROM members`)).rejects.toThrow();
    expect(await allLong(db, sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    database.close();
  });
});
