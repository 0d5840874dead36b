import { describe, expect, it } from "vitest";
import { reassign } from "../../src/members/district.ts";
import { json, snapshot, testApp } from "../helpers/app.ts";
import { createMember, memberToken } from "../helpers/members.ts";
import { insertArea, insertGroup } from "./fixtures.ts";

const members = "/v1/orgs/demo/members";
type Stay = {
  areaId: string | null;
  districtGroupId: string | null;
  postalCode: string | null;
  from: string;
  to: string | null;
  reason: string;
};

async function city(t: Awaited<ReturnType<typeof testApp>>) {
  const north = await insertArea(t, "N", ["11455"]);
  const east = await insertArea(t, "E", ["11520"]);
  const south = await insertArea(t, "S", ["11860", "11861"]);
  // Two areas merged into one district group.
  const northEast = await insertGroup(t, "district", [north, east]);
  const southGroup = await insertGroup(t, "district", [south]);
  return { north, east, south, northEast, southGroup };
}

describe("district assignment", () => {
  it("assigns area and district group from the postal code on create, spaces and case ignored", async () => {
    const t = await testApp();
    const c = await city(t);
    const id = await createMember(t, { postalCode: "115 20" });
    expect(await json(await t.request("GET", `${members}/${id}`), 200)).toMatchObject({ areaId: c.east, districtGroupId: c.northEast });
    const history = await json<{ data: Stay[] }>(await t.request("GET", `${members}/${id}/district-history`), 200);
    expect(history.data).toEqual([
      expect.objectContaining({ areaId: c.east, districtGroupId: c.northEast, postalCode: "115 20", to: null, reason: "created" }),
    ]);
  });

  it("moves a member on an address change through PATCH and keeps the history, newest first", async () => {
    const t = await testApp();
    const c = await city(t);
    const id = await createMember(t, { postalCode: "11455" });
    t.clock.advance(60_000);
    const moved = await t.request("PATCH", `${members}/${id}`, { body: { street: "Hornsgatan 1", postalCode: "11860" } });
    expect(moved.status).toBe(200);
    expect(await json(moved, 200)).toMatchObject({ areaId: c.south, districtGroupId: c.southGroup });
    t.clock.advance(60_000);
    await t.request("PATCH", `${members}/${id}`, { body: { postalCode: "99999" } });
    t.clock.advance(60_000);
    await t.request("PATCH", `${members}/${id}`, { body: { street: "Other street 2" } }); // same postal code: no move

    const history = await json<{ data: Stay[] }>(await t.request("GET", `${members}/${id}/district-history`), 200);
    expect(
      history.data.map(({ areaId, districtGroupId, postalCode, reason }) => ({ areaId, districtGroupId, postalCode, reason })),
    ).toEqual([
      { areaId: null, districtGroupId: null, postalCode: "99999", reason: "address_changed" },
      { areaId: c.south, districtGroupId: c.southGroup, postalCode: "11860", reason: "address_changed" },
      { areaId: c.north, districtGroupId: c.northEast, postalCode: "11455", reason: "created" },
    ]);
    const [latest, middle, first] = history.data;
    expect(latest?.to).toBeNull();
    expect(middle?.to).toBe(latest?.from);
    expect(first?.to).toBe(middle?.from);
    expect(await json(await t.request("GET", `${members}/${id}`), 200)).toMatchObject({ areaId: null, districtGroupId: null });
  });

  it("stays put when the postal code is written differently but is the same", async () => {
    const t = await testApp();
    await city(t);
    const id = await createMember(t, { postalCode: "11455" });
    await t.request("PATCH", `${members}/${id}`, { body: { postalCode: "114 55" } });
    const history = await json<{ data: Stay[] }>(await t.request("GET", `${members}/${id}/district-history`), 200);
    expect(history.data).toHaveLength(1);
  });

  it("moves a member who changes their own address through /me", async () => {
    const t = await testApp();
    const c = await city(t);
    const id = await createMember(t, { postalCode: "11455" });
    const token = await memberToken(t, id);
    const response = await t.request("PATCH", "/v1/orgs/demo/me", { key: token, body: { postalCode: "11861", city: "Stockholm" } });
    expect(response.status).toBe(200);
    expect(await json(response, 200)).toMatchObject({ areaId: c.south, districtGroupId: c.southGroup, city: "Stockholm" });
  });

  it("does not move anybody when an update is rejected", async () => {
    const t = await testApp();
    await city(t);
    const id = await createMember(t, { postalCode: "11455" });
    const before = await snapshot(t.database);
    const stale = await t.request("PATCH", `${members}/${id}`, { body: { postalCode: "11860" }, headers: { "If-Match": '"7"' } });
    expect(stale.status).toBe(412);
    const invalid = await t.request("PATCH", `${members}/${id}`, { body: { postalCode: "11860", email: "broken" } });
    expect(invalid.status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("reassigns a whole area set-based when its postal codes move, recording each move", async () => {
    const t = await testApp();
    const c = await city(t);
    const ids = [
      await createMember(t, { postalCode: "11860" }),
      await createMember(t, { postalCode: "11861" }),
      await createMember(t, { postalCode: "11455" }),
    ];
    // A boundary change: 11861 now lies in the north area.
    await t.database.client.execute({ sql: "UPDATE area_postal_codes SET area_id = ? WHERE postal_code = '11861'", args: [c.north] });
    t.clock.advance(60_000);
    const orgId = String((await t.database.client.execute("SELECT id FROM organisations WHERE slug = 'demo'")).rows[0]?.id);
    await reassign(t.db, { orgId, scope: { areaIds: [c.north, c.south] }, reason: "areas_changed", now: t.clock.now() });
    const views = await Promise.all(ids.map(async (id) => json<{ areaId: string }>(await t.request("GET", `${members}/${id}`), 200)));
    expect(views.map((v) => v.areaId)).toEqual([c.south, c.north, c.north]);
    const moved = await json<{ data: Stay[] }>(await t.request("GET", `${members}/${ids[1]}/district-history`), 200);
    expect(moved.data.map((s) => s.reason)).toEqual(["areas_changed", "created"]);
    const stayed = await json<{ data: Stay[] }>(await t.request("GET", `${members}/${ids[0]}/district-history`), 200);
    expect(stayed.data).toHaveLength(1);
  });
});
