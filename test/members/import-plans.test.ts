import { describe, expect, it } from "vitest";
import { refreshPlannerStatistics } from "../../src/db/statistics.ts";
import { newId } from "../../src/lib/ids.ts";
import { json, type TestApp, testApp } from "../helpers/app.ts";
import { insertInChunks } from "../helpers/rows.ts";
import { recordStatements } from "../helpers/statements.ts";

/**
 * The import matches its rows against the organisation in look-ups of a few hundred keys each.
 * On the embedded database every look-up holds the event loop while it runs, so each must go
 * straight to the keys it asks for: a look-up that walks the organisation's members costs every
 * tenant of the deployment a pause, a few hundred times over for a large file.
 */

const memberCount = 3000;
const at = "2026-11-21T08:00:00.000Z";

/** The SELECTs the app sends from now on, with their arguments. */
const recordSelects = (t: TestApp) => recordStatements(t, (sql) => /^\s*select/i.test(sql));

describe("CSV import: look-ups", () => {
  it("find members by number and e-mail through their indexes, never by walking the organisation", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = String((await client.execute("SELECT id FROM organisations WHERE slug = 'demo'")).rows[0]?.id);
    const rows = Array.from({ length: memberCount }, (_, i) => {
      const name = `Person ${i}`;
      const email = `person.${i}@example.org`;
      return [newId(), orgId, String(i + 1), name, name.toLowerCase(), email, email, at, at];
    });
    const columns = ["id", "org_id", "member_number", "name", "name_key", "email", "email_key", "created_at", "updated_at"];
    await insertInChunks(client, "members", columns, rows);
    // As the daily job leaves them: with statistics, the planner weighs an index of (org, enrolled) against the keys.
    await refreshPlannerStatistics(t.db);

    const lines = ["member_number,name,email"];
    for (let i = 0; i < 600; i++) lines.push(`${i + 1},Person ${i},person.${i}@example.org`);
    for (let i = 0; i < 50; i++) lines.push(`${memberCount + 100 + i},Newcomer ${i},newcomer.${i}@example.org`);
    const selects = recordSelects(t);
    const response = await t.request("POST", "/v1/orgs/demo/members/import?dryRun=true", {
      body: `${lines.join("\r\n")}\r\n`,
      headers: { "Content-Type": "text/csv" },
    });
    expect(await json(response, 200)).toMatchObject({ created: 50, unchanged: 600 });

    const lookups = selects.filter((s) => /from "members"/.test(s.sql) && /"member_number" in|"email_key" in/.test(s.sql));
    // Two chunks of numbers and two of e-mail addresses.
    expect(lookups).toHaveLength(4);
    for (const lookup of lookups) {
      const plan = await client.execute({ sql: `EXPLAIN QUERY PLAN ${lookup.sql}`, args: lookup.args });
      const details = plan.rows.map((row) => String(row.detail));
      const key = /"member_number" in/.test(lookup.sql) ? "member_number=?" : "email_key=?";
      expect(details.join("\n")).toContain(key);
    }
  });
});
