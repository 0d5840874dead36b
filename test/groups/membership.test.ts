import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, createMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";
import { addMember, createGroup, keyWithRole, type RosterEntry, rosterOf } from "./helpers.ts";

type Problem = Awaited<ReturnType<typeof problemOf>> & { reason?: string };
type Record_ = { memberId: string; role: string; source: string; joinedOn: string; leftOn: string | null };
type MyGroup = { group: { id: string; name: string }; role: string; joinedOn: string; source: string };

const day = 24 * 60 * 60 * 1000;

async function historyOf(t: TestApp, groupId: string, query = ""): Promise<Record_[]> {
  return (await json<{ data: Record_[] }>(await t.request("GET", `/v1/orgs/demo/groups/${groupId}/membership-history${query}`), 200)).data;
}

describe("joining a group", () => {
  it("lets a member in active standing join an active group, and shows it among their groups", async () => {
    const t = await testApp();
    const group = await createGroup(t, { name: "Study circle", kind: "interest" });
    const memberId = await createActiveMember(t);
    const token = await memberToken(t, memberId);
    const joined = await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: token });
    expect(joined.status).toBe(201);
    expect(joined.headers.get("Location")).toBe(`/v1/orgs/demo/me/groups/${group.id}`);
    expect(await joined.json()).toMatchObject({
      group: { id: group.id, name: "Study circle" },
      role: "member",
      joinedOn: "2026-11-21",
      source: "explicit",
    });
    const mine = await json<{ data: MyGroup[] }>(await t.request("GET", "/v1/orgs/demo/me/groups", { key: token }), 200);
    expect(mine.data.map((g) => [g.group.id, g.role])).toEqual([[group.id, "member"]]);
    expect((await t.request("GET", `/v1/orgs/demo/me/groups/${group.id}`, { key: token })).status).toBe(200);
  });

  it("refuses members without active standing with 409 and the reason: lapsed, supporting, none", async () => {
    const t = await testApp();
    const group = await createGroup(t, { kind: "working", name: "Campaign team" });
    const lapsed = await createMember(t);
    await giveMembership(t, lapsed, await createMembershipType(t), "2024-01-01");
    const supporting = await createMember(t);
    await giveMembership(t, supporting, await createMembershipType(t, { kind: "supporting" }));
    const none = await createMember(t);
    const tokens = { lapsed: await memberToken(t, lapsed), supporting: await memberToken(t, supporting), none: await memberToken(t, none) };

    const before = await snapshot(t.database);
    const cases = [
      ["lapsed", "membership_lapsed", /lapsed/],
      ["supporting", "membership_not_active_kind", /supporting membership/],
      ["none", "membership_none", /no membership/],
    ] as const;
    for (const [who, reason, detail] of cases) {
      const response = await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: tokens[who] });
      expect(response.status, who).toBe(409);
      const problem = (await problemOf(response)) as Problem;
      expect(problem.reason).toBe(reason);
      expect(problem.detail).toMatch(detail);
    }
    const byStaff = await addMember(t, group.id, lapsed);
    expect(byStaff.status).toBe(409);
    expect(((await problemOf(byStaff)) as Problem).reason).toBe("membership_lapsed");
    expect(await snapshot(t.database)).toBe(before);
  });

  it("lets a member whose membership is in its grace period join", async () => {
    const t = await testApp();
    t.clock.set("2027-01-10T10:00:00.000Z");
    const group = await createGroup(t, {});
    const memberId = await createMember(t);
    await giveMembership(t, memberId, await createMembershipType(t, { graceDays: 30 }), "2026-01-01");
    expect((await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: await memberToken(t, memberId) })).status).toBe(201);
  });

  it("refuses joining twice, closed groups, committees and unknown groups", async () => {
    const t = await testApp();
    const group = await createGroup(t, {});
    const committee = await createGroup(t, { kind: "committee", name: "Nominating committee" });
    const closed = await createGroup(t, { name: "Old circle" });
    await t.request("PATCH", `/v1/orgs/demo/groups/${closed.id}`, { body: { status: "closed" } });
    const memberId = await createActiveMember(t);
    const token = await memberToken(t, memberId);
    expect((await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: token })).status).toBe(201);

    const before = await snapshot(t.database);
    const twice = await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: token });
    expect(twice.status).toBe(409);
    expect(((await problemOf(twice)) as Problem).reason).toBe("already_member");
    const twiceByStaff = await addMember(t, group.id, memberId);
    expect(twiceByStaff.status).toBe(409);
    expect((await t.request("POST", `/v1/orgs/demo/me/groups/${committee.id}`, { key: token })).status).toBe(403);
    // A member cannot see a closed group (404); staff adding to it learn why (409).
    expect((await t.request("POST", `/v1/orgs/demo/me/groups/${closed.id}`, { key: token })).status).toBe(404);
    const toClosed = await addMember(t, closed.id, memberId);
    expect(toClosed.status).toBe(409);
    expect(((await problemOf(toClosed)) as Problem).reason).toBe("group_not_active");
    expect((await t.request("POST", "/v1/orgs/demo/me/groups/01a1fd1e-8c00-7000-8000-000000000000", { key: token })).status).toBe(404);
    const unknownMember = await addMember(t, group.id, "01a1fd1e-8c00-7000-8000-000000000000");
    expect(unknownMember.status).toBe(422);
    expect((await addMember(t, group.id, memberId, "chair")).status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("keeps the history when a member leaves and rejoins", async () => {
    const t = await testApp();
    const group = await createGroup(t, {});
    const memberId = await createActiveMember(t);
    await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: await memberToken(t, memberId) });
    t.clock.advance(10 * day);
    // Member tokens are short-lived: sign in again after the days pass.
    let token = await memberToken(t, memberId);
    expect((await t.request("DELETE", `/v1/orgs/demo/me/groups/${group.id}`, { key: token })).status).toBe(204);
    expect(await rosterOf(t, group.id)).toEqual([]);
    expect((await t.request("DELETE", `/v1/orgs/demo/me/groups/${group.id}`, { key: token })).status).toBe(404);
    expect((await json<{ data: unknown[] }>(await t.request("GET", "/v1/orgs/demo/me/groups", { key: token }), 200)).data).toEqual([]);
    t.clock.advance(20 * day);
    token = await memberToken(t, memberId);
    expect((await t.request("POST", `/v1/orgs/demo/me/groups/${group.id}`, { key: token })).status).toBe(201);
    expect(await historyOf(t, group.id)).toEqual([
      expect.objectContaining({ memberId, role: "member", source: "explicit", joinedOn: "2026-11-21", leftOn: "2026-12-01" }),
      expect.objectContaining({ memberId, role: "member", source: "explicit", joinedOn: "2026-12-21", leftOn: null }),
    ]);
  });

  it("ends every open membership when the group closes", async () => {
    const t = await testApp();
    const group = await createGroup(t, {});
    const memberId = await createActiveMember(t);
    expect((await addMember(t, group.id, memberId, "convener")).status).toBe(201);
    t.clock.advance(day);
    await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { status: "closed" } });
    expect(await historyOf(t, group.id)).toEqual([expect.objectContaining({ memberId, role: "convener", leftOn: "2026-11-22" })]);
    expect(
      (await json<{ data: unknown[] }>(await t.request("GET", "/v1/orgs/demo/me/groups", { key: await memberToken(t, memberId) }), 200))
        .data,
    ).toEqual([]);
  });
});

