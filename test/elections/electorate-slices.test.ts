import type { InArgs } from "@libsql/client";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, schema } from "../../src/db/index.ts";
import { memberSlices } from "../../src/elections/electorate.ts";
import { testApp } from "../helpers/app.ts";
import { createActiveMember, createMembershipType } from "../helpers/members.ts";
import { announce, base, createElection, type ElectionBody, stand } from "./helpers.ts";

/**
 * An organisation's electorate, and the calls to it, are written in slices of its members in
 * name order (long batches that give way to other requests between them). However the names
 * fall across the slices' bounds, every member in standing is in it once, and nobody else.
 */
describe("an electorate of more members than one slice holds", () => {
  it("holds every member in standing once, names shared across the slices' bounds included", async () => {
    const t = await testApp();
    await createMembershipType(t, { name: "Voting member" });
    const inStanding = 12_001;
    const without = 500;
    // Seven names for all: many people share a name key across every bound.
    const rows = Array.from({ length: inStanding + without }, (_, i) =>
      i < inStanding ? `Person ${i % 7},p${i}@example.org,Voting member,2026-01-01` : `Person ${i % 7},p${i}@example.org,,`,
    );
    const imported = await t.request("POST", `${base(t)}/members/import`, {
      body: `name,email,membership_type,membership_starts_on\r\n${rows.join("\r\n")}\r\n`,
      headers: { "Content-Type": "text/csv" },
    });
    expect(imported.status, await imported.clone().text()).toBe(200);

    const election = await createElection(t);
    await announce(t, election.id);
    await stand(t, election.id, await createActiveMember(t));
    t.clock.advance(60 * 60 * 1000);
    const opened = await t.request("POST", `${base(t)}/elections/${election.id}/transitions`, { body: { to: "voting" } });
    expect(((await opened.json()) as ElectionBody).status).toBe("voting");

    const voters = await t.database.client.execute({
      sql: `SELECT count(*) AS n, count(DISTINCT member_id) AS distinct_members,
              sum(member_id IN (SELECT member_id FROM memberships)) AS with_membership
            FROM election_voters WHERE election_id = ?`,
      args: [election.id],
    });
    // The imported members in standing and the candidate; none of those without a membership.
    expect(voters.rows[0]).toMatchObject({ n: inStanding + 1, distinct_members: inStanding + 1, with_membership: inStanding + 1 });

    // Each call went to its electorate once, written a slice at a time too: nominations to
    // those in standing when announced, voting to the electorate written when it opened.
    const calls = await t.database.client.execute({
      sql: `SELECT m.source_key AS call, count(*) AS n, count(DISTINCT d.member_id) AS distinct_members,
              sum(d.member_id IN (SELECT member_id FROM election_voters WHERE election_id = ?)) AS in_electorate
            FROM mailing_deliveries d JOIN mailings m ON m.id = d.mailing_id WHERE m.source_key LIKE ? GROUP BY m.source_key ORDER BY 1`,
      args: [election.id, `election_call:${election.id}:%`],
    });
    expect(calls.rows.map((row) => ({ ...row }))).toEqual([
      { call: `election_call:${election.id}:nominations_open`, n: inStanding, distinct_members: inStanding, in_electorate: inStanding },
      {
        call: `election_call:${election.id}:voting_open`,
        n: inStanding + 1,
        distinct_members: inStanding + 1,
        in_electorate: inStanding + 1,
      },
    ]);

    // Last, as EXPLAIN leaves the client's connection on its snapshot. Each slice of the middle is one range of the name index, bounded on both sides: a slice
    // that read on to the end of the index would cost the organisation, every slice again.
    const orgId = String((await t.database.client.execute("SELECT id FROM organisations WHERE slug = 'demo'")).rows[0]?.id);
    const slices = await memberSlices(t.db, orgId);
    expect(slices).toHaveLength(Math.ceil((inStanding + without) / 1000));
    // A remote database (Turso, from the Worker) takes it all in one statement: no bounds, no extra round trips.
    const remote = new Proxy(t.database.client, {
      get: (target, property, receiver) => (property === "protocol" ? "https" : Reflect.get(target, property, receiver)),
    });
    expect(await memberSlices(createDb(remote), orgId)).toEqual([undefined]);
    const m = schema.members;
    const middle = t.db
      .select({ id: m.id })
      .from(m)
      .where(and(eq(m.orgId, orgId), slices[3]))
      .toSQL();
    const plan = await t.database.client.execute({ sql: `EXPLAIN QUERY PLAN ${middle.sql}`, args: middle.params as InArgs });
    expect(plan.rows.map((row) => row.detail)).toEqual([
      "SEARCH members USING COVERING INDEX members_org_name_idx (org_id=? AND (name_key,id)>(?,?) AND (name_key,id)<(?,?))",
    ]);
  }, 120_000);
});
