import { describe, expect, it } from "vitest";
import { announce, base, createPosition, type ElectionBody, stand } from "../elections/helpers.ts";
import { createEvent } from "../events/helpers.ts";
import { json, problemOf, type TestApp, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";
import { createMeeting, meetingPath, type RegisterBody, roomCode } from "./helpers.ts";

/** Sends requests a few at a time, as phones in one room would, and returns their statuses in order. */
async function inWaves(requests: (() => Promise<Response>)[], width = 20): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < requests.length; i += width) {
    statuses.push(...(await Promise.all(requests.slice(i, i + width).map((send) => send()))).map((r) => r.status));
  }
  return statuses;
}

async function meetingElection(
  t: TestApp,
  eventId: string,
  position: { title: string; seats: number },
  method: string,
  fields: Record<string, unknown> = {},
) {
  const positionId = await createPosition(t, { ...position, termMonths: 24 });
  const election = await json<ElectionBody>(
    await t.request("POST", `${base(t)}/elections`, {
      body: {
        positionId,
        method,
        electorate: { source: "meeting", eventId },
        nomination: { opensAt: t.clock.now().toISOString(), closesAt: "2026-11-21T16:00:00.000Z" },
        ...fields,
      },
    }),
    201,
  );
  await announce(t, election.id);
  return { ...election, positionId };
}

