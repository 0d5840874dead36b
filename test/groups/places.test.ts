import type { InStatement } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";
import { addMember, createArea, createGroup, type Group } from "./helpers.ts";

/** Where local groups are (towns, areas, regions), what their list tells, and what conveners keep themselves. */

interface Placed extends Group {
  town: string | null;
  areaId: string | null;
  meetingPlace: string | null;
  description: string | null;
  memberCount: number;
  conveners: { memberId: string; name: string | null }[];
}

async function listAll(t: TestApp, query: string, key?: string): Promise<Placed[]> {
  const out: Placed[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: Placed[]; nextCursor: string | null } = await json(
      await t.request("GET", `/v1/orgs/demo/groups?${query}${cursor ? `&cursor=${cursor}` : ""}`, { key }),
      200,
    );
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Counts the statements the app sends while `run` runs. */
async function statementsDuring(t: TestApp, run: () => Promise<unknown>): Promise<number> {
  const client = t.database.client;
  let count = 0;
  const execute = client.execute.bind(client);
  const batch = client.batch.bind(client);
  client.execute = ((stmt: InStatement) => {
    count++;
    return execute(stmt);
  }) as typeof client.execute;
  client.batch = ((stmts: InStatement[], mode?: Parameters<typeof batch>[1]) => {
    count += stmts.length;
    return batch(stmts, mode);
  }) as typeof client.batch;
  try {
    await run();
  } finally {
    client.execute = execute;
    client.batch = batch;
  }
  return count;
}

const regionNames = ["Norr", "Mitt", "Väst", "Öst", "Syd"];
// Setting up 190 groups through the API takes a few seconds; on a busy machine, more.

/** A human-rights movement's section: five regions and 190 local groups, each in its own town under one of them. */
async function movement(t: TestApp) {
  const regions: Placed[] = [];
  for (const name of regionNames) regions.push((await createGroup(t, { kind: "region", name: `Region ${name}` })) as Placed);
  const locals: Placed[] = [];
  for (let i = 0; i < 190; i++) {
    const region = regions[i % regions.length] as Placed;
    locals.push(
      (await createGroup(t, {
        kind: "local",
        name: `Group ${String(i).padStart(3, "0")}`,
        town: `Town ${i}`,
        parentId: region.id,
      })) as Placed,
    );
  }
  return { regions, locals };
}

describe("local groups in towns and regions", () => {
  it("places 190 local groups each in a town under a region, and lists them by region and by town", async () => {
    const t = await testApp();
    const { regions, locals } = await movement(t);
    expect(locals[7]).toMatchObject({ kind: "local", town: "Town 7", parentId: regions[2]?.id, memberCount: 0, conveners: [] });

    for (const [r, region] of regions.entries()) {
      const listed = await listAll(t, `regionId=${region.id}&limit=20`);
      const expected = locals.filter((_, i) => i % regions.length === r);
      expect(listed.map((g) => g.id)).toEqual(expected.map((g) => g.id));
    }
    expect((await listAll(t, "town=town%20123")).map((g) => g.name)).toEqual(["Group 123"]);
    expect(await listAll(t, "kind=region")).toHaveLength(5);

    // A region may hold sub-regions: their groups are in the region too.
    const sub = (await createGroup(t, { kind: "region", name: "Region Norr – coast", parentId: regions[0]?.id })) as Placed;
    const coastal = (await createGroup(t, { kind: "local", name: "Group coast", town: "Piteå", parentId: sub.id })) as Placed;
    const north = await listAll(t, `regionId=${regions[0]?.id}&limit=200`);
    expect(north.map((g) => g.id)).toContain(coastal.id);
    expect(north.map((g) => g.id)).toContain(sub.id);
    expect(north).toHaveLength(38 + 2);
  }, 60_000);

  it("refuses a region filter that is no region, and an unknown area, with 422", async () => {
    const t = await testApp();
    const local = (await createGroup(t, { kind: "local", name: "Umeå group", town: "Umeå" })) as Placed;
    const notRegion = await t.request("GET", `/v1/orgs/demo/groups?regionId=${local.id}`);
    expect(notRegion.status).toBe(422);
    expect((await problemOf(notRegion)).errors?.map((e) => e.field)).toEqual(["query.regionId"]);
    const before = await snapshot(t.database);
    const badArea = await t.request("POST", "/v1/orgs/demo/groups", {
      body: { kind: "local", name: "X", areaId: "0195f1e2-7a4b-7c3d-8e9f-0a1b2c3d4e5f" },
    });
    expect(badArea.status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("lets a local group name an area it works in (not exclusive), found by the area, cleared when the area goes", async () => {
    const t = await testApp();
    const area = await createArea(t, "07", []);
    const a = (await createGroup(t, { kind: "local", name: "A", areaId: area })) as Placed;
    const b = (await createGroup(t, { kind: "local", name: "B", areaId: area, town: "Malmö" })) as Placed;
    expect((await listAll(t, `areaId=${area}`)).map((g) => g.id)).toEqual([a.id, b.id]);
    expect((await t.request("DELETE", `/v1/orgs/demo/areas/${area}`)).status).toBe(204);
    const after = await json<Placed>(await t.request("GET", `/v1/orgs/demo/groups/${b.id}`), 200);
    expect(after).toMatchObject({ areaId: null, town: "Malmö" });
  });
});

describe("the groups list", () => {
  it("carries each group's member count and conveners, for a page in the same number of statements whatever its size", async () => {
    const t = await testApp();
    const { locals } = await movement(t);
    const [first, second] = locals as [Placed, Placed];
    const people = await Promise.all(Array.from({ length: 5 }, () => createActiveMember(t)));
    const [ann, ben, cy, dee, eve] = people as [string, string, string, string, string];
    for (const [member, role] of [
      [ann, "convener"],
      [ben, "convener"],
      [cy, "member"],
      [dee, "member"],
      [eve, "contact_person"],
    ] as const) {
      expect((await addMember(t, first.id, member, role)).status).toBe(201);
    }
    expect((await addMember(t, second.id, cy, "convener")).status).toBe(201);
    const names = async (ids: string[]) =>
      Promise.all(ids.map(async (id) => (await json<{ name: string }>(await t.request("GET", `/v1/orgs/demo/members/${id}`), 200)).name));
    const [annName, benName, cyName] = await names([ann, ben, cy]);

    const page = await json<{ data: Placed[] }>(await t.request("GET", "/v1/orgs/demo/groups?kind=local&limit=2"), 200);
    expect(page.data.map((g) => [g.id, g.memberCount])).toEqual([
      [first.id, 5],
      [second.id, 1],
    ]);
    expect(page.data[0]?.conveners.map((c) => [c.memberId, c.name]).sort()).toEqual(
      [
        [ann, annName],
        [ben, benName],
      ].sort(),
    );
    expect(page.data[1]?.conveners).toEqual([{ memberId: cy, name: cyName }]);
    // A member reading the list sees the same figures.
    const asMember = await json<{ data: Placed[] }>(
      await t.request("GET", "/v1/orgs/demo/groups?kind=local&limit=1", { key: await memberToken(t, dee) }),
      200,
    );
    expect(asMember.data[0]).toMatchObject({ memberCount: 5 });

    const small = await statementsDuring(t, () => t.request("GET", "/v1/orgs/demo/groups?kind=local&limit=5"));
    const large = await statementsDuring(t, () => t.request("GET", "/v1/orgs/demo/groups?kind=local&limit=190"));
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  }, 60_000);
});

describe("conveners keep their own group's profile", () => {
  it("edit description, focus and meeting place of their group with If-Match; nothing else, and no other group", async () => {
    const t = await testApp();
    const own = (await createGroup(t, { kind: "local", name: "Umeå", town: "Umeå" })) as Placed;
    const other = (await createGroup(t, { kind: "local", name: "Luleå", town: "Luleå" })) as Placed;
    const convener = await createActiveMember(t);
    expect((await addMember(t, own.id, convener, "convener")).status).toBe(201);
    const token = await memberToken(t, convener);

    const stale = await t.request("PATCH", `/v1/orgs/demo/groups/${own.id}`, {
      key: token,
      body: { meetingPlace: "Folkets hus" },
      headers: { "If-Match": '"99"' },
    });
    expect(stale.status).toBe(412);
    const edited = await t.request("PATCH", `/v1/orgs/demo/groups/${own.id}`, {
      key: token,
      body: { description: "We write letters.", focusTags: ["death penalty"], meetingPlace: "Folkets hus, first Tuesday" },
      headers: { "If-Match": '"1"' },
    });
    expect(await json<Placed>(edited, 200)).toMatchObject({
      description: "We write letters.",
      focusTags: ["death penalty"],
      meetingPlace: "Folkets hus, first Tuesday",
      town: "Umeå",
      name: "Umeå",
    });
    expect(edited.headers.get("ETag")).toBe('"2"');

    const before = await snapshot(t.database);
    const renamed = await t.request("PATCH", `/v1/orgs/demo/groups/${own.id}`, {
      key: token,
      body: { meetingPlace: "x", name: "Umeå city" },
    });
    expect(renamed.status).toBe(403);
    expect((await problemOf(renamed)).detail).toContain("name");
    const foreign = await t.request("PATCH", `/v1/orgs/demo/groups/${other.id}`, { key: token, body: { meetingPlace: "Our place" } });
    expect(foreign.status).toBe(403);
    expect(await snapshot(t.database)).toBe(before);

    // Staff keep the rest.
    const staff = await t.request("PATCH", `/v1/orgs/demo/groups/${own.id}`, { body: { name: "Umeå city", town: "Umeå kommun" } });
    expect(await json<Placed>(staff, 200)).toMatchObject({
      name: "Umeå city",
      town: "Umeå kommun",
      meetingPlace: "Folkets hus, first Tuesday",
    });
  });
});
