import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";
import { type CallerKind, castOfCallers, expectStatuses } from "../helpers/permission-matrix.ts";
import { insertArea, insertGroup, joinGroup } from "./fixtures.ts";

/**
 * The permission table of the member routes, request by request: every action against
 * every kind of caller of the shared cast, and the target member itself (`self`). Each
 * caller acts on a fresh target member of the cast's group, so one caller's successful
 * erasure cannot change what the next one sees.
 */

type Caller = CallerKind | "self";

interface Target {
  id: string;
  membershipId: string;
  token: string;
}

async function world() {
  const cast = await castOfCallers();
  const { t } = cast;
  const type = await createMembershipType(t);
  let n = 0;
  return {
    t,
    type,
    unique: () => `${Date.now()}-${++n}`,
    async target(): Promise<Target> {
      const id = await createMember(t);
      await giveMembership(t, id, type, "2026-01-01");
      await joinGroup(t, cast.group, id);
      const list = await json<{ data: { id: string }[] }>(await t.request("GET", `/v1/orgs/demo/members/${id}/memberships`), 200);
      return { id, membershipId: list.data[0]?.id ?? "", token: await memberToken(t, id) };
    },
    keyFor(caller: Caller, target: Target): Promise<string | null> {
      return caller === "self" ? Promise.resolve(target.token) : cast.key(caller);
    },
  };
}

type World = Awaited<ReturnType<typeof world>>;

interface Row {
  action: string;
  method: string;
  path: (target: Target) => string;
  body?: (w: World) => unknown;
  headers?: Record<string, string>;
  expected: Record<Caller, number>;
}

const m = "/v1/orgs/demo/members";
type Columns = [number, number, number, number, number, number, number, number, number];
/**
 * Expected statuses in the README's columns: anonymous, the member (self), another member
 * (one without a membership), the convener of the member's group, a convener of another
 * group, readonly, staff, admin, another organisation's admin. The members of other
 * standings — in the same group, in another, in grace, the group's lapsed convener — get
 * what another member gets.
 */
const row = ([anonymous, self, noneMember, convener, otherConvener, readonly, staff, admin, otherOrgAdmin]: Columns): Record<
  Caller,
  number
> => ({
  anonymous,
  self,
  noneMember,
  convener,
  otherConvener,
  readonly,
  staff,
  admin,
  otherOrgAdmin,
  groupMember: noneMember,
  otherMember: noneMember,
  graceMember: noneMember,
  lapsedMember: noneMember,
});

const table: Row[] = [
  { action: "list members", method: "GET", path: () => m, expected: row([401, 403, 403, 403, 403, 200, 200, 200, 404]) },
  {
    action: "search members",
    method: "GET",
    path: () => `${m}?q=member`,
    expected: row([401, 403, 403, 403, 403, 200, 200, 200, 404]),
  },
  {
    action: "create a member",
    method: "POST",
    path: () => m,
    body: (w) => ({ name: "New", email: `new-${w.unique()}@example.org` }),
    expected: row([401, 403, 403, 403, 403, 403, 201, 201, 404]),
  },
  { action: "read a member", method: "GET", path: (x) => `${m}/${x.id}`, expected: row([401, 200, 404, 200, 404, 200, 200, 200, 404]) },
  {
    action: "update a member",
    method: "PATCH",
    path: (x) => `${m}/${x.id}`,
    body: () => ({ city: "Uppsala" }),
    expected: row([401, 403, 404, 404, 404, 403, 200, 200, 404]),
  },
  { action: "erase a member", method: "DELETE", path: (x) => `${m}/${x.id}`, expected: row([401, 403, 404, 404, 404, 403, 204, 204, 404]) },
  {
    action: "export a member's data",
    method: "GET",
    path: (x) => `${m}/${x.id}/export`,
    expected: row([401, 200, 404, 404, 404, 403, 200, 200, 404]),
  },
  {
    action: "list a member's memberships",
    method: "GET",
    path: (x) => `${m}/${x.id}/memberships`,
    expected: row([401, 200, 404, 404, 404, 200, 200, 200, 404]),
  },
  {
    action: "read a membership",
    method: "GET",
    path: (x) => `${m}/${x.id}/memberships/${x.membershipId}`,
    expected: row([401, 200, 404, 404, 404, 200, 200, 200, 404]),
  },
  {
    action: "add a membership",
    method: "POST",
    path: (x) => `${m}/${x.id}/memberships`,
    body: (w) => ({ typeId: w.type }),
    expected: row([401, 403, 404, 404, 404, 403, 201, 201, 404]),
  },
  {
    action: "record a payment",
    method: "PATCH",
    path: (x) => `${m}/${x.id}/memberships/${x.membershipId}`,
    body: () => ({ paymentReference: "ref" }),
    expected: row([401, 403, 404, 404, 404, 403, 200, 200, 404]),
  },
  {
    action: "read the district history",
    method: "GET",
    path: (x) => `${m}/${x.id}/district-history`,
    expected: row([401, 200, 404, 404, 404, 200, 200, 200, 404]),
  },
  {
    action: "import members",
    method: "POST",
    path: () => `${m}/import`,
    body: (w) => `name,email\r\nImported,imported-${w.unique()}@example.org\r\n`,
    headers: { "Content-Type": "text/csv" },
    expected: row([401, 403, 403, 403, 403, 403, 200, 200, 404]),
  },
  {
    action: "export the member list as CSV",
    method: "GET",
    path: () => "/v1/orgs/demo/members.csv",
    expected: row([401, 403, 403, 403, 403, 200, 200, 200, 404]),
  },
  {
    action: "list membership types",
    method: "GET",
    path: () => "/v1/orgs/demo/membership-types",
    expected: row([401, 200, 200, 200, 200, 200, 200, 200, 404]),
  },
  {
    action: "create a membership type",
    method: "POST",
    path: () => "/v1/orgs/demo/membership-types",
    body: (w) => ({
      name: `Type ${w.unique()}`,
      kind: "active",
      fee: { amount: 0, currency: "SEK" },
      period: { type: "calendar_year" },
      graceDays: 0,
    }),
    expected: row([401, 403, 403, 403, 403, 403, 201, 201, 404]),
  },
  {
    action: "read own profile (/me)",
    method: "GET",
    path: () => "/v1/orgs/demo/me",
    expected: row([401, 200, 200, 200, 200, 403, 403, 403, 404]),
  },
  {
    action: "change own profile (/me)",
    method: "PATCH",
    path: () => "/v1/orgs/demo/me",
    body: () => ({ city: "Lund" }),
    expected: row([401, 200, 200, 200, 200, 403, 403, 403, 404]),
  },
  {
    action: "own memberships (/me/memberships)",
    method: "GET",
    path: () => "/v1/orgs/demo/me/memberships",
    expected: row([401, 200, 200, 200, 200, 403, 403, 403, 404]),
  },
  {
    action: "own data (/me/export)",
    method: "GET",
    path: () => "/v1/orgs/demo/me/export",
    expected: row([401, 200, 200, 200, 200, 403, 403, 403, 404]),
  },
];

