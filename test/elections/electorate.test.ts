import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { createActiveMember, createMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";
import { announce, base, createElection, day, stand, vote } from "./helpers.ts";

describe("the electorate is fixed from memberships on the cut-off day", () => {
  it("lets in everyone current or in grace on the cut-off day, and no one who joined later", async () => {
    const t = await testApp();
    // Cut-off today (2026-11-21); voting opens on day 3.
    const election = await createElection(t);
    await announce(t, election.id);
    const candidate = await stand(t, election.id, await createActiveMember(t));

    const current = await createActiveMember(t);
    // A one-month period ending on the cut-off day, no grace: current then, lapsed when voting opens.
    const monthly = await createMembershipType(t, { period: { type: "rolling", months: 1 }, graceDays: 0 });
    const lapsesAfterCutoff = await createMember(t);
    await giveMembership(t, lapsesAfterCutoff, monthly, "2026-10-22");
    // A calendar-year membership of 2025 with 30 days' grace: long lapsed by the cut-off.
    const yearly = await createMembershipType(t);
    const lapsedBefore = await createMember(t);
    await giveMembership(t, lapsedBefore, yearly, "2025-01-01");
    // Ended a week ago with 30 days' grace: in grace on the cut-off day.
    const shortType = await createMembershipType(t, { period: { type: "rolling", months: 1 }, graceDays: 30 });
    const inGrace = await createMember(t);
    await giveMembership(t, inGrace, shortType, "2026-10-14");
    const supporting = await createMember(t);
    await giveMembership(t, supporting, await createMembershipType(t, { kind: "supporting" }));
    const noMembership = await createMember(t);

    // Someone who joins after the cut-off, before voting opens.
    t.clock.advance(day);
    const joinedLate = await createActiveMember(t);

    t.clock.set(election.voting.opensAt);
    const voteFor = (member: string) => vote(t, election.id, member, [candidate]);
    expect((await voteFor(current)).status).toBe(201);
    expect((await voteFor(lapsesAfterCutoff)).status).toBe(201);
    expect((await voteFor(inGrace)).status).toBe(201);

    const refusals: [string, string][] = [
      [lapsedBefore, "membership_lapsed"],
      [supporting, "membership_not_active_kind"],
      [noMembership, "membership_none"],
      [joinedLate, "membership_none"],
    ];
    for (const [member, reason] of refusals) {
      const response = await voteFor(member);
      expect(response.status, reason).toBe(409);
      const problem = await problemOf(response);
      expect(problem, reason).toMatchObject({ reason });
      expect(problem.detail).toContain("2026-11-21");
    }
    const stored = await t.database.client.execute({ sql: "SELECT count(*) AS n FROM ballots WHERE election_id = ?", args: [election.id] });
    expect(Number(stored.rows[0]?.n)).toBe(3);
  });

  it("limits a group's election to the group's members on the cut-off day", async () => {
    const t = await testApp();
    const group = await json<{ id: string }>(
      await t.request("POST", `${base(t)}/groups`, { body: { name: "Lokalgruppen", kind: "local" } }),
      201,
    );
    const inside = await createActiveMember(t);
    const outside = await createActiveMember(t);
    await json(await t.request("POST", `${base(t)}/groups/${group.id}/members`, { body: { memberId: inside } }), 201);
    const election = await createElection(t, {
      electorate: { groupId: group.id, cutoffOn: t.clock.now().toISOString().slice(0, 10) },
    });
    await announce(t, election.id);
    const candidate = await stand(t, election.id, inside);
    t.clock.set(election.voting.opensAt);
    expect((await vote(t, election.id, inside, [candidate])).status).toBe(201);
    const refused = await vote(t, election.id, outside, [candidate]);
    expect(refused.status).toBe(409);
    expect(await problemOf(refused)).toMatchObject({ reason: "outside_scope" });
  });

  it("tells a member whether they are in the electorate", async () => {
    const t = await testApp();
    const election = await createElection(t);
    await announce(t, election.id);
    await stand(t, election.id, await createActiveMember(t));
    const member = await createMember(t);
    const before = await json<{ inElectorate: boolean; reason: string }>(
      await t.request("GET", `${base(t)}/elections/${election.id}/voter`, { key: await memberToken(t, member) }),
      200,
    );
    expect(before.inElectorate).toBe(false);
    expect(before.reason).toContain("fixed when voting opens");
    t.clock.set(election.voting.opensAt);
    const after = await json<{ inElectorate: boolean; hasVoted: boolean; reason: string }>(
      await t.request("GET", `${base(t)}/elections/${election.id}/voter`, { key: await memberToken(t, member) }),
      200,
    );
    expect(after).toMatchObject({ inElectorate: false, hasVoted: false });
    expect(after.reason).toContain("no membership");
  });
});
