import { describe, expect, it } from "vitest";
import { json, operatorKey, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, createMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";
import { activeMembers, announce, base, createElection, createPosition, schedule, stand, tokenOf, vote } from "./helpers.ts";

/** Sends a request that must be refused with `status`, and checks that nothing at all was stored. */
async function refused(t: TestApp, status: number, send: () => Promise<Response>) {
  const before = await snapshot(t.database);
  const response = await send();
  expect(response.status, await response.clone().text()).toBe(status);
  const problem = await problemOf(response);
  expect(await snapshot(t.database)).toBe(before);
  return problem;
}

/** An STV election in voting with three candidates, one withdrawn before voting opened, and tokens made in advance. */
async function setup() {
  const t = await testApp();
  const election = await createElection(t);
  await announce(t, election.id);
  const [a, b, c] = await activeMembers(t, 3);
  const ca = await stand(t, election.id, a as string);
  const cb = await stand(t, election.id, b as string);
  const cc = await stand(t, election.id, c as string);
  await json(await t.request("POST", `${base(t)}/elections/${election.id}/candidates/${cc}/withdraw`), 200);
  const voter = await createActiveMember(t);
  t.clock.set(election.voting.opensAt);
  await json(await t.request("GET", `${base(t)}/elections/${election.id}`), 200);
  const token = await tokenOf(t, voter);
  const cast = (ranking: unknown, key: string | null = token) =>
    t.request("POST", `${base(t)}/elections/${election.id}/ballots`, { key, body: { ranking } });
  return { t, election, ca, cb, cc, voter, token, cast };
}

describe("bad ballots are refused and nothing is stored", () => {
  it("refuses unknown and withdrawn candidates, duplicates and equal rankings STV cannot count", async () => {
    const { t, ca, cb, cc, cast } = await setup();
    const unknown = await refused(t, 422, () => cast([ca, "0190f1c2-0000-7000-8000-000000000000"]));
    expect(unknown.errors?.[0]).toMatchObject({ field: "body.ranking.1" });
    expect(unknown.errors?.[0]?.message).toContain("not a candidate");
    const withdrawn = await refused(t, 422, () => cast([cc]));
    expect(withdrawn.errors?.[0]?.message).toContain("withdrawn");
    const twice = await refused(t, 422, () => cast([ca, cb, ca]));
    expect(twice.errors?.[0]?.message).toContain("more than once");
    const equal = await refused(t, 422, () => cast([[ca, cb]]));
    expect(equal.errors?.[0]?.message).toContain("equal rankings");
    await refused(t, 422, () => cast(["not-an-id"]));
    await refused(t, 422, () => cast("A"));
  });

  it("refuses more marks than seats in a plurality election", async () => {
    const t = await testApp();
    const election = await createElection(t, { method: "plurality", seats: 1 });
    await announce(t, election.id);
    const [a, b] = await activeMembers(t, 2);
    const ca = await stand(t, election.id, a as string);
    const cb = await stand(t, election.id, b as string);
    const voter = await createActiveMember(t);
    t.clock.set(election.voting.opensAt);
    await json(await t.request("GET", `${base(t)}/elections/${election.id}`), 200);
    const token = await tokenOf(t, voter);
    const problem = await refused(t, 422, () =>
      t.request("POST", `${base(t)}/elections/${election.id}/ballots`, { key: token, body: { ranking: [ca, cb] } }),
    );
    expect(problem.detail).toContain("at most 1");
    // A blank ballot is a ballot.
    expect((await t.request("POST", `${base(t)}/elections/${election.id}/ballots`, { key: token, body: { ranking: [] } })).status).toBe(
      201,
    );
  });

  it("refuses voting outside the period, a second ballot, non-members, lapsed members and keys", async () => {
    const { t, election, ca, token, cast } = await setup();
    // Members whose status on the cut-off day does not give a vote.
    const noMembership = await createMember(t);
    const lapsed = await createMember(t);
    await giveMembership(t, lapsed, await createMembershipType(t), "2024-03-01");
    const noMembershipToken = await memberToken(t, noMembership);
    const lapsedToken = await memberToken(t, lapsed);
    expect(await refused(t, 409, () => cast([ca], noMembershipToken))).toMatchObject({ reason: "membership_none" });
    expect(await refused(t, 409, () => cast([ca], lapsedToken))).toMatchObject({ reason: "membership_lapsed" });
    // A member of another organisation does not exist here.
    const other = await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } });
    expect(other.status).toBe(201);
    // Keys and anonymous callers do not vote.
    await refused(t, 403, () => cast([ca], t.adminKey));
    await refused(t, 401, () => cast([ca], null));

    expect((await cast([ca])).status).toBe(201);
    expect(await refused(t, 409, () => cast([ca]))).toMatchObject({ reason: "already_voted" });

    t.clock.set(election.voting.closesAt);
    // The first read after closing counts the election; the refused ballot afterwards changes nothing.
    await json(await t.request("GET", `${base(t)}/elections/${election.id}`), 200);
    const late = await createActiveMember(t);
    const lateToken = await tokenOf(t, late);
    expect(await refused(t, 409, () => cast([ca], lateToken))).toMatchObject({ reason: "voting_closed" });
    void token;
  });

  it("refuses ballots before voting opens, and online ballots in a paper-only election", async () => {
    const t = await testApp();
    const election = await createElection(t, { onlineVoting: false });
    await announce(t, election.id);
    const candidate = await stand(t, election.id, await createActiveMember(t));
    const voter = await createActiveMember(t);
    const early = await vote(t, election.id, voter, [candidate]);
    expect(early.status).toBe(409);
    expect(await problemOf(early)).toMatchObject({ reason: "voting_not_open" });
    t.clock.set(election.voting.opensAt);
    await json(await t.request("GET", `${base(t)}/elections/${election.id}`), 200);
    const token = await tokenOf(t, voter);
    expect(
      await refused(t, 409, () =>
        t.request("POST", `${base(t)}/elections/${election.id}/ballots`, { key: token, body: { ranking: [candidate] } }),
      ),
    ).toMatchObject({ reason: "paper_only" });
  });

  it("refuses paper ballots that do not fit the election, all or nothing", async () => {
    const { t, election, ca, cb, cc } = await setup();
    const post = (body: unknown, headers?: Record<string, string>) =>
      t.request("POST", `${base(t)}/elections/${election.id}/paper-ballots`, { body, headers });
    const mixed = await refused(t, 422, () => post({ ballots: [{ ranking: [ca] }, { ranking: [cc] }] }));
    expect(mixed.errors?.[0]?.field).toBe("body.ballots.1.ranking.0");
    const stranger = await refused(t, 422, () => post(`2 1\n1 1 2 0\n0\n"${ca}"\n"Nobody"\n`, { "Content-Type": "text/plain" }));
    expect(stranger.errors?.[0]?.message).toContain("Nobody");
    const broken = await refused(t, 422, () => post(`2 1\n1 1 7 0\n0\n"${ca}"\n"${cb}"\n`, { "Content-Type": "text/plain" }));
    expect(broken.errors?.[0]?.field).toBe("line 2");
    const fraction = await refused(t, 422, () => post(`2 1\n1.5 1 2 0\n0\n"${ca}"\n"${cb}"\n`, { "Content-Type": "text/plain" }));
    expect(fraction.errors?.[0]?.message).toContain("whole number");
    // Members cannot enter paper ballots.
    const memberToken2 = await tokenOf(t, await createActiveMember(t));
    await refused(t, 403, () =>
      t.request("POST", `${base(t)}/elections/${election.id}/paper-ballots`, { key: memberToken2, body: { ballots: [{ ranking: [ca] }] } }),
    );
  });
});

