/**
 * Rows read with a shape worked out once (src/db/rows.ts), through one JSON array per row,
 * are the rows drizzle itself makes of the plain columns: booleans, nulls, integers, text
 * that needs escaping or looks like JSON, and computed columns alike, on the read connection
 * and inside a transaction.
 */
import { asc, eq, getTableColumns, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { clientInTransaction } from "../../src/db/in-transaction.ts";
import { createDb, schema } from "../../src/db/index.ts";
import { allRows, rowShape } from "../../src/db/rows.ts";
import { testApp } from "../helpers/app.ts";
import { createMember } from "../helpers/members.ts";

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
});
