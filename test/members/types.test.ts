import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType } from "../helpers/members.ts";
import { keyWithRole } from "./fixtures.ts";

const path = "/v1/orgs/demo/membership-types";
const valid = {
  name: "Active member",
  kind: "active",
  fee: { amount: 0, currency: "SEK" },
  period: { type: "calendar_year" },
  graceDays: 30,
};

describe("membership types", () => {
  it("creates a type as the contract says: 201 with id, Location and ETag", async () => {
    const t = await testApp();
    const response = await t.request("POST", path, { body: valid });
    expect(response.status).toBe(201);
    const body = await json(response, 201);
    expect(body).toMatchObject({ ...valid, archived: false });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("Location")).toBe(`${path}/${body.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
  });

  it("stores fees in minor units and gives them back in major units", async () => {
    const t = await testApp();
    const id = await createMembershipType(t, { fee: { amount: 249.5, currency: "EUR" }, period: { type: "rolling", months: 6 } });
    const stored = await t.database.client.execute({
      sql: "SELECT fee_minor, period_type, period_months FROM membership_types WHERE id = ?",
      args: [id],
    });
    expect(stored.rows[0]).toMatchObject({ fee_minor: 24950, period_type: "rolling", period_months: 6 });
    const body = await json(await t.request("GET", `${path}/${id}`), 200);
    expect(body.fee).toEqual({ amount: 249.5, currency: "EUR" });
    expect(body.period).toEqual({ type: "rolling", months: 6 });
  });

  it.each([
    ["three decimals", { fee: { amount: 10.005, currency: "SEK" } }, "body.fee.amount"],
    ["a negative fee", { fee: { amount: -1, currency: "SEK" } }, "body.fee.amount"],
    ["a lower-case currency", { fee: { amount: 1, currency: "sek" } }, "body.fee.currency"],
    ["an unknown currency", { fee: { amount: 1, currency: "XYZ" } }, "body.fee.currency"],
    ["an unknown kind", { kind: "honorary" }, "body.kind"],
    ["a rolling period without months", { period: { type: "rolling" } }, "body.period.months"],
    ["zero months", { period: { type: "rolling", months: 0 } }, "body.period.months"],
    ["an unknown period", { period: { type: "weekly" } }, "body.period.type"],
    ["negative grace days", { graceDays: -1 }, "body.graceDays"],
    ["fractional grace days", { graceDays: 1.5 }, "body.graceDays"],
    ["an unknown field", { colour: "red" }, "body"],
  ])("rejects %s with 422 and writes nothing", async (_, change, field) => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const response = await t.request("POST", path, { body: { ...valid, ...change } });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.errors?.map((e) => e.field)).toContain(field);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("refuses a second type with the same name (409)", async () => {
    const t = await testApp();
    await createMembershipType(t, { name: "Supporter" });
    const response = await t.request("POST", path, { body: { ...valid, name: "Supporter" } });
    expect(response.status).toBe(409);
    expect((await problemOf(response)).code).toBe("conflict");
  });

  it("lists types by name, filters archived ones, pages with a cursor", async () => {
    const t = await testApp();
    for (const name of ["Student", "Active", "Family"]) await createMembershipType(t, { name });
    const archived = await createMembershipType(t, { name: "Old" });
    await t.request("POST", `${path}/${archived}/archive`);
    const all = await json<{ data: { name: string }[] }>(await t.request("GET", path), 200);
    expect(all.data.map((type) => type.name)).toEqual(["Active", "Family", "Old", "Student"]);
    const usable = await json<{ data: { name: string }[] }>(await t.request("GET", `${path}?archived=false`), 200);
    expect(usable.data.map((type) => type.name)).toEqual(["Active", "Family", "Student"]);
    const first = await json<{ data: { name: string }[]; nextCursor: string }>(await t.request("GET", `${path}?limit=3`), 200);
    const second = await json<{ data: { name: string }[]; nextCursor: null }>(
      await t.request("GET", `${path}?limit=3&cursor=${first.nextCursor}`),
      200,
    );
    expect([...first.data, ...second.data].map((type) => type.name)).toEqual(["Active", "Family", "Old", "Student"]);
    expect(second.nextCursor).toBeNull();
  });

  it("updates with If-Match, and answers 412 to a stale ETag without changing anything", async () => {
    const t = await testApp();
    const id = await createMembershipType(t);
    const updated = await t.request("PATCH", `${path}/${id}`, {
      body: { graceDays: 60, fee: { amount: 300, currency: "SEK" } },
      headers: { "If-Match": '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get("ETag")).toBe('"2"');
    expect(await json(updated, 200)).toMatchObject({ graceDays: 60, fee: { amount: 300, currency: "SEK" } });
    const before = await snapshot(t.database);
    const stale = await t.request("PATCH", `${path}/${id}`, { body: { graceDays: 1 }, headers: { "If-Match": '"1"' } });
    expect(stale.status).toBe(412);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("keeps existing memberships as they were when the type changes", async () => {
    const t = await testApp();
    const type = await createMembershipType(t, { fee: { amount: 100, currency: "SEK" }, graceDays: 10 });
    const member = await createMember(t);
    await t.request("POST", `/v1/orgs/demo/members/${member}/memberships`, { body: { typeId: type, startsOn: "2026-01-01" } });
    await t.request("PATCH", `${path}/${type}`, { body: { fee: { amount: 500, currency: "SEK" }, graceDays: 90, kind: "supporting" } });
    const list = await json<{ data: Record<string, unknown>[] }>(
      await t.request("GET", `/v1/orgs/demo/members/${member}/memberships`),
      200,
    );
    expect(list.data[0]).toMatchObject({ kind: "active", fee: { amount: 100, currency: "SEK" }, graceUntil: "2027-01-10" });
  });

  it("archives a type: no new memberships (409), existing ones stay, archiving twice is harmless", async () => {
    const t = await testApp();
    const type = await createMembershipType(t);
    const member = await createMember(t);
    expect(
      (await t.request("POST", `/v1/orgs/demo/members/${member}/memberships`, { body: { typeId: type, startsOn: "2026-01-01" } })).status,
    ).toBe(201);
    const archived = await t.request("POST", `${path}/${type}/archive`);
    expect(archived.status).toBe(200);
    expect((await json(archived, 200)).archived).toBe(true);
    expect((await t.request("POST", `${path}/${type}/archive`)).status).toBe(200);
    const refused = await t.request("POST", `/v1/orgs/demo/members/${member}/memberships`, {
      body: { typeId: type, startsOn: "2027-01-01" },
    });
    expect(refused.status).toBe(409);
    expect((await json(await t.request("GET", `/v1/orgs/demo/members/${member}`), 200)).status).toBe("current");
    const restored = await t.request("PATCH", `${path}/${type}`, { body: { archived: false } });
    expect((await json(restored, 200)).archived).toBe(false);
  });

  it("answers 404 for unknown ids and 422 for ids that are not ids", async () => {
    const t = await testApp();
    expect((await t.request("GET", `${path}/01a1fd1e-8c00-7000-8000-000000000000`)).status).toBe(404);
    expect((await t.request("GET", `${path}/nope`)).status).toBe(422);
  });

  it("lets readonly keys read but not write", async () => {
    const t = await testApp();
    const readonly = await keyWithRole(t, "readonly");
    const id = await createMembershipType(t);
    expect((await t.request("GET", `${path}/${id}`, { key: readonly })).status).toBe(200);
    expect((await t.request("POST", path, { key: readonly, body: valid })).status).toBe(403);
    expect((await t.request("PATCH", `${path}/${id}`, { key: readonly, body: { graceDays: 1 } })).status).toBe(403);
    expect((await t.request("POST", `${path}/${id}/archive`, { key: readonly })).status).toBe(403);
  });
});
