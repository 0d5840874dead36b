import { describe, expect, it } from "vitest";
import { announce, base, createPosition, type ElectionBody, stand, vote } from "../elections/helpers.ts";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { memberToken } from "../helpers/members.ts";
import { activeMembers, checkInAll, createMeeting, meetingPath } from "./helpers.ts";

interface Progress {
  status: string;
  electorate: number;
  voted: number;
  paperBallots: number;
}

/** An election of the meeting's register: nominations from now for two hours, no voting times. */
async function meetingElection(t: TestApp, eventId: string, fields: Record<string, unknown> = {}) {
  const at = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
  return json<ElectionBody>(
    await t.request("POST", `${base(t)}/elections`, {
      body: {
        positionId: await createPosition(t, { seats: 1 }),
        method: "plurality",
        electorate: { source: "meeting", eventId },
        nomination: { opensAt: at(0), closesAt: at(2 * 3_600_000) },
        ...fields,
      },
    }),
    201,
  );
}

const poll = (t: TestApp, id: string, action: "open" | "close") => t.request("POST", `${base(t)}/elections/${id}/poll/${action}`);
const progressOf = async (t: TestApp, id: string) => json<Progress>(await t.request("GET", `${base(t)}/elections/${id}/poll`), 200);

/** A meeting with `n` present members and the register fixed; the clock at the meeting. */
async function meetingWithRegister(t: TestApp, n: number) {
  const meeting = await createMeeting(t);
  const people = await activeMembers(t, n);
  await checkInAll(
    t,
    meeting.id,
    people.map((p) => p.id),
  );
  await json(await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { body: {} }), 201);
  return { meeting, ids: people.map((p) => p.id) };
}