describe("bad elections and nominations are refused and nothing is stored", () => {
  it("checks the election's settings against the method and the calendar", async () => {
    const t = await testApp();
    const positionId = await createPosition(t);
    const today = t.clock.now().toISOString().slice(0, 10);
    const valid = { positionId, method: "scottish_stv", electorate: { cutoffOn: today }, ...schedule(t) };
    const post = (body: unknown) => t.request("POST", `${base(t)}/elections`, { body });
    const cases: [string, unknown, string][] = [
      [
        "voting before nominations close",
        { ...valid, voting: { ...valid.voting, opensAt: valid.nomination.opensAt } },
        "body.voting.opensAt",
      ],
      ["a cut-off after voting opens", { ...valid, electorate: { cutoffOn: "2027-06-01" } }, "body.electorate.cutoffOn"],
      ["an option the method lacks", { ...valid, options: { firstDivisor: 1.4 } }, "body.options.firstDivisor"],
      ["a bad option value", { ...valid, method: "meek_stv", options: { precision: 99 } }, "body.options.precision"],
      ["IRV for two seats", { ...valid, method: "irv" }, "body.seats"],
      ["a gender rule on STV", { ...valid, genderRule: { rule: "zipper" } }, "body.genderRule"],
      ["a list method", { ...valid, method: "dhondt" }, "body.method"],
      ["an unknown position", { ...valid, positionId: "0190f1c2-0000-7000-8000-000000000000" }, "body.positionId"],
      [
        "an unknown group",
        { ...valid, electorate: { cutoffOn: today, groupId: "0190f1c2-0000-7000-8000-000000000000" } },
        "body.electorate.groupId",
      ],
      ["an unknown event", { ...valid, eventId: "0190f1c2-0000-7000-8000-000000000000" }, "body.eventId"],
    ];
    for (const [what, body, field] of cases) {
      const problem = await refused(t, 422, () => post(body));
      expect(
        problem.errors?.map((e) => e.field),
        what,
      ).toContain(field);
    }
    // Members cannot create elections.
    const token = await tokenOf(t, await createActiveMember(t));
    await refused(t, 403, () => t.request("POST", `${base(t)}/elections`, { key: token, body: valid }));
  });

  it("refuses nominations outside the period, of members without standing, and twice", async () => {
    const t = await testApp();
    const election = await createElection(t);
    const member = await createActiveMember(t);
    const token = await tokenOf(t, member);
    const nominate = (body: unknown, key: string | null = token) =>
      t.request("POST", `${base(t)}/elections/${election.id}/candidates`, { key, body });
    // A draft does not exist for members; staff are told it is not announced.
    await refused(t, 404, () => nominate({}));
    expect(await refused(t, 409, () => nominate({ memberId: member }, t.adminKey))).toMatchObject({ reason: "not_announced" });
    await announce(t, election.id);
    const lapsed = await createMember(t);
    await giveMembership(t, lapsed, await createMembershipType(t), "2024-03-01");
    const lapsedToken = await tokenOf(t, lapsed);
    expect(await refused(t, 409, () => nominate({}, lapsedToken))).toMatchObject({ reason: "membership_lapsed" });
    expect(await refused(t, 409, () => nominate({ memberId: lapsed }))).toMatchObject({ reason: "membership_lapsed" });
    await refused(t, 422, () => nominate({ memberId: "0190f1c2-0000-7000-8000-000000000000" }));
    await refused(t, 422, () => nominate({ accepted: true }));
    expect((await nominate({})).status).toBe(201);
    expect(await refused(t, 409, () => nominate({}))).toMatchObject({ reason: "already_nominated" });
    t.clock.set(election.nomination.closesAt);
    const other = await tokenOf(t, await createActiveMember(t));
    const closed = await refused(t, 409, () => nominate({}, other));
    expect(closed).toMatchObject({ reason: "nomination_closed" });
    expect(closed.detail).toContain(election.nomination.closesAt);
  });
});
