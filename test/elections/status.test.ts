import { describe, expect, it } from "vitest";
import { advance, transitionRefusal } from "../../src/elections/machine.ts";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { json, operatorKey, problemOf, testApp } from "../helpers/app.ts";
import { createActiveMember } from "../helpers/members.ts";
import { activeMembers, announce, base, createElection, day, type ElectionBody, hour, stand, tokenOf, vote } from "./helpers.ts";

const times = { votingOpensAt: "2026-12-01T17:00:00.000Z", votingClosesAt: "2026-12-01T20:00:00.000Z" };

describe("the status machine (pure)", () => {
  it("moves announced elections by the clock and leaves drafts and later statuses alone", () => {
    const at = (iso: string) => new Date(iso);
    expect(advance({ status: "draft", ...times }, at("2027-01-01T00:00:00Z"))).toBe("draft");
    expect(advance({ status: "nominating", ...times }, at("2026-12-01T16:59:59Z"))).toBe("nominating");
    expect(advance({ status: "nominating", ...times }, at("2026-12-01T17:00:00Z"))).toBe("voting");
    expect(advance({ status: "nominating", ...times }, at("2026-12-01T20:00:00Z"))).toBe("closed");
    expect(advance({ status: "voting", ...times }, at("2026-12-01T19:59:59Z"))).toBe("voting");
    expect(advance({ status: "counted", ...times }, at("2027-01-01T00:00:00Z"))).toBe("counted");
  });

  it("lets staff only move forward, and publish only what is counted", () => {
    expect(transitionRefusal("voting", "nominating")).toContain("only move forward");
    expect(transitionRefusal("voting", "voting")).toContain("only move forward");
    expect(transitionRefusal("closed", "published")).toContain("counted");
    expect(transitionRefusal("draft", "closed")).toBeNull();
  });
});

describe("transitions by staff", () => {
  it("opens voting early (moving the time and fixing the electorate), closes early, counts, and refuses going back", async () => {
    const t = await testApp();
    const election = await createElection(t);
    await announce(t, election.id);
    const candidate = await stand(t, election.id, await createActiveMember(t));
    const voter = await createActiveMember(t);
    t.clock.advance(hour);
    const move = (to: string) => t.request("POST", `${base(t)}/elections/${election.id}/transitions`, { body: { to } });
    const voting = await json<ElectionBody>(await move("voting"), 200);
    expect(voting.status).toBe("voting");
    expect(voting.voting.opensAt).toBe(t.clock.now().toISOString());
    expect(voting.nomination.closesAt).toBe(t.clock.now().toISOString());
    expect((await vote(t, election.id, voter, [candidate])).status).toBe(201);

    const back = await move("nominating");
    expect(back.status).toBe(409);
    expect((await problemOf(back)).detail).toContain("only move forward");
    expect((await move("published")).status).toBe(409);

    const counted = await json<ElectionBody>(await move("counted"), 200);
    expect(counted.status).toBe("counted");
    expect(counted.voting.closesAt).toBe(t.clock.now().toISOString());
    const result = await json<{ elected: { id: string }[] }>(await t.request("GET", `${base(t)}/elections/${election.id}/result`), 200);
    // One candidate for two seats: elected, one seat vacant.
    expect(result.elected.map((e) => e.id)).toEqual([candidate]);
    // Counting again is allowed until published.
    expect((await t.request("POST", `${base(t)}/elections/${election.id}/count`)).status).toBe(200);
  });

  it("does not open voting before the electorate's cut-off day", async () => {
    const t = await testApp();
    const election = await createElection(t, { electorate: { cutoffOn: "2026-11-23" } });
    await announce(t, election.id);
    const early = await t.request("POST", `${base(t)}/elections/${election.id}/transitions`, { body: { to: "voting" } });
    expect(early.status).toBe(409);
    expect(await problemOf(early)).toMatchObject({ reason: "before_cutoff" });
  });

  it("lets readonly keys read but not move, members neither, and hides drafts from members and other organisations", async () => {
    const t = await testApp();
    const election = await createElection(t);
    const readonly = await json<{ secret: string }>(
      await t.request("POST", `${base(t)}/api-keys`, { body: { name: "r", role: "readonly" } }),
      201,
    );
    expect((await t.request("GET", `${base(t)}/elections/${election.id}`, { key: readonly.secret })).status).toBe(200);
    expect(
      (await t.request("POST", `${base(t)}/elections/${election.id}/transitions`, { key: readonly.secret, body: { to: "nominating" } }))
        .status,
    ).toBe(403);
    const token = await tokenOf(t, await createActiveMember(t));
    expect((await json<{ data: unknown[] }>(await t.request("GET", `${base(t)}/elections`, { key: token }), 200)).data).toEqual([]);
    expect(
      (await t.request("POST", `${base(t)}/elections/${election.id}/transitions`, { key: token, body: { to: "nominating" } })).status,
    ).toBe(403);
    const other = await json<{ adminKey: { secret: string } }>(
      await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } }),
      201,
    );
    expect((await t.request("GET", `/v1/orgs/other/elections/${election.id}`, { key: other.adminKey.secret })).status).toBe(404);
    await announce(t, election.id);
    expect((await json<{ data: unknown[] }>(await t.request("GET", `${base(t)}/elections`, { key: token }), 200)).data).toHaveLength(1);
  });

  it("edits with If-Match before voting, deletes only drafts", async () => {
    const t = await testApp();
    const election = await createElection(t);
    const url = `${base(t)}/elections/${election.id}`;
    const read = await t.request("GET", url);
    const etag = read.headers.get("ETag") as string;
    const edited = await t.request("PATCH", url, { body: { title: "Board 2027", seats: 3 }, headers: { "If-Match": etag } });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ title: "Board 2027", seats: 3 });
    expect((await t.request("PATCH", url, { body: { seats: 1 }, headers: { "If-Match": etag } })).status).toBe(412);
    await announce(t, election.id);
    expect((await t.request("DELETE", url)).status).toBe(409);
    t.clock.set(election.voting.opensAt);
    const late = await t.request("PATCH", url, { body: { seats: 1 } });
    expect(late.status).toBe(409);
    const draft = await createElection(t);
    expect((await t.request("DELETE", `${base(t)}/elections/${draft.id}`)).status).toBe(204);
    expect((await t.request("GET", `${base(t)}/elections/${draft.id}`)).status).toBe(404);
  });
});

