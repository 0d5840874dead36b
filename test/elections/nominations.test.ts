import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { createActiveMember } from "../helpers/members.ts";
import { activeMembers, announce, base, createElection, stand, tokenOf } from "./helpers.ts";

interface Candidate {
  id: string;
  memberId: string;
  status: string;
  nominatedBy: string;
  gender?: string | null;
}

describe("nominations", () => {
  it("lets staff nominate, the nominee answer, and a withdrawn member stand again", async () => {
    const t = await testApp();
    const election = await createElection(t);
    await announce(t, election.id);
    const url = `${base(t)}/elections/${election.id}/candidates`;
    const [nominee, other] = await activeMembers(t, 2);
    const proposed = await json<Candidate>(await t.request("POST", url, { body: { memberId: nominee } }), 201);
    expect(proposed).toMatchObject({ status: "proposed", nominatedBy: "staff" });
    // Staff cannot answer for the nominee.
    expect((await t.request("POST", `${url}/${proposed.id}/accept`)).status).toBe(403);
    const nomineeToken = await tokenOf(t, nominee as string);
    await json(await t.request("POST", `${url}/${proposed.id}/accept`, { key: nomineeToken }), 200);
    // Answering twice is a conflict.
    expect((await t.request("POST", `${url}/${proposed.id}/decline`, { key: nomineeToken })).status).toBe(409);
    const withdrawn = await json<Candidate>(await t.request("POST", `${url}/${proposed.id}/withdraw`, { key: nomineeToken }), 200);
    expect(withdrawn.status).toBe("withdrawn");
    const again = await json<Candidate>(await t.request("POST", url, { key: nomineeToken, body: {} }), 201);
    expect(again).toMatchObject({ id: proposed.id, status: "accepted", nominatedBy: "self" });

    // Another member cannot withdraw someone else's candidacy, nor see an unanswered nomination they did not make.
    const otherToken = await tokenOf(t, other as string);
    expect((await t.request("POST", `${url}/${again.id}/withdraw`, { key: otherToken })).status).toBe(403);
    const third = await createActiveMember(t);
    const secret = await json<Candidate>(await t.request("POST", url, { body: { memberId: third } }), 201);
    expect((await t.request("GET", `${url}/${secret.id}`, { key: otherToken })).status).toBe(404);
    expect((await t.request("GET", `${url}/${secret.id}`, { key: await tokenOf(t, third) })).status).toBe(200);
    const list = await json<{ data: Candidate[] }>(await t.request("GET", url, { key: otherToken }), 200);
    expect(list.data.map((c) => c.id)).toEqual([again.id]);
    const staffList = await json<{ data: Candidate[] }>(await t.request("GET", `${url}?status=proposed`), 200);
    expect(staffList.data.map((c) => c.id)).toEqual([secret.id]);
  });

  it("shows gender to staff and the candidate only, and lets the candidate edit the statement until voting opens", async () => {
    const t = await testApp();
    const election = await createElection(t);
    await announce(t, election.id);
    const member = await createActiveMember(t);
    const id = await stand(t, election.id, member, { gender: "woman", statement: "Hello" });
    const url = `${base(t)}/elections/${election.id}/candidates/${id}`;
    expect(((await json<Candidate>(await t.request("GET", url), 200)) as Candidate).gender).toBe("woman");
    expect((await json<Candidate>(await t.request("GET", url, { key: await tokenOf(t, member) }), 200)).gender).toBe("woman");
    const stranger = await tokenOf(t, await createActiveMember(t));
    expect((await json<Candidate>(await t.request("GET", url, { key: stranger }), 200)).gender).toBeUndefined();
    expect((await t.request("PATCH", url, { key: stranger, body: { statement: "x" } })).status).toBe(403);
    await json(await t.request("PATCH", url, { key: await tokenOf(t, member), body: { statement: "Updated" } }), 200);
    t.clock.set(election.voting.opensAt);
    const late = await t.request("PATCH", url, { key: await tokenOf(t, member), body: { statement: "Too late" } });
    expect(late.status).toBe(409);
    expect(await problemOf(late)).toMatchObject({ reason: "voting_opened" });
  });

  it("takes a proposal of nominees only, replaces it whole, and fixes it when voting opens", async () => {
    const t = await testApp();
    const election = await createElection(t);
    await announce(t, election.id);
    const [a, b, outsider] = await activeMembers(t, 3);
    await stand(t, election.id, a as string);
    await stand(t, election.id, b as string);
    const url = `${base(t)}/elections/${election.id}/proposal`;
    const bad = await t.request("PUT", url, { body: { entries: [{ memberId: a }, { memberId: outsider }, { memberId: a }] } });
    expect(bad.status).toBe(422);
    expect((await problemOf(bad)).errors?.map((e) => e.field)).toEqual(["body.entries.1.memberId", "body.entries.2.memberId"]);
    await json(await t.request("PUT", url, { body: { entries: [{ memberId: b, reason: "First" }, { memberId: a }] } }), 200);
    const replaced = await json<{ entries: { memberId: string }[] }>(
      await t.request("PUT", url, { body: { entries: [{ memberId: a }] } }),
      200,
    );
    expect(replaced.entries.map((e) => e.memberId)).toEqual([a]);
    // Without a committee group, members cannot set it.
    expect((await t.request("PUT", url, { key: await tokenOf(t, a as string), body: { entries: [] } })).status).toBe(403);
    t.clock.set(election.voting.opensAt);
    expect((await t.request("PUT", url, { body: { entries: [] } })).status).toBe(409);
    const shown = await json<{ entries: { memberId: string }[] }>(
      await t.request("GET", url, { key: await tokenOf(t, outsider as string) }),
      200,
    );
    expect(shown.entries).toHaveLength(1);
  });
});
