import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { announce, base, createElection, createPosition, type ElectionBody, stand, vote } from "../elections/helpers.ts";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";
import { castOfCallers, expectStatuses } from "../helpers/permission-matrix.ts";
import { startReceiver } from "../webhooks/receiver.ts";
import { activeMembers, checkInAll, createMeeting, meetingPath } from "./helpers.ts";

interface ProposalVoteBody {
  status: string;
  yes: number | null;
  no: number | null;
  abstain: number | null;
}

interface ResultBody {
  byProposal: boolean;
  byAcclamation: boolean;
  proposalVote: ProposalVoteBody | null;
  elected: { memberId: string; place: number }[];
  turnout: { electorate: number; votedOnline: number; paperBallots: number; ballots: number; valid: number; blank: number };
}

type Choice = "yes" | "no" | "abstain";

/** A meeting with `n` present members and the register fixed, and an announced election of `seats` with `standing` candidates. */
async function meetingElection(t: TestApp, options: { present: number; seats: number; standing: number }) {
  const meeting = await createMeeting(t);
  const people = await activeMembers(t, options.present);
  const ids = people.map((p) => p.id);
  await checkInAll(t, meeting.id, ids);
  const election = await json<ElectionBody>(
    await t.request("POST", `${base(t)}/elections`, {
      body: {
        positionId: await createPosition(t, { seats: options.seats }),
        method: "plurality",
        electorate: { source: "meeting", eventId: meeting.id },
        nomination: { opensAt: t.clock.now().toISOString(), closesAt: "2026-11-21T16:00:00.000Z" },
      },
    }),
    201,
  );
  await announce(t, election.id);
  const candidates: string[] = [];
  for (let i = 0; i < options.standing; i++) candidates.push(await stand(t, election.id, ids[i] as string));
  t.clock.set("2026-11-21T17:05:00.000Z");
  await json(await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { body: {} }), 201);
  return { meeting, election, ids, candidates };
}

const propose = async (t: TestApp, electionId: string, memberIds: string[]) =>
  json(
    await t.request("PUT", `${base(t)}/elections/${electionId}/proposal`, {
      body: { entries: memberIds.map((memberId) => ({ memberId })) },
    }),
    200,
  );
const proposalVote = (t: TestApp, id: string, action: "open" | "close") =>
  t.request("POST", `${base(t)}/elections/${id}/proposal-vote/${action}`);
const byPhone = async (t: TestApp, id: string, memberId: string, choice: Choice) =>
  t.request("POST", `${base(t)}/elections/${id}/proposal-vote/ballots`, { key: await memberToken(t, memberId), body: { choice } });
const onPaper = (t: TestApp, id: string, memberId: string, choice: Choice) =>
  t.request("POST", `${base(t)}/elections/${id}/proposal-vote/paper-votes`, { body: { memberId, choice } });