describe("a poll at the member meeting", () => {
  it("takes its electorate from the register when the chair opens it; later adjustments reach later polls only", async () => {
    const t = await testApp();
    const { meeting, ids } = await meetingWithRegister(t, 5);
    const first = await meetingElection(t, meeting.id);
    const second = await meetingElection(t, meeting.id);
    expect(first).toMatchObject({
      electorate: { source: "meeting", eventId: meeting.id, cutoffOn: "2026-11-21" },
      voting: { opensAt: null },
    });
    for (const e of [first, second]) await announce(t, e.id);
    const candidates = [await stand(t, first.id, ids[0] as string), await stand(t, first.id, ids[1] as string)];
    const secondCandidates = [await stand(t, second.id, ids[0] as string), await stand(t, second.id, ids[1] as string)];
    t.clock.set("2026-11-21T17:30:00.000Z");

    const early = await problemOf(await vote(t, first.id, ids[2] as string, [candidates[0]]));
    expect(early).toMatchObject({ status: 409, reason: "voting_not_open" });
    expect(early.detail).toContain("the chair opens the poll");
    const opened = await json<ElectionBody>(await poll(t, first.id, "open"), 200);
    expect(opened).toMatchObject({ status: "voting", voting: { opensAt: "2026-11-21T17:30:00.000Z", closesAt: null } });
    expect(await progressOf(t, first.id)).toMatchObject({ electorate: 5, voted: 0 });
    const again = await poll(t, first.id, "open");
    expect(await problemOf(again)).toMatchObject({ status: 409, reason: "poll_open" });

    // A late arrival joins the register and someone leaves, while the first poll is open.
    const [late] = await activeMembers(t, 1);
    await checkInAll(t, meeting.id, [late?.id as string]);
    const adjust = (memberId: string, change: string) =>
      t.request("POST", meetingPath(t, meeting.id, "voting-register/changes"), { body: { memberId, change } });
    await json(await adjust(late?.id as string, "add"), 201);
    await json(await adjust(ids[4] as string, "remove"), 201);

    const refused = await vote(t, first.id, late?.id as string, [candidates[0]]);
    expect(await problemOf(refused)).toMatchObject({ status: 409, reason: "not_on_register" });
    expect((await vote(t, first.id, ids[4] as string, [candidates[1]])).status).toBe(201);
    expect((await vote(t, first.id, ids[2] as string, [candidates[0]])).status).toBe(201);
    expect(await progressOf(t, first.id)).toMatchObject({ electorate: 5, voted: 2 });
    // Nothing of the content before the close: the result is refused.
    expect((await t.request("GET", `${base(t)}/elections/${first.id}/result`)).status).toBe(409);

    const closed = await json<ElectionBody>(await poll(t, first.id, "close"), 200);
    expect(closed.status).toBe("counted");
    expect(await problemOf(await poll(t, first.id, "close"))).toMatchObject({ status: 409, reason: "poll_closed" });
    expect(await problemOf(await poll(t, first.id, "open"))).toMatchObject({ status: 409, reason: "ballots_cast" });

    await json(await poll(t, second.id, "open"), 200);
    expect(await progressOf(t, second.id)).toMatchObject({ electorate: 5 });
    expect((await vote(t, second.id, late?.id as string, [secondCandidates[0]])).status).toBe(201);
    expect(await problemOf(await vote(t, second.id, ids[4] as string, [secondCandidates[0]]))).toMatchObject({
      status: 409,
      reason: "not_on_register",
    });
  });

  it("opens again a poll closed with no ballot, on the register as it then stands", async () => {
    const t = await testApp();
    const { meeting, ids } = await meetingWithRegister(t, 3);
    const election = await meetingElection(t, meeting.id);
    await announce(t, election.id);
    await stand(t, election.id, ids[0] as string);
    t.clock.set("2026-11-21T17:30:00.000Z");
    await json(await poll(t, election.id, "open"), 200);
    await json(await poll(t, election.id, "close"), 200);
    await json(
      await t.request("POST", meetingPath(t, meeting.id, "voting-register/changes"), { body: { memberId: ids[2], change: "remove" } }),
      201,
    );
    const reopened = await json<ElectionBody>(await poll(t, election.id, "open"), 200);
    expect(reopened.status).toBe("voting");
    expect(await progressOf(t, election.id)).toMatchObject({ electorate: 2, voted: 0 });
  });

  it("refuses to open before the register is fixed, voting times on a meeting's election, and polls of other elections", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const election = await meetingElection(t, meeting.id);
    await announce(t, election.id);
    t.clock.set("2026-11-21T17:30:00.000Z");
    const before = await snapshot(t.database);
    expect(await problemOf(await poll(t, election.id, "open"))).toMatchObject({ status: 409, reason: "register_not_fixed" });
    expect(await problemOf(await poll(t, election.id, "close"))).toMatchObject({ status: 409, reason: "poll_not_open" });
    expect(await snapshot(t.database)).toBe(before);
    const withTimes = await t.request("POST", `${base(t)}/elections`, {
      body: {
        positionId: await createPosition(t),
        method: "plurality",
        electorate: { source: "meeting", eventId: meeting.id },
        nomination: { opensAt: "2026-11-21T18:00:00.000Z", closesAt: "2026-11-21T19:00:00.000Z" },
        voting: { opensAt: "2026-11-21T19:00:00.000Z", closesAt: "2026-11-21T20:00:00.000Z" },
      },
    });
    expect((await problemOf(withTimes)).errors?.[0]?.field).toBe("body.voting");
    const notAMeeting = await t.request("POST", `${base(t)}/elections`, {
      body: {
        positionId: await createPosition(t),
        method: "plurality",
        electorate: { source: "meeting", eventId: election.id },
        nomination: { opensAt: "2026-11-21T18:00:00.000Z", closesAt: "2026-11-21T19:00:00.000Z" },
      },
    });
    expect((await problemOf(notAMeeting)).errors?.[0]?.field).toBe("body.electorate.eventId");
  });

  it("takes exactly one ballot from each person on the register when they all vote at once, several times", async () => {
    const t = await testApp();
    const { meeting, ids } = await meetingWithRegister(t, 40);
    const election = await meetingElection(t, meeting.id);
    await announce(t, election.id);
    const candidate = await stand(t, election.id, ids[0] as string);
    t.clock.set("2026-11-21T17:30:00.000Z");
    await json(await poll(t, election.id, "open"), 200);
    const tokens = await Promise.all(ids.map((id) => memberToken(t, id)));
    const attempts = tokens.flatMap((key) =>
      [1, 2, 3].map(() => t.request("POST", `${base(t)}/elections/${election.id}/ballots`, { key, body: { ranking: [candidate] } })),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(40);
    expect(statuses.filter((s) => s === 409)).toHaveLength(80);
    const stored = await t.database.client.execute({ sql: "SELECT count(*) AS n FROM ballots WHERE election_id = ?", args: [election.id] });
    expect(Number(stored.rows[0]?.n)).toBe(40);
    expect(await progressOf(t, election.id)).toMatchObject({ electorate: 40, voted: 40 });
  }, 60_000);
});
