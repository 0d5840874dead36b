/**
 * Rows read with a shape worked out once (src/db/rows.ts), through one JSON array per row,
 * are the rows drizzle itself makes of the plain columns: booleans, nulls, integers, text
 * that needs escaping or looks like JSON, and computed columns alike, on the read connection
 * and inside a transaction. A query built once with a place for a condition given per run
 * reads what drizzle's whole query with that condition reads, and rows of another table
 * nested in each row read as drizzle reads them in their own table. A query's rows come in
 * its own order, however many (they are read as one text), and a query of none reads none.
 */
import { and, asc, eq, getTableColumns, gt, like, or, sql } from "drizzle-orm";
import { QueryBuilder, SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { clientInTransaction } from "../../src/db/in-transaction.ts";
import { createDb, schema } from "../../src/db/index.ts";
import { allRows, conditionSlot, nestedRows, rowShape, withCondition } from "../../src/db/rows.ts";
import { testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership } from "../helpers/members.ts";

const m = schema.members;
const selection = {
  ...getTableColumns(m),
  initial: sql<string>`substr(${m.name}, 1, 1)`,
  flagged: sql<boolean>`${m.enrolled}`.mapWith(Boolean),
};
const shape = rowShape<Record<string, unknown>>(selection);

describe("rows of a shape worked out once", () => {
  it("equal drizzle's own, on the read connection and in a transaction", async () => {
    const t = await testApp();
    await createMember(t, { name: "Anna Berg", consents: { newsletters: false, meetingSummons: true, campaignNews: false } });
    await createMember(t, { name: "Bo", phone: "+46 70 123 45 67", email: null });
    await createMember(t, { name: 'Çelik "Ö" \\ 🌍\u2028 [1,2]', street: '{"a": 1}\n\ttab', city: "null" });
    const plain = (db: typeof t.db) => db.select(selection).from(m).where(eq(m.enrolled, true)).orderBy(asc(m.nameKey));
    const query = (db: typeof t.db) => db.select(shape.selection).from(m).where(eq(m.enrolled, true)).orderBy(asc(m.nameKey));
    const expected = await plain(t.db);
    expect(expected).toHaveLength(3);
    expect(expected[2]?.street).toBe('{"a": 1}\n\ttab');
    expect(await allRows(t.db, query(t.db), shape)).toEqual(expected);
    const transaction = await t.database.client.transaction("read");
    try {
      const db = createDb(clientInTransaction(transaction, "file"));
      expect(await allRows(db, query(db), shape)).toEqual(expected);
    } finally {
      transaction.close();
    }
  });

  it("take a condition given per run where the query built once left its place, with its values among the query's", async () => {
    const t = await testApp();
    for (const name of ["Anna", "Anders", "Bo", "Britt", "Cecilia"])
      await createMember(t, { name, city: name.length > 3 ? "Lund" : "Malmö" });
    const value = (name: string) => sql.placeholder(name);
    const built = new QueryBuilder()
      .select(shape.selection)
      .from(m)
      .where(and(eq(m.enrolled, value("enrolled")), conditionSlot, gt(m.name, value("after"))))
      .orderBy(asc(m.nameKey))
      .limit(value("limit"))
      .toSQL();
    const values = { enrolled: true, after: "Anders", limit: 10 };
    const names = async (condition?: Parameters<typeof withCondition>[1]) =>
      (await allRows(t.db, withCondition(built, condition), shape, values)).map((row) => row.name);
    const plainNames = async (condition?: Parameters<typeof withCondition>[1]) =>
      (
        await t.db
          .select(selection)
          .from(m)
          .where(and(eq(m.enrolled, true), condition, gt(m.name, "Anders")))
          .orderBy(asc(m.nameKey))
          .limit(10)
      ).map((row) => row.name);
    const conditions = [undefined, eq(m.city, "Lund"), or(like(m.name, "B%"), and(eq(m.city, "Lund"), like(m.name, "%ia")))];
    const expected = [
      ["Anna", "Bo", "Britt", "Cecilia"],
      ["Anna", "Britt", "Cecilia"],
      ["Bo", "Britt", "Cecilia"],
    ];
    for (const [index, condition] of conditions.entries()) {
      expect(await plainNames(condition)).toEqual(expected[index]);
      expect(await names(condition)).toEqual(expected[index]);
    }
  });

  it("carry the rows of another table as one field of each row, as drizzle reads them there", async () => {
    const t = await testApp();
    const type = await createMembershipType(t);
    const none = await createMember(t, { name: "Ada" });
    const one = await createMember(t, { name: "Bea" });
    const two = await createMember(t, { name: "Cai" });
    await giveMembership(t, one, type, "2026-01-01");
    await giveMembership(t, two, type, "2025-01-01");
    await giveMembership(t, two, type, "2026-01-01");
    const ms = schema.memberships;
    const periodShape = rowShape<typeof ms.$inferSelect>(getTableColumns(ms));
    const withPeriods = rowShape<{ id: string; periods: (typeof ms.$inferSelect)[] }>({
      id: m.id,
      periods: nestedRows(periodShape, sql`FROM ${ms} WHERE ${ms.memberId} = ${m.id}`),
    });
    // The nested rows come in no promised order: compared by their start.
    const rows = (await allRows(t.db, t.db.select(withPeriods.selection).from(m).orderBy(asc(m.nameKey)), withPeriods)).map((row) => ({
      ...row,
      periods: row.periods.sort((a, b) => a.startsOn.localeCompare(b.startsOn)),
    }));
    const own = (id: string) => t.db.select().from(ms).where(eq(ms.memberId, id)).orderBy(asc(ms.startsOn));
    expect(rows).toEqual([
      { id: none, periods: [] },
      { id: one, periods: await own(one) },
      { id: two, periods: await own(two) },
    ]);
    expect(rows[2]?.periods).toHaveLength(2);
  });

  it("come in the query's order, however many, and none come of a query that finds none", async () => {
    const t = await testApp();
    const numbered = rowShape<{ n: number; label: string }>({ n: sql<number>`n`, label: sql<string>`label` });
    const count = 5000;
    // An order that is neither the numbers' nor the one they are made in.
    const query = new SQLiteAsyncDialect().sqlToQuery(
      sql`WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count})
        SELECT ${numbered.json} AS row FROM (SELECT n, 'n' || n AS label FROM seq WHERE n <= ${sql.placeholder("upTo")})
        ORDER BY (n * 7919) % ${count} DESC, n`,
    );
    const expected = Array.from({ length: count }, (_, index) => index + 1)
      .sort((a, b) => ((b * 7919) % count) - ((a * 7919) % count) || a - b)
      .map((n) => ({ n, label: `n${n}` }));
    expect(await allRows(t.db, query, numbered, { upTo: count })).toEqual(expected);
    expect(await allRows(t.db, query, numbered, { upTo: 0 })).toEqual([]);
  });
});