describe("a branch's annual meeting", () => {
  it("checks in 120, fixes the register, adjusts it, elects by acclamation, by accepting the committee's proposal and by mixed phone and paper ballots, and gives the new board its rights", async () => {
    const t = await testApp();
    const typeId = await createMembershipType(t);
    const ids: string[] = [];
    for (let i = 0; i < 125; i++) {
      const id = await createMember(t);
      await giveMembership(t, id, typeId);
      ids.push(id);
    }
    const meeting = await createMeeting(t);
    const chair = await meetingElection(t, meeting.id, { title: "Chair", seats: 1 }, "plurality");
    const board = await meetingElection(t, meeting.id, { title: "Board", seats: 5 }, "scottish_stv", { reserves: 2 });
    const auditors = await meetingElection(t, meeting.id, { title: "Auditors", seats: 2 }, "plurality");
    const committee = await meetingElection(t, meeting.id, { title: "Nominating committee", seats: 3 }, "approval");
    const delegates = await meetingElection(t, meeting.id, { title: "Delegates to the district", seats: 2 }, "plurality");
    // One call for the meeting's five elections, not one per election.
    const calls = await json<{ data: { about: { type: string; id: string } }[] }>(
      await t.request("GET", `${base(t)}/mailings?kind=election_call`),
      200,
    );
    expect(calls.data.map((call) => call.about)).toEqual([expect.objectContaining({ type: "event", id: meeting.id })]);
    await stand(t, chair.id, ids[0] as string);
    const boardCandidates: string[] = [];
    for (let i = 1; i <= 8; i++) boardCandidates.push(await stand(t, board.id, ids[i] as string));
    for (const i of [10, 11, 12]) await stand(t, auditors.id, ids[i] as string);
    // The committee proposes two of the three auditors; the meeting accepts its proposal as a whole.
    await json(
      await t.request("PUT", `${base(t)}/elections/${auditors.id}/proposal`, {
        body: { entries: [{ memberId: ids[11] }, { memberId: ids[10] }] },
      }),
      200,
    );
    const committeeCandidates: string[] = [];
    for (let i = 13; i <= 16; i++) committeeCandidates.push(await stand(t, committee.id, ids[i] as string));
    const delegateCandidates: string[] = [];
    for (let i = 17; i <= 19; i++) delegateCandidates.push(await stand(t, delegates.id, ids[i] as string));

    // The meeting: 120 check in, the register is fixed, 3 leave and 2 arrive late.
    t.clock.set("2026-11-21T16:50:00.000Z");
    const present = ids.slice(0, 120);
    const checkIns = await inWaves(
      present.map((memberId) => () => t.request("POST", meetingPath(t, meeting.id, "check-ins"), { body: { memberId } })),
    );
    expect(checkIns.every((s) => s === 201)).toBe(true);
    t.clock.set("2026-11-21T17:05:00.000Z");
    expect(
      (await json<RegisterBody>(await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { body: {} }), 201)).count,
    ).toBe(120);
    const leaving = ids.slice(117, 120);
    const late = ids.slice(120, 122);
    for (const memberId of leaving) {
      await json(await t.request("POST", meetingPath(t, meeting.id, "check-outs"), { body: { memberId } }), 200);
      await json(
        await t.request("POST", meetingPath(t, meeting.id, "voting-register/changes"), { body: { memberId, change: "remove" } }),
        201,
      );
    }
    const code = await roomCode(t, meeting.id);
    for (const memberId of late) {
      await json(
        await t.request("POST", meetingPath(t, meeting.id, "check-ins"), { key: await memberToken(t, memberId), body: { code } }),
        201,
      );
      await json(
        await t.request("POST", meetingPath(t, meeting.id, "voting-register/changes"), { body: { memberId, change: "add" } }),
        201,
      );
    }
    const voters = [...ids.slice(0, 117), ...late];
    const register = await json<RegisterBody>(await t.request("GET", `${meetingPath(t, meeting.id, "voting-register")}?limit=200`), 200);
    expect(register.count).toBe(119);
    expect(register.members?.map((m) => m.id).sort()).toEqual([...voters].sort());
    const changes = await json<{ data: unknown[] }>(await t.request("GET", meetingPath(t, meeting.id, "voting-register/changes")), 200);
    expect(changes.data).toHaveLength(6);

    // The chair, alone, by acclamation.
    const acclaimed = await json<{ byAcclamation: boolean }>(await t.request("POST", `${base(t)}/elections/${chair.id}/acclamation`), 200);
    expect(acclaimed.byAcclamation).toBe(true);

    const tokens = new Map(await Promise.all(voters.map(async (id) => [id, await memberToken(t, id)] as const)));
    const paperVoters = new Set(voters.slice(0, 10));

    // The auditors: the committee's proposal as a whole, yes / no / abstain, ten on paper and the rest on phones.
    await json(await t.request("POST", `${base(t)}/elections/${auditors.id}/proposal-vote/open`), 200);
    const choiceOf = (i: number) => (i % 4 === 1 ? "no" : i % 10 === 3 ? "abstain" : "yes");
    const proposalVotes = voters.map((memberId, i) =>
      paperVoters.has(memberId)
        ? () =>
            t.request("POST", `${base(t)}/elections/${auditors.id}/proposal-vote/paper-votes`, { body: { memberId, choice: choiceOf(i) } })
        : () =>
            t.request("POST", `${base(t)}/elections/${auditors.id}/proposal-vote/ballots`, {
              key: tokens.get(memberId),
              body: { choice: choiceOf(i) },
            }),
    );
    expect((await inWaves(proposalVotes)).every((s) => s === 201)).toBe(true);
    const leftEarly = await t.request("POST", `${base(t)}/elections/${auditors.id}/proposal-vote/ballots`, {
      key: await memberToken(t, leaving[0] as string),
      body: { choice: "no" },
    });
    expect(await problemOf(leftEarly)).toMatchObject({ status: 409, reason: "not_on_register" });
    const tally = { yes: 0, no: 0, abstain: 0 };
    voters.forEach((_, i) => {
      tally[choiceOf(i)] += 1;
    });
    expect(tally.yes).toBeGreaterThan(tally.no);
    expect(await json(await t.request("POST", `${base(t)}/elections/${auditors.id}/proposal-vote/close`), 200)).toMatchObject({
      status: "counted",
      proposalVote: { status: "accepted", ...tally },
    });
    expect(await json(await t.request("GET", `${base(t)}/elections/${auditors.id}/result`), 200)).toMatchObject({
      byProposal: true,
      turnout: { electorate: 119, paperBallots: 10, ballots: 119 },
    });

    // Three ballots, each with ten papers handed in and the rest on phones.
    const ballotOf = {
      // First preferences spread over the first five board candidates, then the next ones in turn.
      // then the sixth and seventh, the sixth mostly first: they are the reserves, in that order.
      [board.id]: (i: number) => [
        ...[0, 1, 2, 3, 4].map((k) => boardCandidates[(i + k) % 5] as string),
        ...((i % 3 === 0 ? [6, 5] : [5, 6]).map((k) => boardCandidates[k]) as string[]),
      ],
      [committee.id]: (i: number) => committeeCandidates.slice(0, i % 2 === 0 ? 3 : 2),
      // Everyone marks the first; two in three mark the second beside, the rest the third.
      [delegates.id]: (i: number) => [delegateCandidates[0], delegateCandidates[i % 3 === 0 ? 2 : 1]] as string[],
    };
    for (const election of [board, committee, delegates]) {
      await json(await t.request("POST", `${base(t)}/elections/${election.id}/poll/open`), 200);
      const ranking = ballotOf[election.id] as (i: number) => string[];
      const sends = voters.map((memberId, i) =>
        paperVoters.has(memberId)
          ? () => t.request("POST", `${base(t)}/elections/${election.id}/paper-votes`, { body: { memberId, ranking: ranking(i) } })
          : () =>
              t.request("POST", `${base(t)}/elections/${election.id}/ballots`, {
                key: tokens.get(memberId),
                body: { ranking: ranking(i) },
              }),
      );
      expect((await inWaves(sends)).every((s) => s === 201)).toBe(true);
      // Someone who left, and a paper voter reaching for their phone, are refused.
      const gone = await t.request("POST", `${base(t)}/elections/${election.id}/ballots`, {
        key: await memberToken(t, leaving[0] as string),
        body: { ranking: ranking(0) },
      });
      expect(await problemOf(gone)).toMatchObject({ status: 409, reason: "not_on_register" });
      const twice = await t.request("POST", `${base(t)}/elections/${election.id}/ballots`, {
        key: tokens.get(voters[0] as string),
        body: { ranking: ranking(0) },
      });
      expect(await problemOf(twice)).toMatchObject({ status: 409, reason: "voted_on_paper" });
      const progress = await json<{ electorate: number; voted: number; paperBallots: number }>(
        await t.request("GET", `${base(t)}/elections/${election.id}/poll`),
        200,
      );
      expect(progress).toMatchObject({ electorate: 119, voted: 119, paperBallots: 10 });
      expect((await json<ElectionBody>(await t.request("POST", `${base(t)}/elections/${election.id}/poll/close`), 200)).status).toBe(
        "counted",
      );
    }

    for (const election of [chair, board, auditors, committee, delegates]) {
      await json(await t.request("POST", `${base(t)}/elections/${election.id}/publish`, { body: {} }), 200);
    }
    const mandatesOf = async (positionId: string) =>
      (
        await json<{ data: { memberId: string; reserveRank: number | null }[] }>(
          await t.request("GET", `${base(t)}/positions/${positionId}/mandates?current=true`),
          200,
        )
      ).data;
    const holders = async (positionId: string) =>
      (await mandatesOf(positionId))
        .filter((m) => m.reserveRank === null)
        .map((m) => m.memberId)
        .sort();
    expect(await holders(chair.positionId)).toEqual([ids[0]]);
    expect(await holders(board.positionId)).toEqual(ids.slice(1, 6).sort());
    const reserves = (await mandatesOf(board.positionId)).filter((m) => m.reserveRank !== null);
    expect(reserves.sort((x, y) => Number(x.reserveRank) - Number(y.reserveRank)).map((m) => m.memberId)).toEqual([ids[6], ids[7]]);
    expect(await holders(auditors.positionId)).toEqual([ids[10], ids[11]].sort());
    expect(await holders(delegates.positionId)).toEqual([ids[17], ids[18]].sort());
    // Approval: the first two are on every ballot, the third on every other one.
    expect(await holders(committee.positionId)).toEqual([ids[13], ids[14], ids[15]].sort());

    // A training for the new board only.
    const training = await createEvent(t, {
      kind: "training",
      visibility: "members",
      startsAt: "2026-12-05T09:00:00.000Z",
      endsAt: "2026-12-05T15:00:00.000Z",
      registration: { mode: "open", capacity: null, eligibility: { positionIds: [board.positionId] } },
    });
    const apply = async (memberId: string) =>
      t.request("POST", `/v1/orgs/${t.org}/events/${training.id}/registrations`, { key: await memberToken(t, memberId), body: {} });
    expect((await apply(ids[1] as string)).status).toBe(201);
    // A reserve is not a holder of the position.
    expect(await problemOf(await apply(ids[7] as string))).toMatchObject({ status: 409, reason: "not_eligible" });
    expect(await problemOf(await apply(ids[50] as string))).toMatchObject({ status: 409, reason: "not_eligible" });
  }, 120_000);
});