describe("roles and the roster", () => {
  it("records each role's period when a role changes", async () => {
    const t = await testApp();
    const group = await createGroup(t, {});
    const memberId = await createActiveMember(t);
    await addMember(t, group.id, memberId);
    t.clock.advance(day);
    const changed = await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}/members/${memberId}`, { body: { role: "convener" } });
    expect(await json(changed, 200)).toMatchObject({ memberId, role: "convener", joinedOn: "2026-11-22" });
    expect((await historyOf(t, group.id, `?memberId=${memberId}`)).map((r) => [r.role, r.joinedOn, r.leftOn])).toEqual([
      ["member", "2026-11-21", "2026-11-22"],
      ["convener", "2026-11-22", null],
    ]);
    expect(
      (await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}/members/${await createActiveMember(t)}`, { body: { role: "convener" } }))
        .status,
    ).toBe(404);
  });

  it("allows more than two conveners", async () => {
    const t = await testApp();
    const group = await createGroup(t, {});
    for (let i = 0; i < 3; i++) expect((await addMember(t, group.id, await createActiveMember(t), "convener")).status).toBe(201);
    const conveners = await json<{ data: RosterEntry[] }>(
      await t.request("GET", `/v1/orgs/demo/groups/${group.id}/members?role=convener`),
      200,
    );
    expect(conveners.data).toHaveLength(3);
  });

  it("shows contact details to keys and the group's leaders; other members get 403, or 404 for a hidden group", async () => {
    const t = await testApp();
    const group = await createGroup(t, {});
    const other = await createGroup(t, { name: "Other" });
    const convener = await createActiveMember(t, { phone: "+46 70 111 11 11" });
    const contact = await createActiveMember(t);
    const plain = await createActiveMember(t, { phone: "+46 70 222 22 22" });
    const otherConvener = await createActiveMember(t);
    await addMember(t, group.id, convener, "convener");
    await addMember(t, group.id, contact, "contact_person");
    await addMember(t, group.id, plain);
    await addMember(t, other.id, otherConvener, "convener");
    const proposal = await t.request("POST", "/v1/orgs/demo/groups/proposals", {
      key: await memberToken(t, otherConvener),
      body: { kind: "interest", name: "Secret", purpose: "Reading" },
    });
    const proposalId = (await json<{ id: string }>(proposal, 201)).id;

    for (const key of [
      await keyWithRole(t, "readonly"),
      await keyWithRole(t, "staff"),
      t.adminKey,
      await memberToken(t, convener),
      await memberToken(t, contact),
    ]) {
      const roster = await rosterOf(t, group.id, key);
      expect(roster.find((e) => e.memberId === plain)).toMatchObject({
        name: expect.any(String),
        email: expect.stringContaining("@"),
        phone: "+46 70 222 22 22",
      });
    }
    for (const key of [await memberToken(t, plain), await memberToken(t, otherConvener)]) {
      const response = await t.request("GET", `/v1/orgs/demo/groups/${group.id}/members`, { key });
      expect(response.status).toBe(403);
      expect((await t.request("GET", `/v1/orgs/demo/groups/${group.id}/membership-history`, { key })).status).toBe(403);
      expect((await t.request("GET", `/v1/orgs/demo/groups/${group.id}/members/${plain}`, { key })).status).toBe(403);
    }
    // Another member's proposal is invisible to a member, roster and all.
    const hidden = await t.request("GET", `/v1/orgs/demo/groups/${proposalId}/members`, { key: await memberToken(t, plain) });
    expect(hidden.status).toBe(404);
  });

  it("lets conveners manage members and contact persons, but not conveners or committees", async () => {
    const t = await testApp();
    const group = await createGroup(t, {});
    const committee = await createGroup(t, { kind: "committee", name: "Nominating committee" });
    const convener = await createActiveMember(t);
    const coConvener = await createActiveMember(t);
    await addMember(t, group.id, convener, "convener");
    await addMember(t, group.id, coConvener, "convener");
    await addMember(t, committee.id, convener, "convener");
    const key = await memberToken(t, convener);
    const newcomer = await createActiveMember(t);
    const candidate = await createActiveMember(t);

    expect((await addMember(t, group.id, newcomer, "member", key)).status).toBe(201);
    const promoted = await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}/members/${newcomer}`, {
      key,
      body: { role: "contact_person" },
    });
    expect(promoted.status).toBe(200);

    const before = await snapshot(t.database);
    expect((await addMember(t, group.id, candidate, "convener", key)).status).toBe(403);
    expect(
      (await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}/members/${newcomer}`, { key, body: { role: "convener" } })).status,
    ).toBe(403);
    expect((await t.request("DELETE", `/v1/orgs/demo/groups/${group.id}/members/${coConvener}`, { key })).status).toBe(403);
    expect((await addMember(t, committee.id, candidate, "member", key)).status).toBe(403);
    expect(await snapshot(t.database)).toBe(before);

    expect((await t.request("DELETE", `/v1/orgs/demo/groups/${group.id}/members/${newcomer}`, { key })).status).toBe(204);
    // A convener may step down by themselves.
    expect((await t.request("DELETE", `/v1/orgs/demo/groups/${group.id}/members/${convener}`, { key })).status).toBe(204);
    expect((await rosterOf(t, group.id)).map((e) => e.memberId)).toEqual([coConvener]);
  });
});
