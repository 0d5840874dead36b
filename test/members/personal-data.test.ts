import { describe, expect, it } from "vitest";
import { json, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, memberToken } from "../helpers/members.ts";
import { insertArea, insertGroup, joinGroup } from "./fixtures.ts";

const members = "/v1/orgs/demo/members";
const person = {
  name: "Signe Vallgren",
  email: "Signe.Vallgren@example.org",
  phone: "+46 70 555 12 34",
  street: "Ringvägen 77",
  postalCode: "118 60",
  city: "Grönköping",
  country: "SE",
  preferredLanguage: "sv-SE",
  memberNumber: "4711",
};

/** A member with everything the system can hold about a person. */
async function fullMember(t: TestApp) {
  await insertArea(t, "S", ["11860"]);
  const area = await insertArea(t, "N", ["11455"]);
  const district = await insertGroup(t, "district", [area]);
  const group = await insertGroup(t);
  const type = await createMembershipType(t, { fee: { amount: 250, currency: "SEK" } });
  const id = await createMember(t, person);
  await t.request("POST", `${members}/${id}/memberships`, {
    body: { typeId: type, startsOn: "2025-01-01", paidAt: "2025-01-03", paymentReference: "Swish Signe Vallgren 4711" },
  });
  await t.request("POST", `${members}/${id}/memberships`, {
    body: { typeId: type, startsOn: "2026-01-01", paymentReference: "OCR 99887766" },
  });
  await joinGroup(t, group, id, "convener");
  t.clock.advance(60_000);
  await t.request("PATCH", `${members}/${id}`, { body: { postalCode: "11455" } });
  // A sign-in code sent by e-mail.
  expect((await t.request("POST", "/v1/orgs/demo/auth/magic-link", { key: null, body: { email: person.email } })).status).toBe(202);
  return { id, area, district, group, type };
}

describe("export of a member's data", () => {
  it("gives everything held: profile, memberships, district history, groups, sign-in codes without hashes", async () => {
    const t = await testApp();
    const { id, area, group } = await fullMember(t);
    const response = await t.request("GET", `${members}/${id}/export`);
    expect(response.status).toBe(200);
    const data = await json<{
      member: Record<string, unknown>;
      memberships: { paymentReference: string | null }[];
      districtHistory: { areaId: string; postalCode: string }[];
      groupMemberships: { groupId: string; role: string }[];
      signInCodes: Record<string, unknown>[];
      exportedAt: string;
    }>(response, 200);
    expect(data.exportedAt).toBe(t.clock.now().toISOString());
    expect(data.member).toMatchObject({ ...person, postalCode: "11455", id, status: "current", areaId: area });
    expect(data.memberships.map((m) => m.paymentReference)).toEqual(["Swish Signe Vallgren 4711", "OCR 99887766"]);
    expect(data.districtHistory.map((s) => s.postalCode)).toEqual(["118 60", "11455"]);
    expect(data.groupMemberships).toEqual([expect.objectContaining({ groupId: group, role: "convener", leftOn: null })]);
    expect(data.signInCodes).toHaveLength(1);
    expect(Object.keys(data.signInCodes[0] ?? {}).sort()).toEqual(["createdAt", "expiresAt", "usedAt"]);
    const hash = (await t.database.client.execute("SELECT code_hash FROM sign_in_codes")).rows[0]?.code_hash;
    expect(JSON.stringify(data)).not.toContain(String(hash));
  });

  it("gives a member their own data through /me/export", async () => {
    const t = await testApp();
    const { id } = await fullMember(t);
    const own = await json(await t.request("GET", "/v1/orgs/demo/me/export", { key: await memberToken(t, id) }), 200);
    const staff = await json(await t.request("GET", `${members}/${id}/export`), 200);
    expect(own).toEqual(staff);
  });
});