describe("permissions of the member routes", () => {
  it.each(table)("$action", async ({ method, path, body, headers, expected }) => {
    const w = await world();
    await expectStatuses<Caller>(async (caller) => {
      const target = await w.target();
      return w.t.request(method, path(target), { key: await w.keyFor(caller, target), body: body?.(w), headers });
    }, expected);
  });
});

describe("what each caller sees of a member", () => {
  it("shows a convener only the contact view of their group's members", async () => {
    const w = await world();
    const target = await w.target();
    const convener = await w.keyFor("convener", target);
    const contact = await json(await w.t.request("GET", `${m}/${target.id}`, { key: convener }), 200);
    expect(Object.keys(contact).sort()).toEqual(["email", "id", "memberNumber", "name", "phone", "view"]);
    expect(contact.view).toBe("contact");
    const own = await json(await w.t.request("GET", `${m}/${target.id}`, { key: target.token }), 200);
    expect(own).toMatchObject({ view: "full", status: "current" });
    expect(own).toHaveProperty("postalCode");
  });

  it("lets the convener of a district group see the members assigned to it by address", async () => {
    const t = await testApp();
    const area = await insertArea(t, "N", ["11455"]);
    const district = await insertGroup(t, "district", [area]);
    const convener = await createMember(t, { postalCode: "99999" });
    await giveMembership(t, convener, await createMembershipType(t), "2026-01-01");
    await joinGroup(t, district, convener, "convener");
    const resident = await createMember(t, { postalCode: "11455" });
    const elsewhere = await createMember(t, { postalCode: "99999" });
    const token = await memberToken(t, convener);
    expect((await t.request("GET", `${m}/${resident}`, { key: token })).status).toBe(200);
    expect((await t.request("GET", `${m}/${elsewhere}`, { key: token })).status).toBe(404);
  });

  it("stops showing members to a convener who has left the group", async () => {
    const t = await testApp();
    const group = await insertGroup(t);
    const convener = await createMember(t);
    await giveMembership(t, convener, await createMembershipType(t), "2026-01-01");
    await joinGroup(t, group, convener, "convener");
    const member = await createMember(t);
    await joinGroup(t, group, member);
    const token = await memberToken(t, convener);
    expect((await t.request("GET", `${m}/${member}`, { key: token })).status).toBe(200);
    await t.database.client.execute({ sql: "UPDATE group_memberships SET left_on = '2026-11-21' WHERE member_id = ?", args: [convener] });
    expect((await t.request("GET", `${m}/${member}`, { key: token })).status).toBe(404);
  });

  it("stops showing members to a convener whose membership has lapsed, and keeps it through the grace period", async () => {
    const t = await testApp();
    const group = await insertGroup(t);
    const convener = await createMember(t);
    // A calendar-year membership of 2025 with 60 days' grace: in grace until 2026-03-01, lapsed after.
    await giveMembership(t, convener, await createMembershipType(t, { graceDays: 60 }), "2025-01-01");
    await joinGroup(t, group, convener, "convener");
    const member = await createMember(t);
    await joinGroup(t, group, member);
    t.clock.set("2026-02-15T12:00:00.000Z");
    expect((await t.request("GET", `${m}/${member}`, { key: await memberToken(t, convener) })).status).toBe(200);
    t.clock.set("2026-03-02T12:00:00.000Z");
    expect((await t.request("GET", `${m}/${member}`, { key: await memberToken(t, convener) })).status).toBe(404);
  });

  it("answers a member token for another member exactly as for an id that does not exist", async () => {
    const w = await world();
    const target = await w.target();
    const other = await w.keyFor("noneMember", target);
    const existing = await problemOf(await w.t.request("GET", `${m}/${target.id}`, { key: other }));
    const missing = await problemOf(await w.t.request("GET", `${m}/01a1fd1e-8c00-7000-8000-000000000000`, { key: other }));
    expect(existing.detail).toBe(missing.detail);
  });

  it("keeps the member number out of a member's own reach", async () => {
    const t = await testApp();
    const id = await createMember(t, { memberNumber: "55" });
    const token = await memberToken(t, id);
    const response = await t.request("PATCH", "/v1/orgs/demo/me", { key: token, body: { memberNumber: "1" } });
    expect(response.status).toBe(422);
    expect((await json(await t.request("GET", `${m}/${id}`), 200)).memberNumber).toBe("55");
  });
});
