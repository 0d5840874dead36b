import { describe, expect, it } from "vitest";
import { json, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, createMember, createMembershipType, giveMembership } from "../helpers/members.ts";
import { deliveryCounts, tick } from "../mailings/helpers.ts";
import { createMeeting } from "../meetings/helpers.ts";
import { announce, base, createElection, createPosition, type ElectionBody, votingElection } from "./helpers.ts";

interface MailingList {
  data: {
    id: string;
    kind: string;
    subject: string;
    resolvedSubject: string;
    status: string;
    about: { type: string; id: string } | null;
  }[];
}

async function electionCalls(t: TestApp) {
  const list = await json<MailingList>(await t.request("GET", `${base(t)}/mailings?kind=election_call`), 200);
  return list.data;
}

/** The member ids a mailing was addressed to (mailed or not). */
async function recipientsOf(t: TestApp, mailingId: string) {
  const rows = await t.database.client.execute({ sql: "SELECT member_id FROM mailing_deliveries WHERE mailing_id = ?", args: [mailingId] });
  return rows.rows.map((row) => String(row.member_id)).sort();
}

/** An active member, a supporting member and a contact never enrolled. */
async function mixedPeople(t: TestApp) {
  const active = await createActiveMember(t);
  const supporting = await createMember(t);
  await giveMembership(t, supporting, await createMembershipType(t, { kind: "supporting" }));
  const contact = await createMember(t);
  return { active, supporting, contact };
}

describe("election calls", () => {
  it("queues one call when nominations open, and one when voting opens", async () => {
    const t = await testApp();
    await createActiveMember(t);
    const election = await createElection(t);
    expect(await electionCalls(t)).toHaveLength(0);
    await announce(t, election.id);
    expect(await electionCalls(t)).toHaveLength(1);
    // Reading the election again does not queue the call again.
    await t.request("GET", `${base(t)}/elections/${election.id}`);
    expect(await electionCalls(t)).toHaveLength(1);
  });

  it("queues the voting call when the clock opens voting", async () => {
    const t = await testApp();
    await createActiveMember(t);
    await votingElection(t, { candidates: 3, voters: 2 });
    const calls = await electionCalls(t);
    expect(calls).toHaveLength(2);
  });

  it("calls only the electorate: neither supporting members nor contacts, when nominations open or when voting opens", async () => {
    const t = await testApp();
    const { active, supporting, contact } = await mixedPeople(t);
    const { election } = await votingElection(t, { candidates: 2, voters: 1 });
    const calls = await electionCalls(t);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      const recipients = await recipientsOf(t, call.id);
      expect(recipients).toContain(active);
      expect(recipients).not.toContain(supporting);
      expect(recipients).not.toContain(contact);
    }
    // The voting call goes to exactly the electorate written when voting opened.
    const written = await t.database.client.execute({
      sql: "SELECT member_id FROM election_voters WHERE election_id = ?",
      args: [election.id],
    });
    const votingCall = calls.find((c) => c.resolvedSubject.endsWith("röstningen är öppen"));
    expect(await recipientsOf(t, votingCall?.id as string)).toEqual(written.rows.map((row) => String(row.member_id)).sort());
  });

  it("sends one call for all the elections of a member meeting, to those who may vote there", async () => {
    const t = await testApp();
    const { active, supporting } = await mixedPeople(t);
    const meeting = await createMeeting(t);
    const elect = async (title: string) => {
      const election = await json<ElectionBody>(
        await t.request("POST", `${base(t)}/elections`, {
          body: {
            positionId: await createPosition(t, { title, seats: 1 }),
            method: "plurality",
            electorate: { source: "meeting", eventId: meeting.id },
            nomination: { opensAt: t.clock.now().toISOString(), closesAt: "2026-11-21T16:00:00.000Z" },
          },
        }),
        201,
      );
      await announce(t, election.id);
      return election;
    };
    await elect("Chair");
    await elect("Board");
    await elect("Auditors");
    const calls = await electionCalls(t);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.resolvedSubject).toBe("Annual meeting: Chair, Board, Auditors: nomineringen är öppen");
    expect(call?.about).toMatchObject({ type: "event", id: meeting.id });
    expect(await recipientsOf(t, call?.id as string)).toEqual([active]);
    expect(await recipientsOf(t, call?.id as string)).not.toContain(supporting);

    await tick(t, t.clock.now().toISOString());
    expect(await deliveryCounts(t, call?.id as string)).toEqual({ sent: 1 });
    // Announced once the call went out: no second call (the meeting's notice lists it).
    await elect("Nominating committee");
    expect(await electionCalls(t)).toHaveLength(1);
  });
});
