import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType } from "../helpers/members.ts";

const members = "/v1/orgs/demo/members";
type Membership = { id: string; startsOn: string; endsOn: string; graceUntil: string; kind: string; fee: unknown; paidAt: string | null };

async function addMembership(t: TestApp, memberId: string, body: Record<string, unknown>) {
  const response = await t.request("POST", `${members}/${memberId}/memberships`, { body });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<Membership>(response, 201);
}

const statusOf = async (t: TestApp, id: string) => (await json<{ status: string }>(await t.request("GET", `${members}/${id}`), 200)).status;

describe("memberships", () => {
  it("makes the member current, as the contract says", async () => {
    const t = await testApp();
    const type = await createMembershipType(t);
    const id = await createMember(t);
    const response = await t.request("POST", `${members}/${id}/memberships`, { body: { typeId: type, startsOn: "2026-03-01" } });
    expect(response.status).toBe(201);
    const body = await json<Membership>(response, 201);
    expect(response.headers.get("Location")).toBe(`${members}/${id}/memberships/${body.id}`);
    expect(await statusOf(t, id)).toBe("current");
    expect(await json(await t.request("GET", `${members}/${id}/memberships/${body.id}`), 200)).toEqual(body);
  });

  it("moves current → grace → lapsed with the clock, on the organisation's local day", async () => {
    const t = await testApp();
    const type = await createMembershipType(t, { graceDays: 30 });
    const id = await createMember(t);
    t.clock.set("2025-12-01T12:00:00Z");
    expect(await statusOf(t, id)).toBe("none");
    await addMembership(t, id, { typeId: type, startsOn: "2026-01-01" });
    expect(await statusOf(t, id)).toBe("none"); // it has not started yet
    t.clock.set("2026-06-15T12:00:00Z");
    expect(await statusOf(t, id)).toBe("current");
    // 2026-12-31T23:30Z is already 1 January in Stockholm: the grace period has begun there.
    t.clock.set("2026-12-31T22:30:00Z");
    expect(await statusOf(t, id)).toBe("current");
    t.clock.set("2026-12-31T23:30:00Z");
    expect(await statusOf(t, id)).toBe("grace");
    t.clock.set("2027-01-30T12:00:00Z");
    expect(await statusOf(t, id)).toBe("grace");
    t.clock.set("2027-01-31T12:00:00Z");
    expect(await statusOf(t, id)).toBe("lapsed");
  });

  it("ends calendar-year periods on 31 December of the start year and adds the grace days", async () => {
    const t = await testApp();
    const type = await createMembershipType(t, { period: { type: "calendar_year" }, graceDays: 45 });
    const m = await addMembership(t, await createMember(t), { typeId: type, startsOn: "2026-11-20" });
    expect(m).toMatchObject({ startsOn: "2026-11-20", endsOn: "2026-12-31", graceUntil: "2027-02-14" });
  });

  it.each([
    ["2026-03-15", 12, "2027-03-14"],
    ["2027-01-31", 1, "2027-02-27"], // 31 Feb does not exist: clamped to 28 Feb, ending the day before
    ["2028-01-31", 1, "2028-02-28"], // leap year: clamped to 29 Feb
    ["2026-08-31", 6, "2027-02-27"],
    ["2026-02-01", 1, "2026-02-28"],
    ["2026-12-01", 3, "2027-02-28"],
  ])("ends a rolling period starting %s of %i months on %s", async (startsOn, months, endsOn) => {
    const t = await testApp();
    const type = await createMembershipType(t, { period: { type: "rolling", months }, graceDays: 0 });
    const m = await addMembership(t, await createMember(t), { typeId: type, startsOn });
    expect(m.endsOn).toBe(endsOn);
    expect(m.graceUntil).toBe(endsOn);
  });

  it("copies kind, fee and currency from the type", async () => {
    const t = await testApp();
    const type = await createMembershipType(t, { kind: "supporting", fee: { amount: 120.5, currency: "EUR" } });
    const m = await addMembership(t, await createMember(t), {
      typeId: type,
      startsOn: "2026-01-01",
      paidAt: "2026-01-02",
      paymentReference: "OCR 123",
    });
    expect(m).toMatchObject({
      kind: "supporting",
      fee: { amount: 120.5, currency: "EUR" },
      paidAt: "2026-01-02",
      paymentReference: "OCR 123",
    });
  });

  it("renews from the end of the latest period, also during grace", async () => {
    const t = await testApp();
    const type = await createMembershipType(t, { graceDays: 30 });
    const id = await createMember(t);
    await addMembership(t, id, { typeId: type, startsOn: "2026-01-01" });
    const early = await addMembership(t, id, { typeId: type });
    expect(early).toMatchObject({ startsOn: "2027-01-01", endsOn: "2027-12-31" });
    t.clock.set("2028-01-20T12:00:00Z"); // in grace after 2027
    const inGrace = await addMembership(t, id, { typeId: type });
    expect(inGrace.startsOn).toBe("2028-01-01");
    expect(await statusOf(t, id)).toBe("current");
  });

  it("renews a lapsed member from today, and a new member from today", async () => {
    const t = await testApp();
    const type = await createMembershipType(t, { period: { type: "rolling", months: 12 }, graceDays: 10 });
    const lapsed = await createMember(t);
    await addMembership(t, lapsed, { typeId: type, startsOn: "2024-05-01" });
    const renewed = await addMembership(t, lapsed, { typeId: type });
    expect(renewed).toMatchObject({ startsOn: "2026-11-21", endsOn: "2027-11-20" });
    const fresh = await addMembership(t, await createMember(t), { typeId: type });
    expect(fresh.startsOn).toBe("2026-11-21");
  });

  it("refuses the same period twice (409) and changes nothing", async () => {
    const t = await testApp();
    const type = await createMembershipType(t);
    const id = await createMember(t);
    await addMembership(t, id, { typeId: type, startsOn: "2026-01-01" });
    const before = await snapshot(t.database);
    const again = await t.request("POST", `${members}/${id}/memberships`, { body: { typeId: type, startsOn: "2026-01-01" } });
    expect(again.status).toBe(409);
    expect(await snapshot(t.database)).toBe(before);
  });

  it.each([
    ["a date that does not exist", { startsOn: "2027-02-29" }, "body.startsOn"],
    ["a date in another format", { startsOn: "01/02/2026" }, "body.startsOn"],
    ["a payment time without offset", { startsOn: "2026-01-01", paidAt: "2026-01-01T10:00" }, "body.paidAt"],
    ["an impossible payment day", { startsOn: "2026-01-01", paidAt: "2026-13-01" }, "body.paidAt"],
    ["an unknown type", { typeId: "01a1fd1e-8c00-7000-8000-000000000000" }, "body.typeId"],
    ["no type", { typeId: undefined }, "body.typeId"],
  ])("rejects %s with 422 and writes nothing", async (_, change, field) => {
    const t = await testApp();
    const type = await createMembershipType(t);
    const id = await createMember(t);
    const before = await snapshot(t.database);
    const response = await t.request("POST", `${members}/${id}/memberships`, { body: { typeId: type, ...change } });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("answers 404 for a member that does not exist", async () => {
    const t = await testApp();
    const type = await createMembershipType(t);
    const response = await t.request("POST", `${members}/01a1fd1e-8c00-7000-8000-000000000000/memberships`, { body: { typeId: type } });
    expect(response.status).toBe(404);
  });

  it("records a payment, normalising the time to UTC, and clears it with null", async () => {
    const t = await testApp();
    const type = await createMembershipType(t);
    const id = await createMember(t);
    const m = await addMembership(t, id, { typeId: type, startsOn: "2026-01-01" });
    const paid = await t.request("PATCH", `${members}/${id}/memberships/${m.id}`, {
      body: { paidAt: "2026-01-05T10:30:00+01:00", paymentReference: "Swish 4711" },
    });
    expect(paid.status).toBe(200);
    expect(await json(paid, 200)).toMatchObject({
      paidAt: "2026-01-05T09:30:00.000Z",
      paymentReference: "Swish 4711",
      startsOn: "2026-01-01",
    });
    const cleared = await json(await t.request("PATCH", `${members}/${id}/memberships/${m.id}`, { body: { paymentReference: null } }), 200);
    expect(cleared).toMatchObject({ paidAt: "2026-01-05T09:30:00.000Z", paymentReference: null });
    expect((await t.request("PATCH", `${members}/${id}/memberships/${m.id}`, { body: { endsOn: "2030-01-01" } })).status).toBe(422);
  });

  it("does not reach a membership through another member's path", async () => {
    const t = await testApp();
    const type = await createMembershipType(t);
    const owner = await createMember(t);
    const other = await createMember(t);
    const m = await addMembership(t, owner, { typeId: type, startsOn: "2026-01-01" });
    expect((await t.request("GET", `${members}/${other}/memberships/${m.id}`)).status).toBe(404);
    expect((await t.request("PATCH", `${members}/${other}/memberships/${m.id}`, { body: { paymentReference: "x" } })).status).toBe(404);
  });

  it("lists a member's periods newest first, with a cursor", async () => {
    const t = await testApp();
    const type = await createMembershipType(t);
    const id = await createMember(t);
    for (const year of [2024, 2026, 2025]) await addMembership(t, id, { typeId: type, startsOn: `${year}-01-01` });
    const first = await json<{ data: Membership[]; nextCursor: string }>(
      await t.request("GET", `${members}/${id}/memberships?limit=2`),
      200,
    );
    const rest = await json<{ data: Membership[]; nextCursor: null }>(
      await t.request("GET", `${members}/${id}/memberships?limit=2&cursor=${first.nextCursor}`),
      200,
    );
    expect([...first.data, ...rest.data].map((m) => m.startsOn)).toEqual(["2026-01-01", "2025-01-01", "2024-01-01"]);
    expect(rest.nextCursor).toBeNull();
  });
});