const ballotRows = async (t: TestApp, id: string) =>
  Number((await t.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM ballots WHERE election_id = ${id}`))[0]?.n);

describe("the meeting's vote on the committee's proposal", () => {
  it("elects the proposed when more vote yes than no, by phone and paper, one vote per person, keeping only the totals", async () => {
    const t = await testApp();
    const { election, ids } = await meetingElection(t, { present: 8, seats: 2, standing: 3 });
    await propose(t, election.id, [ids[1] as string, ids[0] as string]);
    const opened = await json<ElectionBody & { proposalVote: ProposalVoteBody }>(await proposalVote(t, election.id, "open"), 200);
    expect(opened).toMatchObject({ status: "voting", proposalVote: { status: "open", yes: null, no: null, abstain: null } });

    // Phones in parallel, each person several times: one vote each.
    const choices: Choice[] = ["yes", "yes", "yes", "no", "no", "abstain"];
    const statuses = await Promise.all(
      choices.flatMap((choice, i) => [0, 1, 2].map(async () => (await byPhone(t, election.id, ids[i] as string, choice)).status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(6);
    expect(statuses.filter((s) => s === 409)).toHaveLength(12);
    await json(await onPaper(t, election.id, ids[6] as string, "yes"), 201);
    expect(await problemOf(await byPhone(t, election.id, ids[6] as string, "no"))).toMatchObject({ status: 409, reason: "voted_on_paper" });
    expect(await problemOf(await onPaper(t, election.id, ids[0] as string, "no"))).toMatchObject({ status: 409, reason: "already_voted" });
    const outsider = await createActiveMember(t);
    expect(await problemOf(await byPhone(t, election.id, outsider, "yes"))).toMatchObject({ status: 409, reason: "not_on_register" });
    // No ballot among candidates, no bulk papers and no count while the proposal is voted on.
    expect(await problemOf(await vote(t, election.id, ids[7] as string, []))).toMatchObject({ status: 409, reason: "proposal_vote_open" });
    const bulk = await t.request("POST", `${base(t)}/elections/${election.id}/paper-ballots`, { body: { ballots: [{ ranking: [] }] } });
    expect(await problemOf(bulk)).toMatchObject({ status: 409, reason: "proposal_vote_open" });
    expect(await problemOf(await t.request("POST", `${base(t)}/elections/${election.id}/poll/close`))).toMatchObject({
      status: 409,
      reason: "proposal_vote_open",
    });
    expect(await json(await t.request("GET", `${base(t)}/elections/${election.id}/poll`), 200)).toMatchObject({
      electorate: 8,
      voted: 7,
      paperBallots: 1,
    });

    const closed = await json<ElectionBody & { proposalVote: ProposalVoteBody }>(await proposalVote(t, election.id, "close"), 200);
    expect(closed).toMatchObject({ status: "counted", proposalVote: { status: "accepted", yes: 4, no: 2, abstain: 1 } });
    expect(await ballotRows(t, election.id)).toBe(0);
    const result = await json<ResultBody>(await t.request("GET", `${base(t)}/elections/${election.id}/result`), 200);
    expect(result).toMatchObject({
      byProposal: true,
      byAcclamation: false,
      proposalVote: { status: "accepted", yes: 4, no: 2, abstain: 1 },
      turnout: { electorate: 8, votedOnline: 6, paperBallots: 1, ballots: 7, valid: 6, blank: 1 },
    });
    expect(result.elected.map((e) => [e.memberId, e.place])).toEqual([
      [ids[1], 1],
      [ids[0], 2],
    ]);
    expect(await problemOf(await proposalVote(t, election.id, "close"))).toMatchObject({ status: 409, reason: "proposal_vote_closed" });
    expect(await problemOf(await proposalVote(t, election.id, "open"))).toMatchObject({ status: 409, reason: "proposal_vote_held" });
    expect(await problemOf(await t.request("POST", `${base(t)}/elections/${election.id}/poll/open`))).toMatchObject({
      status: 409,
      reason: "proposal_accepted",
    });
    expect(await problemOf(await t.request("POST", `${base(t)}/elections/${election.id}/count`))).toMatchObject({
      status: 409,
      reason: "proposal_accepted",
    });

    await json(await t.request("POST", `${base(t)}/elections/${election.id}/publish`, { body: {} }), 200);
    const mandates = await json<{ data: { memberId: string; place: number | null }[] }>(
      await t.request("GET", `${base(t)}/positions/${election.positionId}/mandates?current=true`),
      200,
    );
    expect(mandates.data.map((m) => [m.memberId, m.place]).sort()).toEqual(
      [
        [ids[0], 2],
        [ids[1], 1],
      ].sort(),
    );
  });

  it("on a tie rejects the proposal and leaves the election for a ballot among all candidates, in which everyone votes again", async () => {
    const t = await testApp({ webhooksAllowPrivate: true });
    const receiver = await startReceiver(() => false);
    await json(
      await t.request("POST", `/v1/orgs/${t.org}/webhooks`, { body: { url: receiver.url, eventTypes: ["election.status_changed"] } }),
      201,
    );
    const { election, ids, candidates } = await meetingElection(t, { present: 5, seats: 1, standing: 3 });
    await propose(t, election.id, [ids[0] as string]);
    await json(await proposalVote(t, election.id, "open"), 200);
    for (const [i, choice] of (["yes", "no", "yes", "no", "abstain"] as Choice[]).entries()) {
      await json(await byPhone(t, election.id, ids[i] as string, choice), 201);
    }
    const rejected = await json<ElectionBody & { proposalVote: ProposalVoteBody }>(await proposalVote(t, election.id, "close"), 200);
    expect(rejected).toMatchObject({
      status: "nominating",
      voting: { opensAt: null, closesAt: null },
      proposalVote: { status: "rejected", yes: 2, no: 2, abstain: 1 },
    });
    expect(await ballotRows(t, election.id)).toBe(0);
    // A vote on the proposal after it closed is refused, whatever the election does next.
    expect(await problemOf(await byPhone(t, election.id, ids[4] as string, "yes"))).toMatchObject({
      status: 409,
      reason: "proposal_vote_closed",
    });

    await json(await t.request("POST", `${base(t)}/elections/${election.id}/poll/open`), 200);
    for (const [i, pick] of [2, 2, 2, 0, 1].entries()) await json(await vote(t, election.id, ids[i] as string, [candidates[pick]]), 201);
    expect(await problemOf(await byPhone(t, election.id, ids[4] as string, "yes"))).toMatchObject({
      status: 409,
      reason: "proposal_vote_closed",
    });
    await json(await t.request("POST", `${base(t)}/elections/${election.id}/poll/close`), 200);
    const result = await json<ResultBody>(await t.request("GET", `${base(t)}/elections/${election.id}/result`), 200);
    expect(result).toMatchObject({ byProposal: false, proposalVote: { status: "rejected", yes: 2, no: 2 }, turnout: { ballots: 5 } });
    expect(result.elected.map((e) => e.memberId)).toEqual([ids[2]]);
    // Webhooks are told of every status change, the vote on the proposal's included.
    const moves = await t.db.all<{ detail: string }>(
      sql`SELECT detail FROM webhook_events WHERE resource_id = ${election.id} AND type = 'election.status_changed' ORDER BY rowid`,
    );
    expect(moves.map((m) => JSON.parse(m.detail)).map((d: { from: string; to: string }) => `${d.from}→${d.to}`)).toEqual([
      "draft→nominating",
      "nominating→voting",
      "voting→nominating",
      "nominating→voting",
      "voting→closed",
      "closed→counted",
    ]);
    await receiver.close();
  });

  it("is refused without a proposal that fits, before the register is fixed, or outside a meeting, changing nothing", async () => {
    const t = await testApp();
    const { election, ids } = await meetingElection(t, { present: 4, seats: 1, standing: 3 });
    const before = await snapshot(t.database);
    expect(await problemOf(await proposalVote(t, election.id, "open"))).toMatchObject({ status: 409, reason: "no_proposal" });
    expect(await problemOf(await proposalVote(t, election.id, "close"))).toMatchObject({ status: 409, reason: "proposal_vote_not_open" });
    expect(await problemOf(await byPhone(t, election.id, ids[0] as string, "yes"))).toMatchObject({
      status: 409,
      reason: "proposal_vote_not_open",
    });
    expect(await snapshot(t.database)).toBe(before);
    await propose(t, election.id, [ids[0] as string, ids[1] as string]);
    expect(await problemOf(await proposalVote(t, election.id, "open"))).toMatchObject({ status: 409, reason: "proposal_too_long" });
    await propose(t, election.id, [ids[0] as string]);
    await json(await proposalVote(t, election.id, "open"), 200);
    const maybe = await t.request("POST", `${base(t)}/elections/${election.id}/proposal-vote/ballots`, {
      key: await memberToken(t, ids[1] as string),
      body: { choice: "maybe" },
    });
    expect((await problemOf(maybe)).errors?.[0]?.field).toBe("body.choice");
    await json(await onPaper(t, election.id, ids[1] as string, "no"), 201);

    const later = await createMeeting(t, { startsAt: "2026-11-28T17:00:00.000Z", endsAt: "2026-11-28T21:00:00.000Z" });
    const unfixed = await json<ElectionBody>(
      await t.request("POST", `${base(t)}/elections`, {
        body: {
          positionId: await createPosition(t, { seats: 1 }),
          method: "plurality",
          electorate: { source: "meeting", eventId: later.id },
          nomination: { opensAt: t.clock.now().toISOString(), closesAt: "2026-11-22T16:00:00.000Z" },
        },
      }),
      201,
    );
    await announce(t, unfixed.id);
    expect(await problemOf(await proposalVote(t, unfixed.id, "open"))).toMatchObject({ status: 409, reason: "register_not_fixed" });
    const postal = await createElection(t);
    await announce(t, postal.id);
    expect(await problemOf(await proposalVote(t, postal.id, "open"))).toMatchObject({ status: 409, reason: "not_a_meeting_poll" });
  });

  it("is opened, closed and entered on paper by staff keys only, and voted on by members on the register", async () => {
    const cast = await castOfCallers();
    const { t, members } = cast;
    const meeting = await createMeeting(t);
    const present = [members.convener, members.groupMember, members.graceMember, members.otherMember];
    await checkInAll(t, meeting.id, present);
    const election = await json<ElectionBody>(
      await t.request("POST", `${base(t)}/elections`, {
        body: {
          positionId: await createPosition(t, { seats: 1 }),
          method: "plurality",
          electorate: { source: "meeting", eventId: meeting.id },
          nomination: { opensAt: t.clock.now().toISOString(), closesAt: "2026-11-21T16:00:00.000Z" },
        },
      }),
      201,
    );
    await announce(t, election.id);
    await stand(t, election.id, members.convener);
    await propose(t, election.id, [members.convener]);
    t.clock.set("2026-11-21T17:05:00.000Z");
    await json(await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { body: {} }), 201);
    const path = `${base(t)}/elections/${election.id}/proposal-vote`;
    const refusedToAllButStaff = { anonymous: 401, readonly: 403, otherOrgAdmin: 404, convener: 403, groupMember: 403 };
    await expectStatuses((kind) => cast.request(kind, "POST", `${path}/open`), { ...refusedToAllButStaff, staff: 200 });
    await expectStatuses((kind) => cast.request(kind, "POST", `${path}/ballots`, { body: { choice: "yes" } }), {
      anonymous: 401,
      readonly: 403,
      staff: 403,
      convener: 201,
      groupMember: 201,
      graceMember: 201,
      otherConvener: 409,
    });
    await expectStatuses(
      (kind) => cast.request(kind, "POST", `${path}/paper-votes`, { body: { memberId: members.otherMember, choice: "no" } }),
      { ...refusedToAllButStaff, staff: 201 },
    );
    await expectStatuses((kind) => cast.request(kind, "POST", `${path}/close`), { ...refusedToAllButStaff, admin: 200 });
  });
});
