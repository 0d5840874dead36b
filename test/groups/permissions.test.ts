import { describe, expect, it } from "vitest";
import { json, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";
import {
  type Cast,
  castOfCallers,
  expectSeen,
  expectStatuses,
  idsOfPage,
  type Labels,
  type StatusMatrix,
} from "../helpers/permission-matrix.ts";
import { addMember, createArea, createGroup, otherOrgAdmin } from "./helpers.ts";

/**
 * The permission table of areas, groups, rosters and proposals, row by row, for every kind
 * of caller of the shared cast. Each row runs in a fresh organisation; a caller that changes
 * something works on its own target, so the callers of a row do not disturb each other.
 */

interface World {
  cast: Cast;
  t: TestApp;
  group: string;
  area: string;
}

async function world(): Promise<World> {
  const cast = await castOfCallers();
  return { cast, t: cast.t, group: cast.group, area: await createArea(cast.t, "01", ["11455"]) };
}

let counter = 0;
/** Something for one caller to act on, made with the admin key. */
const fresh = {
  member: (w: World) => createActiveMember(w.t),
  rosterMember: async (w: World) => {
    const id = await createActiveMember(w.t);
    await addMember(w.t, w.group, id);
    return id;
  },
  proposal: async (w: World) => {
    const token = await memberToken(w.t, await createActiveMember(w.t));
    const response = await w.t.request("POST", "/v1/orgs/demo/groups/proposals", {
      key: token,
      body: { kind: "interest", name: "P", purpose: "Why" },
    });
    return (await json<{ id: string }>(response, 201)).id;
  },
  area: async (w: World) => createArea(w.t, `x${++counter}`, []),
};

type Row = [action: string, run: (w: World, key: string | null) => Promise<Response>, expected: StatusMatrix];

/**
 * The README's columns, in its order: anonymous, a member (of no group concerned), the
 * group's convener, a convener of another group, readonly, staff, admin, another
 * organisation's admin; then the members of other standings.
 */
const as = (
  [anonymous, otherMember, convener, otherConvener, readonly, staff, admin, otherOrgAdmin]: [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ],
  standings: { groupMember: number; graceMember: number; lapsedMember: number; noneMember: number },
): StatusMatrix => ({ anonymous, otherMember, convener, otherConvener, readonly, staff, admin, otherOrgAdmin, ...standings });
/** The members of other standings get what a member of no group concerned gets. */
const likeAMember = (status: number) => ({ groupMember: status, graceMember: status, lapsedMember: status, noneMember: status });

//                                    anon member convHere convElse readonly staff admin otherOrg
const rows: Row[] = [
  [
    "list groups",
    (w, key) => w.t.request("GET", "/v1/orgs/demo/groups", { key }),
    as([401, 200, 200, 200, 200, 200, 200, 404], likeAMember(200)),
  ],
  [
    "read a group",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}`, { key }),
    as([401, 200, 200, 200, 200, 200, 200, 404], likeAMember(200)),
  ],
  [
    "create a group",
    (w, key) => w.t.request("POST", "/v1/orgs/demo/groups", { key, body: { name: "New", kind: "working" } }),
    as([401, 403, 403, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "edit a group's description, focus and meeting place",
    (w, key) =>
      w.t.request("PATCH", `/v1/orgs/demo/groups/${w.group}`, {
        key,
        body: { description: "New text", focusTags: ["housing"], meetingPlace: "The library" },
      }),
    as([401, 403, 200, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "change anything else of a group (its name, town, region)",
    (w, key) => w.t.request("PATCH", `/v1/orgs/demo/groups/${w.group}`, { key, body: { description: "New text", town: "Luleå" } }),
    as([401, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  // Proposing and joining need active standing: a lapsed membership or none is 409.
  [
    "propose a group",
    (w, key) => w.t.request("POST", "/v1/orgs/demo/groups/proposals", { key, body: { kind: "interest", name: "P", purpose: "Why" } }),
    as([401, 201, 201, 201, 403, 403, 403, 404], { groupMember: 201, graceMember: 201, lapsedMember: 409, noneMember: 409 }),
  ],
  [
    "approve a proposal",
    async (w, key) => w.t.request("POST", `/v1/orgs/demo/groups/${await fresh.proposal(w)}/approve`, { key }),
    as([401, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "decline a proposal",
    async (w, key) => w.t.request("POST", `/v1/orgs/demo/groups/${await fresh.proposal(w)}/decline`, { key, body: { reason: "No" } }),
    as([401, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  // A convener whose membership lapsed keeps the role on the roster but not its rights.
  [
    "read the roster",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/members`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "read the membership history",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/membership-history`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "add a member",
    async (w, key) => addMember(w.t, w.group, await fresh.member(w), "member", key),
    as([401, 403, 201, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "add a convener",
    async (w, key) =>
      w.t.request("POST", `/v1/orgs/demo/groups/${w.group}/members`, { key, body: { memberId: await fresh.member(w), role: "convener" } }),
    as([401, 403, 403, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "change a role",
    async (w, key) =>
      w.t.request("PATCH", `/v1/orgs/demo/groups/${w.group}/members/${await fresh.rosterMember(w)}`, {
        key,
        body: { role: "contact_person" },
      }),
    as([401, 403, 200, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "remove a member",
    async (w, key) => w.t.request("DELETE", `/v1/orgs/demo/groups/${w.group}/members/${await fresh.rosterMember(w)}`, { key }),
    as([401, 403, 204, 403, 403, 204, 204, 404], likeAMember(403)),
  ],
  // The convener of this group is in it already (409), as are its members, the lapsed one too;
  // a member without a membership may not join (409); keys do not join groups (403).
  [
    "join a group",
    (w, key) => w.t.request("POST", `/v1/orgs/demo/me/groups/${w.group}`, { key }),
    as([401, 201, 409, 201, 403, 403, 403, 404], { groupMember: 409, graceMember: 409, lapsedMember: 409, noneMember: 409 }),
  ],
  [
    "list my groups",
    (w, key) => w.t.request("GET", "/v1/orgs/demo/me/groups", { key }),
    as([401, 200, 200, 200, 403, 403, 403, 404], likeAMember(200)),
  ],
  // Only the convener of this group is in it; the others are not (404).
  [
    "leave a group",
    (w, key) => w.t.request("DELETE", `/v1/orgs/demo/me/groups/${w.group}`, { key }),
    as([401, 404, 204, 404, 403, 403, 403, 404], { groupMember: 204, graceMember: 204, lapsedMember: 204, noneMember: 404 }),
  ],
  [
    "list areas",
    (w, key) => w.t.request("GET", "/v1/orgs/demo/areas", { key }),
    as([401, 200, 200, 200, 200, 200, 200, 404], likeAMember(200)),
  ],
  [
    "read postal codes",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/areas/${w.area}/postal-codes`, { key }),
    as([401, 200, 200, 200, 200, 200, 200, 404], likeAMember(200)),
  ],
  [
    "create an area",
    (w, key) => w.t.request("POST", "/v1/orgs/demo/areas", { key, body: { name: "New", code: `n${++counter}` } }),
    as([401, 403, 403, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "update an area",
    (w, key) => w.t.request("PATCH", `/v1/orgs/demo/areas/${w.area}`, { key, body: { name: "Renamed" } }),
    as([401, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "import postal codes",
    (w, key) =>
      w.t.request("PUT", `/v1/orgs/demo/areas/${w.area}/postal-codes`, {
        key,
        body: "11455\n11456\n",
        headers: { "Content-Type": "text/csv" },
      }),
    as([401, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "delete an area",
    async (w, key) => w.t.request("DELETE", `/v1/orgs/demo/areas/${await fresh.area(w)}`, { key }),
    as([401, 403, 403, 403, 403, 204, 204, 404], likeAMember(403)),
  ],
];

describe("permissions", () => {
  for (const [action, run, expected] of rows) {
    it(action, async () => {
      const w = await world();
      await expectStatuses(async (kind) => run(w, await w.cast.key(kind)), expected);
    });
  }
});

describe("who sees whom on a roster", () => {
  /** The roster of the cast's group: its conveners (one of them lapsed), a member and a member in grace. */
  const labelsOf = (cast: Cast): Labels =>
    Object.fromEntries(Object.entries(cast.members).map(([kind, id]) => [id, kind] as const)) as Labels;
  const everyone = ["convener", "groupMember", "graceMember", "lapsedMember"];
  const readers = { readonly: everyone, staff: everyone, admin: everyone, convener: everyone };
  const othersRefused = { anonymous: 401, otherOrgAdmin: 404, groupMember: 403, otherMember: 403, graceMember: 403, noneMember: 403 };

  it("shows the roster, contact details and all, to keys and the group's conveners in good standing only", async () => {
    const cast = await castOfCallers();
    const path = `/v1/orgs/demo/groups/${cast.group}/members`;
    await expectSeen(cast, labelsOf(cast), (key) => cast.t.request("GET", path, { key }), idsOfPage("memberId"), {
      ...readers,
      ...othersRefused,
      // Still convener on the roster, but their membership lapsed: no leader's rights.
      lapsedMember: 403,
    });
  });

  it("shows the membership history to the same callers", async () => {
    const cast = await castOfCallers();
    const path = `/v1/orgs/demo/groups/${cast.group}/membership-history`;
    await expectSeen(cast, labelsOf(cast), (key) => cast.t.request("GET", path, { key }), idsOfPage("memberId"), {
      ...readers,
      ...othersRefused,
      lapsedMember: 403,
    });
  });

  it("lists each member only their own groups (GET /me/groups)", async () => {
    const cast = await castOfCallers();
    const labels: Labels = { [cast.group]: "the group", [cast.otherGroup]: "the other group" };
    const read = async (response: Response) =>
      ((await response.json()) as { data: { group: { id: string } }[] }).data.map((entry) => entry.group.id);
    await expectSeen(cast, labels, (key) => cast.t.request("GET", "/v1/orgs/demo/me/groups", { key }), read, {
      anonymous: 401,
      readonly: 403,
      otherOrgAdmin: 404,
      convener: ["the group"],
      groupMember: ["the group"],
      otherMember: ["the other group"],
      graceMember: ["the group"],
      lapsedMember: ["the group"],
      noneMember: [],
    });
  });
});

describe("tenancy", () => {
  it("never lets another organisation reach our groups, areas or members through its own paths", async () => {
    const t = await testApp();
    const theirs = await otherOrgAdmin(t);
    const area = await createArea(t, "01", ["11455"]);
    const group = await createGroup(t, { name: "Ours" });
    const member = await createActiveMember(t);
    const as = { key: theirs };
    expect((await t.request("GET", `/v1/orgs/other/groups/${group.id}`, as)).status).toBe(404);
    expect((await t.request("GET", `/v1/orgs/other/groups/${group.id}/members`, as)).status).toBe(404);
    expect((await t.request("GET", `/v1/orgs/other/areas/${area}`, as)).status).toBe(404);
    expect((await t.request("GET", `/v1/orgs/other/areas/${area}/postal-codes`, as)).status).toBe(404);
    expect((await t.request("DELETE", `/v1/orgs/other/areas/${area}`, as)).status).toBe(404);
    expect((await t.request("GET", "/v1/orgs/other/areas?postalCode=11455", as)).status).toBe(200);
    const listed = await t.request("GET", "/v1/orgs/other/groups", as);
    expect(((await listed.json()) as { data: unknown[] }).data).toEqual([]);
    // Our ids in their requests are unknown to them.
    const district = await t.request("POST", "/v1/orgs/other/groups", { ...as, body: { name: "D", kind: "district", areaIds: [area] } });
    expect(district.status).toBe(422);
    const child = await t.request("POST", "/v1/orgs/other/groups", { ...as, body: { name: "C", kind: "local", parentId: group.id } });
    expect(child.status).toBe(422);
    // Their postal codes may overlap ours: areas are per organisation.
    const overlapping = await t.request("POST", "/v1/orgs/other/areas", {
      ...as,
      body: { name: "Theirs", code: "01", postalCodes: ["11455"] },
    });
    expect(overlapping.status).toBe(201);
    const theirGroup = (await (
      await t.request("POST", "/v1/orgs/other/groups", { ...as, body: { name: "G", kind: "interest" } })
    ).json()) as {
      id: string;
    };
    const addOurs = await t.request("POST", `/v1/orgs/other/groups/${theirGroup.id}/members`, { ...as, body: { memberId: member } });
    expect(addOurs.status).toBe(422);
  });
});