describe("erasure", () => {
  it("removes the person from the whole database and keeps the anonymous rest", async () => {
    const t = await testApp();
    const { id, group } = await fullMember(t);
    const before = await snapshot(t.database);
    for (const trace of [
      "Signe",
      "Vallgren",
      "signe.vallgren",
      "555 12 34",
      "Ringvägen",
      "118 60",
      "11860",
      "11455",
      "Grönköping",
      "99887766",
    ]) {
      expect(before, trace).toContain(trace);
    }

    const response = await t.request("DELETE", `${members}/${id}`);
    expect(response.status).toBe(204);

    const after = await snapshot(t.database);
    for (const trace of ["Signe", "Vallgren", "signe.vallgren", "555 12 34", "Ringvägen", "118 60", "Grönköping", "99887766", '"4711"']) {
      expect(after, trace).not.toContain(trace);
    }
    // Postal codes stay only where they describe areas, not the person.
    const codes = await t.database.client.execute("SELECT postal_code FROM district_assignments WHERE postal_code IS NOT NULL");
    expect(codes.rows).toHaveLength(0);

    const row = (await t.database.client.execute({ sql: "SELECT * FROM members WHERE id = ?", args: [id] })).rows[0];
    expect(row).toMatchObject({
      member_number: `erased-${id}`,
      name: null,
      email: null,
      email_key: null,
      name_key: null,
      phone: null,
      street: null,
      postal_code: null,
      city: null,
      country: null,
      preferred_language: null,
      consent_newsletters: 0,
      consent_meeting_summons: 0,
      consent_campaign_news: 0,
      erased_at: t.clock.now().toISOString(),
    });
    const memberships = await t.database.client.execute({
      sql: "SELECT fee_minor, starts_on, payment_reference, paid_at FROM memberships WHERE member_id = ?",
      args: [id],
    });
    expect(memberships.rows.map((r) => [r.fee_minor, r.starts_on, r.payment_reference])).toEqual([
      [25000, "2025-01-01", null],
      [25000, "2026-01-01", null],
    ]);
    const history = await t.database.client.execute({ sql: "SELECT to_at FROM district_assignments WHERE member_id = ?", args: [id] });
    expect(history.rows).toHaveLength(2);
    expect(history.rows.every((r) => r.to_at !== null)).toBe(true);
    const groups = await t.database.client.execute({
      sql: "SELECT group_id, left_on FROM group_memberships WHERE member_id = ?",
      args: [id],
    });
    expect(groups.rows).toEqual([expect.objectContaining({ group_id: group, left_on: "2026-11-21" })]);
    expect((await t.database.client.execute("SELECT count(*) AS n FROM sign_in_codes")).rows[0]?.n).toBe(0);
  });

  it("also forgets replayable responses that held the person's data", async () => {
    const t = await testApp();
    const created = await t.request("POST", members, {
      body: { name: "Replay Rut", email: "rut@example.org" },
      headers: { "Idempotency-Key": "create-rut" },
    });
    const { id } = await json<{ id: string }>(created, 201);
    expect(await snapshot(t.database)).toContain("Replay Rut");
    expect((await t.request("DELETE", `${members}/${id}`)).status).toBe(204);
    expect(await snapshot(t.database)).not.toContain("Replay Rut");
  });

  it("makes the member unknown afterwards: 404 everywhere, gone from lists and searches, erasing again is 404", async () => {
    const t = await testApp();
    const { id } = await fullMember(t);
    const token = await memberToken(t, id);
    await createMember(t, { name: "Signe Other" });
    expect((await t.request("DELETE", `${members}/${id}`)).status).toBe(204);
    for (const path of [
      `${members}/${id}`,
      `${members}/${id}/memberships`,
      `${members}/${id}/district-history`,
      `${members}/${id}/export`,
    ]) {
      expect((await t.request("GET", path)).status, path).toBe(404);
    }
    expect((await t.request("PATCH", `${members}/${id}`, { body: { name: "Back" } })).status).toBe(404);
    expect((await t.request("DELETE", `${members}/${id}`)).status).toBe(404);
    const search = await json<{ data: { name: string }[] }>(await t.request("GET", `${members}?q=signe`), 200);
    expect(search.data.map((m) => m.name)).toEqual(["Signe Other"]);
    const list = await json<{ data: { id: string }[] }>(await t.request("GET", `${members}?limit=200`), 200);
    expect(list.data.map((m) => m.id)).not.toContain(id);
    expect(await (await t.request("GET", "/v1/orgs/demo/members.csv")).text()).not.toContain("erased-");
    // Their token stops working.
    expect((await t.request("GET", "/v1/orgs/demo/me", { key: token })).status).toBe(401);
  });

  it("lets the e-mail address and member number be used again", async () => {
    const t = await testApp();
    const id = await createMember(t, { email: "again@example.org", memberNumber: "12" });
    await t.request("DELETE", `${members}/${id}`);
    expect((await t.request("POST", members, { body: { name: "New", email: "AGAIN@example.org", memberNumber: "12" } })).status).toBe(201);
  });

  it("erases members created in the same minute without number collisions", async () => {
    const t = await testApp();
    const ids = [await createMember(t), await createMember(t), await createMember(t)];
    for (const id of ids) expect((await t.request("DELETE", `${members}/${id}`)).status).toBe(204);
  });
});
