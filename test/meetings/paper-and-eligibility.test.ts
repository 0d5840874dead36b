import { describe, expect, it } from "vitest";
import { announce, base, createPosition, type ElectionBody, stand, vote } from "../elections/helpers.ts";
import { addToGroup, createEvent, createGroup } from "../events/helpers.ts";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { activeMembers, checkInAll, createMeeting, meetingPath } from "./helpers.ts";

describe("paper ballots mixed with phone ballots in one poll", () => {
  it("marks the paper voter so they cannot vote by phone, and a phone voter cannot hand in a paper; the ballot carries no voter", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const people = await activeMembers(t, 4);
    const ids = people.map((p) => p.id);
    await checkInAll(t, meeting.id, ids);
    await json(await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { body: {} }), 201);
    const election = await json<ElectionBody>(
      await t.request("POST", `${base(t)}/elections`, {
        body: {
          positionId: await createPosition(t, { seats: 1 }),
          method: "plurality",
          electorate: { source: "meeting", eventId: meeting.id },
          nomination: { opensAt: t.clock.now().toISOString(), closesAt: "2026-11-21T12:00:00.000Z" },
        },
      }),
      201,
    );
    await announce(t, election.id);
    const candidate = await stand(t, election.id, ids[0] as string);
    t.clock.set("2026-11-21T17:30:00.000Z");
    await json(await t.request("POST", `${base(t)}/elections/${election.id}/poll/open`), 200);
    const paper = (memberId: string) =>
      t.request("POST", `${base(t)}/elections/${election.id}/paper-votes`, { body: { memberId, ranking: [candidate] } });

    await json(await paper(ids[1] as string), 201);
    expect(await problemOf(await vote(t, election.id, ids[1] as string, [candidate]))).toMatchObject({
      status: 409,
      reason: "voted_on_paper",
    });
    expect(await problemOf(await paper(ids[1] as string))).toMatchObject({ status: 409, reason: "voted_on_paper" });
    expect((await vote(t, election.id, ids[2] as string, [candidate])).status).toBe(201);
    expect(await problemOf(await paper(ids[2] as string))).toMatchObject({ status: 409, reason: "already_voted" });
    const [outsider] = await activeMembers(t, 1);
    expect(await problemOf(await paper(outsider?.id as string))).toMatchObject({ status: 409, reason: "not_on_register" });

    const closed = await json<ElectionBody>(await t.request("POST", `${base(t)}/elections/${election.id}/poll/close`), 200);
    expect(closed.status).toBe("counted");
    const result = await json<{ turnout: Record<string, number> }>(
      await t.request("GET", `${base(t)}/elections/${election.id}/result`),
      200,
    );
    expect(result.turnout).toMatchObject({ electorate: 4, votedOnline: 1, paperBallots: 1, ballots: 2 });
    const columns = await t.database.client.execute("SELECT name FROM pragma_table_info('ballots')");
    expect(columns.rows.map((r) => String(r.name)).sort()).toEqual([
      "batch_id",
      "election_id",
      "id",
      "ranking",
      "receipt_hash",
      "source",
      "weight",
    ]);
  });
});

describe("events open only to holders of positions or members of groups", () => {
  it("lets holders and group members register and refuses others with 409 not_eligible", async () => {
    const t = await testApp();
    const positionId = await createPosition(t, { seats: 1 });
    const groupId = await createGroup(t);
    const [holder, groupie, other] = await activeMembers(t, 3);
    await json(
      await t.request("POST", `${base(t)}/positions/${positionId}/mandates`, { body: { memberId: holder?.id, startsOn: "2026-01-01" } }),
      201,
    );
    await addToGroup(t, groupId, groupie?.id as string);
    const training = await createEvent(t, {
      kind: "training",
      visibility: "members",
      registration: { mode: "open", capacity: null, eligibility: { positionIds: [positionId], groupIds: [groupId] } },
    });
    expect((training.registration as unknown as { eligibility: unknown }).eligibility).toEqual({
      positionIds: [positionId],
      groupIds: [groupId],
    });
    const register = (key: string | undefined) =>
      t.request("POST", `/v1/orgs/${t.org}/events/${training.id}/registrations`, { key, body: {} });
    expect((await register(holder?.token)).status).toBe(201);
    expect((await register(groupie?.token)).status).toBe(201);
    expect(await problemOf(await register(other?.token))).toMatchObject({ status: 409, reason: "not_eligible" });
    const bad = await t.request("POST", `/v1/orgs/${t.org}/events`, {
      body: {
        title: "x",
        kind: "training",
        startsAt: "2026-11-28T17:00:00.000Z",
        endsAt: "2026-11-28T19:00:00.000Z",
        timeZone: "Europe/Stockholm",
        visibility: "members",
        registration: { mode: "open", eligibility: { positionIds: [groupId] } },
      },
    });
    expect((await problemOf(bad)).errors?.[0]?.field).toBe("body.registration.eligibility.positionIds.0");
  });
});