describe("transitions by time, without any request (the every-minute job)", () => {
  it("opens, closes and counts due elections, once, however often it runs", async () => {
    const t = await testApp();
    const election = await createElection(t);
    await announce(t, election.id);
    const [a, b, c] = await activeMembers(t, 3);
    const ca = await stand(t, election.id, a as string);
    await stand(t, election.id, b as string);
    await stand(t, election.id, c as string);
    const deps = { db: t.db, mailer: t.mailer, clock: t.clock };
    const status = async () =>
      String((await t.database.client.execute({ sql: "SELECT status FROM elections WHERE id = ?", args: [election.id] })).rows[0]?.status);

    const opens = new Date(election.voting.opensAt);
    const report = await runScheduled("* * * * *", opens, deps);
    expect(report.find((r) => r.job === "election-clock")).toMatchObject({ ok: true, result: { settled: 1, voting: 1 } });
    expect(await status()).toBe("voting");
    const voters = await t.database.client.execute({
      sql: "SELECT count(*) AS n FROM election_voters WHERE election_id = ?",
      args: [election.id],
    });
    expect(Number(voters.rows[0]?.n)).toBe(3);
    const again = await runScheduled("* * * * *", opens, deps);
    expect(again.find((r) => r.job === "election-clock")?.result).toEqual({ settled: 0 });

    t.clock.set(election.voting.opensAt);
    expect((await vote(t, election.id, a as string, [ca])).status).toBe(201);

    await runScheduled("* * * * *", new Date(election.voting.closesAt), deps);
    expect(await status()).toBe("counted");
    t.clock.set(new Date(new Date(election.voting.closesAt).getTime() + day).toISOString());
    const result = await json<{ turnout: { votedOnline: number; electorate: number } }>(
      await t.request("GET", `${base(t)}/elections/${election.id}/result`),
      200,
    );
    expect(result.turnout).toMatchObject({ votedOnline: 1, electorate: 3 });
  });

  it("records a count the method refuses and leaves the election closed for staff", async () => {
    const t = await testApp();
    // Schulze STV compares every set of seats + 1 candidates: 20 candidates for 5 seats is beyond its limit.
    const election = await createElection(t, { method: "schulze_stv", seats: 5 });
    await announce(t, election.id);
    for (const member of await activeMembers(t, 20)) await stand(t, election.id, member);
    t.clock.set(election.voting.closesAt);
    const closed = await json<ElectionBody & { countError: string }>(await t.request("GET", `${base(t)}/elections/${election.id}`), 200);
    expect(closed.status).toBe("closed");
    expect(closed.countError).toMatch(/comparisons|too/i);
    const result = await t.request("GET", `${base(t)}/elections/${election.id}/result`);
    expect(result.status).toBe(409);
    expect(await problemOf(result)).toMatchObject({ reason: "not_counted" });
  });
});

describe("a gender rule on a list", () => {
  it("applies the rule to the counted order as a separate, recorded step", async () => {
    const t = await testApp();
    const election = await createElection(t, { method: "sequential_irv", seats: 3, genderRule: { rule: "zipper" } });
    await announce(t, election.id);
    const [anna, beata, carl] = await activeMembers(t, 3);
    const ca = await stand(t, election.id, anna as string, { gender: "woman" });
    const cb = await stand(t, election.id, beata as string, { gender: "woman" });
    const noGender = await t.request("POST", `${base(t)}/elections/${election.id}/candidates`, {
      key: await tokenOf(t, carl as string),
      body: {},
    });
    expect(noGender.status).toBe(422);
    const cc = await stand(t, election.id, carl as string, { gender: "man" });
    const voters = await activeMembers(t, 3);
    t.clock.set(election.voting.opensAt);
    for (const voter of voters) expect((await vote(t, election.id, voter, [ca, cb, cc])).status).toBe(201);
    t.clock.set(election.voting.closesAt);
    const result = await json<{
      elected: { id: string; place: number }[];
      count: { elected: string[] };
      genderRule: { moves: { candidate: string; from: number; to: number }[] };
    }>(await t.request("GET", `${base(t)}/elections/${election.id}/result`), 200);
    expect(result.count.elected).toEqual([ca, cb, cc]);
    expect(result.elected.map((e) => e.id)).toEqual([ca, cc, cb]);
    expect(result.genderRule.moves).toEqual([expect.objectContaining({ candidate: cc, from: 3, to: 2 })]);
  });
});
