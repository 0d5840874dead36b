/**
 * Rows inserted from one JSON parameter (insertJsonRows in src/db/sql.ts) read back exactly as
 * Drizzle's own INSERT writes them: texts that look like numbers stay texts, booleans become
 * 1 and 0, nulls stay null, and a computed column reads the row's other keys.
 */
import { sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { openEmbedded } from "../../src/db/embedded.ts";
import { createDb } from "../../src/db/index.ts";
import { insertJsonRows, jsonField } from "../../src/db/sql.ts";

const people = sqliteTable("people", {
  id: text("id").primaryKey(),
  phone: text("phone"),
  name: text("name").notNull(),
  consent: integer("consent", { mode: "boolean" }).notNull(),
  birthYear: integer("birth_year"),
  label: text("label"),
});

describe("inserting rows from JSON", () => {
  it("stores each value as a multi-row INSERT would", async () => {
    const client = await openEmbedded(":memory:");
    await client.execute(
      "CREATE TABLE people (id TEXT PRIMARY KEY, phone TEXT, name TEXT NOT NULL, consent INTEGER NOT NULL, birth_year INTEGER, label TEXT)",
    );
    const db = createDb(client);
    const rows = [
      { id: "a", phone: "0701234567", name: `Åsa "O'Brien" \\ 🌻`, consent: true, birthYear: 1987, label: null },
      { id: "b", phone: null, name: "1e3", consent: false, birthYear: null, label: null },
    ];
    await db.batch([insertJsonRows(db, people, rows, { label: sql`${jsonField("name")} || '/' || ${jsonField("extra")}` })]);
    const stored = await db.select().from(people).orderBy(people.id);
    expect(stored).toEqual([
      { ...rows[0], label: null },
      { ...rows[1], label: null },
    ]);
    await db.batch([
      insertJsonRows(db, people, [{ id: "c", phone: null, name: "Bo", consent: true, birthYear: null, extra: "x" }], {
        label: sql`${jsonField("name")} || '/' || ${jsonField("extra")}`,
      }),
    ]);
    const raw = await client.execute(
      "SELECT id, typeof(phone) AS phone, typeof(name) AS name, consent, birth_year, label FROM people ORDER BY id",
    );
    expect(raw.rows.map((row) => ({ ...row }))).toEqual([
      { id: "a", phone: "text", name: "text", consent: 1, birth_year: 1987, label: null },
      { id: "b", phone: "null", name: "text", consent: 0, birth_year: null, label: null },
      { id: "c", phone: "null", name: "text", consent: 1, birth_year: null, label: "Bo/x" },
    ]);
    client.close();
  });

  it("refuses rows that leave a column out, which would be stored as NULL rather than its default", async () => {
    const client = await openEmbedded(":memory:");
    const db = createDb(client);
    expect(() => insertJsonRows(db, people, [{ id: "d", name: "Di", consent: true }])).toThrow(/phone, birthYear, label/);
    client.close();
  });
});
