import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, createMember, memberToken } from "../helpers/members.ts";
import { createArea, type Group, rosterOf } from "./helpers.ts";

async function propose(t: TestApp, token: string, body: Record<string, unknown> = {}) {
  return t.request("POST", "/v1/orgs/demo/groups/proposals", {
    key: token,
    body: { kind: "interest", name: "Feminist reading circle", purpose: "Read and discuss one book a month.", ...body },
  });
}

describe("starting a group", () => {
  it("lets a member propose a group that staff find among the proposals", async () => {
    const t = await testApp();
    const areaId = await createArea(t, "01", ["11455"]);
    const proposer = await createActiveMember(t);
    const token = await memberToken(t, proposer);
    const response = await propose(t, token, { areaId, focusTags: ["books"] });
    expect(response.status).toBe(201);
    const group = (await response.json()) as Group;
    expect(response.headers.get("Location")).toBe(`/v1/orgs/demo/groups/${group.id}`);
    expect(group).toMatchObject({
      status: "proposed",
      kind: "interest",
      focusTags: ["books"],
      proposal: { proposedById: proposer, purpose: "Read and discuss one book a month.", areaId, declineReason: null },
    });
    const pending = await json<{ data: Group[] }>(await t.request("GET", "/v1/orgs/demo/groups?status=proposed"), 200);
    expect(pending.data.map((g) => g.id)).toEqual([group.id]);
    const mine = await json<{ data: Group[] }>(await t.request("GET", "/v1/orgs/demo/groups?status=proposed", { key: token }), 200);
    expect(mine.data.map((g) => g.id)).toEqual([group.id]);

    // Another member sees nothing of it.
    const other = await memberToken(t, await createActiveMember(t));
    expect((await t.request("GET", `/v1/orgs/demo/groups/${group.id}`, { key: other })).status).toBe(404);
    expect(
      (await json<{ data: Group[] }>(await t.request("GET", "/v1/orgs/demo/groups?status=proposed", { key: other }), 200)).data,
    ).toEqual([]);
    expect((await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: other })).status).toBe(404);
    // Nor can the proposer join it before it is approved.
    const early = await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: token });
    expect(early.status).toBe(409);
  });

  it("approves a proposal: active, the proposer convener from today; deciding again is 409", async () => {
    const t = await testApp();
    const proposer = await createActiveMember(t);
    const group = await json<Group>(await propose(t, await memberToken(t, proposer)), 201);
    t.clock.advance(3 * 24 * 60 * 60 * 1000);
    const approved = await t.request("POST", `/v1/orgs/demo/groups/${group.id}/approve`);
    expect(await json(approved, 200)).toMatchObject({ status: "active", proposal: { decidedAt: t.clock.now().toISOString() } });
    expect(await rosterOf(t, group.id)).toEqual([
      expect.objectContaining({ memberId: proposer, role: "convener", joinedOn: "2026-11-24" }),
    ]);

    const before = await snapshot(t.database);
    for (const [path, body] of [
      ["approve", undefined],
      ["decline", { reason: "Changed our minds" }],
    ] as const) {
      const again = await t.request("POST", `/v1/orgs/demo/groups/${group.id}/${path}`, { body });
      expect(again.status).toBe(409);
      expect((await problemOf(again)).detail).toContain("active");
    }
    expect(await snapshot(t.database)).toBe(before);
    // The new convener manages the roster of the new group.
    const newcomer = await createActiveMember(t);
    const added = await t.request("POST", `/v1/orgs/demo/groups/${group.id}/members`, {
      key: await memberToken(t, proposer),
      body: { memberId: newcomer },
    });
    expect(added.status).toBe(201);
  });

  it("declines a proposal with a reason the proposer can read", async () => {
    const t = await testApp();
    const proposer = await createActiveMember(t);
    const token = await memberToken(t, proposer);
    const group = await json<Group>(await propose(t, token), 201);
    const before = await snapshot(t.database);
    expect((await t.request("POST", `/v1/orgs/demo/groups/${group.id}/decline`, { body: {} })).status).toBe(422);
    expect((await t.request("POST", `/v1/orgs/demo/groups/${group.id}/decline`, { body: { reason: " " } })).status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);

    const declined = await t.request("POST", `/v1/orgs/demo/groups/${group.id}/decline`, {
      body: { reason: "There is one already: join it." },
    });
    expect(await json(declined, 200)).toMatchObject({ status: "declined" });
    const seen = await json<Group>(await t.request("GET", `/v1/orgs/demo/groups/${group.id}`, { key: token }), 200);
    expect(seen).toMatchObject({ status: "declined", proposal: { declineReason: "There is one already: join it." } });
    expect((await t.request("POST", `/v1/orgs/demo/groups/${group.id}/approve`)).status).toBe(409);
    expect((await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { name: "Renamed" } })).status).toBe(409);
    expect(await rosterOf(t, group.id)).toEqual([]);
  });

  it("needs active standing to propose, and to be made convener on approval", async () => {
    const t = await testApp();
    const none = await createMember(t);
    const noneToken = await memberToken(t, none);
    const before = await snapshot(t.database);
    const refused = await propose(t, noneToken);
    expect(refused.status).toBe(409);
    expect(((await problemOf(refused)) as { reason?: string }).reason).toBe("membership_none");
    expect(await snapshot(t.database)).toBe(before);

    // A proposer whose membership lapses before the decision cannot be made convener.
    const proposer = await createActiveMember(t);
    const group = await json<Group>(await propose(t, await memberToken(t, proposer)), 201);
    t.clock.set("2028-03-01T10:00:00.000Z");
    const snap = await snapshot(t.database);
    const approve = await t.request("POST", `/v1/orgs/demo/groups/${group.id}/approve`);
    expect(approve.status).toBe(409);
    expect((await problemOf(approve)).detail).toContain("lapsed");
    expect(await snapshot(t.database)).toBe(snap);
  });

  it("refuses proposals of district groups and committees, unknown areas, and proposals by keys", async () => {
    const t = await testApp();
    const token = await memberToken(t, await createActiveMember(t));
    const before = await snapshot(t.database);
    expect((await propose(t, token, { kind: "district" })).status).toBe(422);
    expect((await propose(t, token, { kind: "committee" })).status).toBe(422);
    expect((await propose(t, token, { purpose: "" })).status).toBe(422);
    const unknownArea = await propose(t, token, { areaId: "01a1fd1e-8c00-7000-8000-000000000000" });
    expect(unknownArea.status).toBe(422);
    expect((await problemOf(unknownArea)).errors?.[0]?.field).toBe("body.areaId");
    expect((await propose(t, t.adminKey)).status).toBe(403);
    expect((await t.request("POST", "/v1/orgs/demo/groups", { key: token, body: { name: "X", kind: "interest" } })).status).toBe(403);
    expect(await snapshot(t.database)).toBe(before);
  });
});
