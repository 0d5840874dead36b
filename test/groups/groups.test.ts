import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";
import { createGroup, type Group } from "./helpers.ts";

type Page = { data: Group[]; nextCursor: string | null };

describe("groups", () => {
  it("creates a group with its public fields, readable with an ETag", async () => {
    const t = await testApp();
    const parent = await createGroup(t, { name: "National section", kind: "local" });
    const response = await t.request("POST", "/v1/orgs/demo/groups", {
      body: {
        name: "Climate network",
        kind: "network",
        description: "Meets three times a term.",
        focusTags: ["climate", "energy", "climate"],
        contactEmail: "climate@example.org",
        parentId: parent.id,
        politicalContactId: await createActiveMember(t),
      },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("ETag")).toBe('"1"');
    const group = (await response.json()) as Group;
    expect(group).toMatchObject({
      kind: "network",
      status: "active",
      focusTags: ["climate", "energy"],
      contactEmail: "climate@example.org",
      parentId: parent.id,
      areaIds: [],
      proposal: null,
    });
    const read = await t.request("GET", `/v1/orgs/demo/groups/${group.id}`);
    expect(read.headers.get("ETag")).toBe('"1"');
    expect(await read.json()).toEqual(group);
  });

  it("refuses bad input with 422 and changes nothing", async () => {
    const t = await testApp();
    const member = await createActiveMember(t);
    const before = await snapshot(t.database);
    const bodies: [Record<string, unknown>, string][] = [
      [{ name: "", kind: "interest" }, "body.name"],
      [{ name: "X", kind: "party" }, "body.kind"],
      [{ name: "X", kind: "interest", status: "active" }, "body"],
      [{ name: "X", kind: "interest", focusTags: ["x".repeat(41)] }, "body.focusTags.0"],
      [{ name: "X", kind: "interest", contactEmail: "nope" }, "body.contactEmail"],
      [{ name: "X", kind: "interest", parentId: "01a1fd1e-8c00-7000-8000-000000000000" }, "body.parentId"],
      [{ name: "X", kind: "interest", politicalContactId: member }, "body.politicalContactId"],
      [{ name: "X", kind: "network", politicalContactId: "01a1fd1e-8c00-7000-8000-000000000000" }, "body.politicalContactId"],
    ];
    for (const [body, field] of bodies) {
      const response = await t.request("POST", "/v1/orgs/demo/groups", { body });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect((await problemOf(response)).errors?.[0]?.field, JSON.stringify(body)).toBe(field);
    }
    expect(await snapshot(t.database)).toBe(before);
  });

  it("refuses a parent that would make a cycle", async () => {
    const t = await testApp();
    const top = await createGroup(t, { name: "Top", kind: "local" });
    const middle = await createGroup(t, { name: "Middle", kind: "local", parentId: top.id });
    const bottom = await createGroup(t, { name: "Bottom", kind: "local", parentId: middle.id });
    const before = await snapshot(t.database);
    for (const parentId of [bottom.id, top.id]) {
      const response = await t.request("PATCH", `/v1/orgs/demo/groups/${top.id}`, { body: { parentId } });
      expect(response.status).toBe(422);
      expect((await problemOf(response)).detail).toContain("cycle");
    }
    expect(await snapshot(t.database)).toBe(before);
    const cleared = await t.request("PATCH", `/v1/orgs/demo/groups/${middle.id}`, { body: { parentId: null } });
    expect(await json(cleared, 200)).toMatchObject({ parentId: null });
  });

  it("updates with If-Match, keeps the kind, and decides proposals only by approve/decline", async () => {
    const t = await testApp();
    const group = await createGroup(t, { name: "Circle" });
    const updated = await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, {
      body: { name: "Reading circle", description: "Monthly", focusTags: ["books"], contactEmail: null },
      headers: { "If-Match": '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get("ETag")).toBe('"2"');
    expect(await updated.json()).toMatchObject({ name: "Reading circle", description: "Monthly", focusTags: ["books"] });
    const before = await snapshot(t.database);
    expect(
      (await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { name: "X" }, headers: { "If-Match": '"1"' } })).status,
    ).toBe(412);
    expect((await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { kind: "district" } })).status).toBe(422);
    expect((await t.request("PATCH", `/v1/orgs/demo/groups/${group.id}`, { body: { status: "proposed" } })).status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);

    const proposer = await createActiveMember(t);
    const proposal = await json<Group>(
      await t.request("POST", "/v1/orgs/demo/groups/proposals", {
        key: await memberToken(t, proposer),
        body: { kind: "interest", name: "P", purpose: "Why" },
      }),
      201,
    );
    const snap = await snapshot(t.database);
    expect((await t.request("PATCH", `/v1/orgs/demo/groups/${proposal.id}`, { body: { status: "active" } })).status).toBe(409);
    expect(await snapshot(t.database)).toBe(snap);
  });

  it("lists by name with filters and cursor pagination", async () => {
    const t = await testApp();
    const parent = await createGroup(t, { name: "Section", kind: "local" });
    await createGroup(t, { name: "Bees", kind: "interest", parentId: parent.id });
    await createGroup(t, { name: "Art", kind: "interest" });
    await createGroup(t, { name: "Budget", kind: "working" });
    const closed = await createGroup(t, { name: "Archive", kind: "interest" });
    await t.request("PATCH", `/v1/orgs/demo/groups/${closed.id}`, { body: { status: "closed" } });

    const names = async (query: string) =>
      (await json<Page>(await t.request("GET", `/v1/orgs/demo/groups${query}`), 200)).data.map((g) => g.name);
    expect(await names("")).toEqual(["Archive", "Art", "Bees", "Budget", "Section"]);
    expect(await names("?kind=interest&status=active")).toEqual(["Art", "Bees"]);
    expect(await names(`?parentId=${parent.id}`)).toEqual(["Bees"]);
    expect(await names("?q=b")).toEqual(["Bees", "Budget"]);
    expect(await names("?q=%25")).toEqual([]);
    expect(await names("?status=closed")).toEqual(["Archive"]);

    const first = await json<Page>(await t.request("GET", "/v1/orgs/demo/groups?limit=2"), 200);
    const second = await json<Page>(await t.request("GET", `/v1/orgs/demo/groups?limit=2&cursor=${first.nextCursor}`), 200);
    const third = await json<Page>(await t.request("GET", `/v1/orgs/demo/groups?limit=2&cursor=${second.nextCursor}`), 200);
    expect([...first.data, ...second.data, ...third.data].map((g) => g.name)).toEqual(["Archive", "Art", "Bees", "Budget", "Section"]);
    expect(third.nextCursor).toBeNull();
    expect((await t.request("GET", "/v1/orgs/demo/groups?cursor=garbage")).status).toBe(422);
    expect((await t.request("GET", "/v1/orgs/demo/groups?kind=party")).status).toBe(422);
  });

  it("shows members active groups only, without proposal details", async () => {
    const t = await testApp();
    await createGroup(t, { name: "Open" });
    const closed = await createGroup(t, { name: "Closed" });
    await t.request("PATCH", `/v1/orgs/demo/groups/${closed.id}`, { body: { status: "closed" } });
    const key = await memberToken(t, await createActiveMember(t));
    const page = await json<Page>(await t.request("GET", "/v1/orgs/demo/groups", { key }), 200);
    expect(page.data.map((g) => g.name)).toEqual(["Open"]);
    expect((await t.request("GET", `/v1/orgs/demo/groups/${closed.id}`, { key })).status).toBe(404);
    expect((await json<Page>(await t.request("GET", "/v1/orgs/demo/groups?status=closed", { key }), 200)).data).toEqual([]);
  });
});
