import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, createMember, memberToken } from "../helpers/members.ts";
import { addMember, createArea, createGroup, districtOf, type Group, rosterOf } from "./helpers.ts";

type Stay = { areaId: string | null; districtGroupId: string | null; postalCode: string | null; to: string | null; reason: string };

async function historyOf(t: TestApp, memberId: string): Promise<Stay[]> {
  return (await json<{ data: Stay[] }>(await t.request("GET", `/v1/orgs/demo/members/${memberId}/district-history`), 200)).data;
}

describe("district groups", () => {
  it("assigns the members of its areas when created (the contract call)", async () => {
    const t = await testApp();
    const areaId = await createArea(t, "01", ["114 55"]);
    const memberId = await createMember(t, { postalCode: "11455" });
    expect(await districtOf(t, memberId)).toMatchObject({ areaId, districtGroupId: null });

    const response = await t.request("POST", "/v1/orgs/demo/groups", { body: { name: "Östermalm", kind: "district", areaIds: [areaId] } });
    expect(response.status).toBe(201);
    const group = (await response.json()) as Group;
    expect(group).toMatchObject({ kind: "district", status: "active", areaIds: [areaId] });
    expect(response.headers.get("Location")).toBe(`/v1/orgs/demo/groups/${group.id}`);
    expect(await districtOf(t, memberId)).toMatchObject({ areaId, districtGroupId: group.id });
    const area = await json<{ districtGroupId: string }>(await t.request("GET", `/v1/orgs/demo/areas/${areaId}`), 200);
    expect(area.districtGroupId).toBe(group.id);
    const roster = await rosterOf(t, group.id);
    expect(roster).toEqual([expect.objectContaining({ memberId, role: "member", source: "district", joinedOn: "2026-11-21" })]);
  });

  it("covers two merged areas with one group", async () => {
    const t = await testApp();
    const a = await createArea(t, "01", ["11455"]);
    const b = await createArea(t, "02", ["11122"]);
    const inA = await createMember(t, { postalCode: "11455" });
    const inB = await createMember(t, { postalCode: "111 22" });
    const group = await createGroup(t, { name: "Inner city", kind: "district", areaIds: [a, b] });
    expect(group.areaIds.sort()).toEqual([a, b].sort());
    expect((await districtOf(t, inA)).districtGroupId).toBe(group.id);
    expect((await districtOf(t, inB)).districtGroupId).toBe(group.id);
    expect((await rosterOf(t, group.id)).map((e) => e.memberId).sort()).toEqual([inA, inB].sort());
    const listed = await json<{ data: Group[] }>(await t.request("GET", `/v1/orgs/demo/groups?areaId=${b}`), 200);
    expect(listed.data.map((g) => g.id)).toEqual([group.id]);
  });

  it("refuses an area another district group covers (409) and areas on other kinds (422), changing nothing", async () => {
    const t = await testApp();
    const a = await createArea(t, "01", ["11455"]);
    await createGroup(t, { name: "First", kind: "district", areaIds: [a] });
    const before = await snapshot(t.database);
    const taken = await t.request("POST", "/v1/orgs/demo/groups", { body: { name: "Second", kind: "district", areaIds: [a] } });
    expect(taken.status).toBe(409);
    expect((await problemOf(taken)).detail).toContain("First");
    const wrongKind = await t.request("POST", "/v1/orgs/demo/groups", { body: { name: "Circle", kind: "interest", areaIds: [a] } });
    expect(wrongKind.status).toBe(422);
    expect((await problemOf(wrongKind)).errors?.[0]?.field).toBe("body.areaIds");
    const unknown = await t.request("POST", "/v1/orgs/demo/groups", {
      body: { name: "Third", kind: "district", areaIds: ["01a1fd1e-8c00-7000-8000-000000000000"] },
    });
    expect(unknown.status).toBe(422);
    expect((await problemOf(unknown)).errors?.[0]?.field).toBe("body.areaIds.0");
    expect(await snapshot(t.database)).toBe(before);
  });

  it("follows a member who moves from area A (G1) to area B (G2), keeping both in the history", async () => {
    const t = await testApp();
    const a = await createArea(t, "01", ["11455"]);
    const b = await createArea(t, "02", ["41301"]);
    const g1 = await createGroup(t, { name: "G1", kind: "district", areaIds: [a] });
    const g2 = await createGroup(t, { name: "G2", kind: "district", areaIds: [b] });
    const memberId = await createMember(t, { postalCode: "11455" });
    expect((await districtOf(t, memberId)).districtGroupId).toBe(g1.id);

    t.clock.advance(24 * 60 * 60 * 1000);
    const moved = await t.request("PATCH", `/v1/orgs/demo/members/${memberId}`, { body: { postalCode: "413 01" } });
    expect(moved.status, await moved.clone().text()).toBe(200);
    expect(await districtOf(t, memberId)).toMatchObject({ areaId: b, districtGroupId: g2.id });

    const history = await historyOf(t, memberId);
    const g1Stay = history.find((s) => s.districtGroupId === g1.id);
    const g2Stay = history.find((s) => s.districtGroupId === g2.id);
    expect(g1Stay).toMatchObject({ areaId: a, to: t.clock.now().toISOString() });
    expect(g2Stay).toMatchObject({ areaId: b, to: null, reason: "address_changed" });
    expect((await rosterOf(t, g1.id)).map((e) => e.memberId)).toEqual([]);
    expect((await rosterOf(t, g2.id)).map((e) => e.memberId)).toEqual([memberId]);

    // The group's own history shows the stay that ended.
    const g1History = await json<{ data: { memberId: string; joinedOn: string; leftOn: string | null; source: string }[] }>(
      await t.request("GET", `/v1/orgs/demo/groups/${g1.id}/membership-history`),
      200,
    );
    expect(g1History.data).toEqual([
      expect.objectContaining({ memberId, source: "district", joinedOn: "2026-11-21", leftOn: "2026-11-22" }),
    ]);
  });

  it("moves members when an area's postal codes change, with a history row each", async () => {
    const t = await testApp();
    const a = await createArea(t, "01", ["11455"]);
    const group = await createGroup(t, { name: "G1", kind: "district", areaIds: [a] });
    const stays = await createMember(t, { postalCode: "11455" });
    const arrives = await createMember(t, { postalCode: "11466" });
    expect((await districtOf(t, arrives)).districtGroupId).toBeNull();

    const added = await t.request("POST", `/v1/orgs/demo/areas/${a}/postal-codes`, {
      body: "11466\n",
      headers: { "Content-Type": "text/csv" },
    });
    expect(await json(added, 200)).toMatchObject({ added: 1, membersReassigned: 1 });
    expect(await districtOf(t, arrives)).toMatchObject({ areaId: a, districtGroupId: group.id });
    expect((await historyOf(t, arrives))[0]).toMatchObject({ districtGroupId: group.id, reason: "areas_changed", to: null });

    const replaced = await t.request("PUT", `/v1/orgs/demo/areas/${a}/postal-codes`, { body: { postalCodes: ["11466"] } });
    expect(await json(replaced, 200)).toMatchObject({ removed: 1, membersReassigned: 1 });
    expect(await districtOf(t, stays)).toEqual(expect.objectContaining({ areaId: null, districtGroupId: null }));
    const history = await historyOf(t, stays);
    expect(history[0]).toMatchObject({ areaId: null, districtGroupId: null, reason: "areas_changed", to: null });
    expect(history[1]).toMatchObject({ areaId: a, districtGroupId: group.id });
    expect(history[1]?.to).not.toBeNull();

    // Moving a code from another area moves its members to this area's group.
    const b = await createArea(t, "02", ["41301"]);
    const fromB = await createMember(t, { postalCode: "41301" });
    expect((await districtOf(t, fromB)).areaId).toBe(b);
    const move = await t.request("POST", `/v1/orgs/demo/areas/${a}/postal-codes?move=true`, { body: { postalCodes: ["41301"] } });
    expect(await json(move, 200)).toMatchObject({ moved: [{ postalCode: "41301", fromAreaId: b }], membersReassigned: 1 });
    expect(await districtOf(t, fromB)).toMatchObject({ areaId: a, districtGroupId: group.id });
  });

  it("leaves members unassigned whose postal code lies in no area, or in an area no group covers", async () => {
    const t = await testApp();
    const uncovered = await createArea(t, "05", ["75000"]);
    const nowhere = await createActiveMember(t, { postalCode: "99999" });
    const inUncovered = await createActiveMember(t, { postalCode: "75000" });
    expect(await districtOf(t, nowhere)).toMatchObject({ areaId: null, districtGroupId: null });
    expect(await districtOf(t, inUncovered)).toMatchObject({ areaId: uncovered, districtGroupId: null });
    const mine = await json<{ data: unknown[] }>(
      await t.request("GET", "/v1/orgs/demo/me/groups", { key: await memberToken(t, nowhere) }),
      200,
    );
    expect(mine.data).toEqual([]);
  });

  it("refuses to delete an area an active district group covers; once freed, its members become unassigned", async () => {
    const t = await testApp();
    const a = await createArea(t, "01", ["11455"]);
    const b = await createArea(t, "02", ["11122"]);
    const group = await createGroup(t, { name: "G", kind: "district", areaIds: [a, b] });
    const memberId = await createMember(t, { postalCode: "11455" });
    const before = await snapshot(t.database);
    const refused = await t.request("DELETE", `/v1/orgs/demo/areas/${a}`);
    t.clock.advance(60_000);
    expect(refused.status).toBe(409);
    expect((await problemOf(refused)).detail).toContain("'G'");
    expect(await snapshot(t.database)).toBe(before);

    const shrunk = await json<Group>(await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { areaIds: [b] } }), 200);
    expect(shrunk.areaIds).toEqual([b]);
    expect(await districtOf(t, memberId)).toMatchObject({ areaId: a, districtGroupId: null });
    t.clock.advance(60_000);
    expect((await t.request("DELETE", `/v1/orgs/demo/areas/${a}`)).status).toBe(204);
    expect(await districtOf(t, memberId)).toMatchObject({ areaId: null, districtGroupId: null });
    const history = await historyOf(t, memberId);
    expect(history.map((s) => [s.areaId, s.districtGroupId])).toEqual([
      [null, null],
      [a, null],
      [a, group.id],
    ]);
  });

  it("unassigns its members when closed, reassigns them when reopened, and lets another group take a closed group's areas", async () => {
    const t = await testApp();
    const a = await createArea(t, "01", ["11455"]);
    const group = await createGroup(t, { name: "Old", kind: "district", areaIds: [a] });
    const memberId = await createActiveMember(t, { postalCode: "11455" });
    const convener = await createActiveMember(t, { postalCode: "99999" });
    expect((await addMember(t, group.id, convener, "convener")).status).toBe(201);

    const closed = await json<Group>(await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { status: "closed" } }), 200);
    expect(closed.status).toBe("closed");
    expect((await districtOf(t, memberId)).districtGroupId).toBeNull();
    expect(await rosterOf(t, group.id)).toEqual([]);

    const reopened = await json<Group>(await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { status: "active" } }), 200);
    expect(reopened.areaIds).toEqual([a]);
    expect((await districtOf(t, memberId)).districtGroupId).toBe(group.id);

    await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { status: "closed" } });
    const successor = await createGroup(t, { name: "New", kind: "district", areaIds: [a] });
    expect((await districtOf(t, memberId)).districtGroupId).toBe(successor.id);
    const old = await json<Group>(await t.request("GET", `/v1/orgs/demo/groups/${group.id}`), 200);
    expect(old.areaIds).toEqual([]);
  });

  it("changes nothing when the If-Match of an area change is stale", async () => {
    const t = await testApp();
    const a = await createArea(t, "01", ["11455"]);
    const b = await createArea(t, "02", ["11122"]);
    const group = await createGroup(t, { name: "G", kind: "district", areaIds: [a] });
    await createMember(t, { postalCode: "11455" });
    expect(
      (await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { name: "G2" }, headers: { "If-Match": '"1"' } })).status,
    ).toBe(200);
    const before = await snapshot(t.database);
    const stale = await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { areaIds: [b] }, headers: { "If-Match": '"1"' } });
    expect(stale.status).toBe(412);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("takes conveners and contact persons as explicit roles, but not ordinary members", async () => {
    const t = await testApp();
    const a = await createArea(t, "01", ["11455"]);
    const group = await createGroup(t, { name: "G", kind: "district", areaIds: [a] });
    const resident = await createActiveMember(t, { postalCode: "11455" });
    const outsider = await createActiveMember(t, { postalCode: "99999" });
    // Signing the first token stores the deployment's token secret: do it before the snapshot.
    const outsiderToken = await memberToken(t, outsider);
    const before = await snapshot(t.database);
    const refused = await addMember(t, group.id, outsider, "member");
    expect(refused.status).toBe(409);
    const problem = (await problemOf(refused)) as { detail: string; reason?: string };
    expect(problem.reason).toBe("district_assigned");
    expect(problem.detail).toContain("address");
    const join = await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: outsiderToken });
    expect(join.status).toBe(409);
    expect(await snapshot(t.database)).toBe(before);

    expect((await addMember(t, group.id, resident, "convener")).status).toBe(201);
    expect((await addMember(t, group.id, outsider, "contact_person")).status).toBe(201);
    const roster = await rosterOf(t, group.id);
    expect(roster.map((e) => [e.memberId, e.role, e.source]).sort()).toEqual(
      [
        [resident, "convener", "explicit"],
        [outsider, "contact_person", "explicit"],
      ].sort(),
    );
    // Leaving the district group of one's address is not possible; ending the role is.
    const token = await memberToken(t, resident);
    expect((await t.request("DELETE", `/v1/orgs/demo/me/groups/${group.id}`, { key: token })).status).toBe(204);
    const again = await t.request("DELETE", `/v1/orgs/demo/me/groups/${group.id}`, { key: token });
    expect(again.status).toBe(409);
    expect(((await problemOf(again)) as { reason?: string }).reason).toBe("district_assigned");
    expect((await rosterOf(t, group.id)).find((e) => e.memberId === resident)).toMatchObject({ role: "member", source: "district" });
  });
});
