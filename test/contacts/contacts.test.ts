import { describe, expect, it } from "vitest";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { json, operatorKey, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, createMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";
import { createMailing, deliveryCounts, tick } from "../mailings/helpers.ts";
import { insertArea, insertGroup, joinGroup, keyWithRole } from "../members/fixtures.ts";

const contacts = "/v1/orgs/demo/contacts";
const members = "/v1/orgs/demo/members";

type Contact = {
  id: string;
  isMember: boolean;
  memberNumber: string | null;
  name: string;
  email: string | null;
  status: string;
  source: string;
  partnerId: string | null;
  gender?: string | null;
  birthYear?: number | null;
  consents: { newsletters: boolean; meetingSummons: boolean; campaignNews: boolean };
  areaId: string | null;
  districtGroupId: string | null;
};

async function createContact(t: TestApp, body: Record<string, unknown>): Promise<Contact> {
  return json<Contact>(await t.request("POST", contacts, { body }), 201);
}

const idsOf = async (response: Response) => (await json<{ data: { id: string }[] }>(response, 200)).data.map((row) => row.id);

describe("contacts: people who are not members", () => {
  it("creates a contact as the contract says: 201, Location, ETag, not a member, no number, the organisation's consent defaults", async () => {
    const t = await testApp();
    const response = await t.request("POST", contacts, {
      body: {
        name: "Ana Pérez",
        email: "Ana@Example.org",
        phone: "+502 5555 1234",
        preferredLanguage: "es",
        gender: "woman",
        birthYear: 1996,
      },
    });
    const contact = await json<Contact>(response, 201);
    expect(contact).toMatchObject({
      name: "Ana Pérez",
      email: "Ana@Example.org",
      isMember: false,
      memberNumber: null,
      status: "none",
      source: "staff",
      partnerId: null,
      gender: "woman",
      birthYear: 1996,
      // A new organisation opts in: no news without consent; meeting summons stay on.
      consents: { newsletters: false, meetingSummons: true, campaignNews: false },
      areaId: null,
      districtGroupId: null,
    });
    expect(response.headers.get("Location")).toBe(`${contacts}/${contact.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(await json(await t.request("GET", `${contacts}/${contact.id}`), 200)).toEqual(contact);
  });

  it("refuses bad input with 422 naming the field, and writes nothing", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    for (const [body, field] of [
      [{ email: "a@example.org" }, "body.name"],
      [{ name: "A", gender: "female" }, "body.gender"],
      [{ name: "A", birthYear: 1850 }, "body.birthYear"],
      [{ name: "A", birthYear: 2999 }, "body.birthYear"],
      [{ name: "A", source: "magic" }, "body.source"],
      [{ name: "A", memberNumber: "12" }, "body"],
    ] as const) {
      const response = await t.request("POST", contacts, { body });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect((await problemOf(response)).errors?.map((e) => e.field).join(",")).toContain(field);
    }
    expect((await t.request("GET", `${contacts}?member=maybe`)).status).toBe(422);
    expect((await t.request("GET", `${contacts}?focusTag=x`)).status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("lists every person, filters members and contacts and the source, and searches name and e-mail prefixes", async () => {
    const t = await testApp();
    const member = await createMember(t, { name: "Berit Member", email: "berit@example.org" });
    const guest = await createContact(t, { name: "Carlos Guest", email: "carlos@partner.example", source: "event" });
    const subscriber = await createContact(t, { name: "Dana Subscriber", email: "dana@example.org", source: "signup" });

    expect(await idsOf(await t.request("GET", contacts))).toEqual([member, guest.id, subscriber.id]);
    expect(await idsOf(await t.request("GET", `${contacts}?member=true`))).toEqual([member]);
    expect(await idsOf(await t.request("GET", `${contacts}?member=false`))).toEqual([guest.id, subscriber.id]);
    expect(await idsOf(await t.request("GET", `${contacts}?source=signup`))).toEqual([subscriber.id]);
    expect(await idsOf(await t.request("GET", `${contacts}?q=CARL`))).toEqual([guest.id]);
    expect(await idsOf(await t.request("GET", `${contacts}?q=dana@`))).toEqual([subscriber.id]);
    const firstPage = await json<{ data: unknown[]; nextCursor: string }>(await t.request("GET", `${contacts}?limit=2`), 200);
    expect(firstPage.data).toHaveLength(2);
    expect(await idsOf(await t.request("GET", `${contacts}?limit=2&cursor=${firstPage.nextCursor}`))).toEqual([subscriber.id]);

    const listed = (await json<{ data: Contact[] }>(await t.request("GET", contacts), 200)).data;
    expect(listed[0]).toMatchObject({ isMember: true, memberNumber: "1", status: "none" });
  });

  it("keeps the member routes to members: a contact is 404 there, and absent from lists, search and the CSV", async () => {
    const t = await testApp();
    const member = await createMember(t, { name: "Berit", email: "berit@example.org" });
    const contact = await createContact(t, { name: "Bertil Contact", email: "bertil@example.org" });
    expect(await idsOf(await t.request("GET", members))).toEqual([member]);
    expect(await idsOf(await t.request("GET", `${members}?q=ber`))).toEqual([member]);
    expect(await idsOf(await t.request("GET", `${members}?status=none`))).toEqual([member]);
    expect((await t.request("GET", `${members}/${contact.id}`)).status).toBe(404);
    expect((await t.request("PATCH", `${members}/${contact.id}`, { body: { city: "Lund" } })).status).toBe(404);
    expect((await t.request("DELETE", `${members}/${contact.id}`)).status).toBe(404);
    expect((await t.request("GET", `${members}/${contact.id}/export`)).status).toBe(404);
    for (const what of ["memberships", "district-history", "mandates", "recruitment"]) {
      expect((await t.request("GET", `${members}/${contact.id}/${what}`)).status, what).toBe(404);
    }
    const type = await createMembershipType(t);
    expect((await t.request("POST", `${members}/${contact.id}/memberships`, { body: { typeId: type } })).status).toBe(404);
    const csv = await (await t.request("GET", "/v1/orgs/demo/members.csv")).text();
    expect(csv).toContain("berit@example.org");
    expect(csv).not.toContain("bertil@example.org");
  });

  it("assigns contacts to no district: a contact's address places them in no district group's roster", async () => {
    const t = await testApp();
    const area = await insertArea(t, "N", ["11455"]);
    const district = await insertGroup(t, "district", [area]);
    const contact = await createContact(t, { name: "Neighbour", email: "n@example.org", postalCode: "11455" });
    const member = await createMember(t, { postalCode: "11455" });
    expect(contact).toMatchObject({ areaId: null, districtGroupId: null });
    const roster = await json<{ data: { memberId: string }[] }>(await t.request("GET", `/v1/orgs/demo/groups/${district}/members`), 200);
    expect(roster.data.map((row) => row.memberId)).toEqual([member]);
    expect(await json(await t.request("GET", `${members}/${member}`), 200)).toMatchObject({ districtGroupId: district });
  });

  it("refuses a contact joining a group: 409 membership_none", async () => {
    const t = await testApp();
    const group = await insertGroup(t);
    const contact = await createContact(t, { name: "Guest", email: "guest@example.org" });
    const byStaff = await t.request("POST", `/v1/orgs/demo/groups/${group}/members`, { body: { memberId: contact.id, role: "member" } });
    expect(byStaff.status).toBe(409);
    expect(await problemOf(byStaff)).toMatchObject({ reason: "membership_none" });
    const themselves = await t.request("POST", `/v1/orgs/demo/me/groups/${group}`, { key: await memberToken(t, contact.id) });
    expect(themselves.status).toBe(409);
    expect(await problemOf(themselves)).toMatchObject({ reason: "membership_none" });
  });
});

describe("one person per e-mail address", () => {
  it("answers 409 with the existing person's id, whichever of members and contacts holds the address, and writes nothing", async () => {
    const t = await testApp();
    const member = await createMember(t, { email: "taken@example.org" });
    const contact = await createContact(t, { name: "C", email: "other@example.org" });
    const before = await snapshot(t.database);
    const cases = [
      [contacts, { name: "X", email: "TAKEN@example.org" }, member],
      [members, { name: "X", email: "Other@Example.org" }, contact.id],
      [contacts, { name: "X", email: "other@example.org" }, contact.id],
    ] as const;
    for (const [path, body, existingId] of cases) {
      const response = await t.request("POST", path, { body });
      expect(response.status).toBe(409);
      expect(await problemOf(response)).toMatchObject({ field: "email", existingId });
    }
    const patched = await t.request("PATCH", `${contacts}/${contact.id}`, { body: { email: "Taken@example.org" } });
    expect(patched.status).toBe(409);
    expect(await problemOf(patched)).toMatchObject({ existingId: member });
    expect(await snapshot(t.database)).toBe(before);
  });
});

describe("enrolment", () => {
  it("makes a contact a member under the same id, keeping consents, and the member routes then reach them", async () => {
    const t = await testApp();
    await createMember(t, { email: "first@example.org" });
    const contact = await createContact(t, {
      name: "Eva",
      email: "eva@example.org",
      postalCode: "11455",
      consents: { newsletters: true },
    });
    const area = await insertArea(t, "N", ["11455"]);
    const district = await insertGroup(t, "district", [area]);
    const enrolled = await t.request("POST", `${contacts}/${contact.id}/enrol`, { headers: { "If-Match": '"1"' } });
    const view = await json<Contact>(enrolled, 200);
    expect(view).toMatchObject({ id: contact.id, isMember: true, memberNumber: "2", consents: { newsletters: true }, status: "none" });
    expect(enrolled.headers.get("ETag")).toBe('"2"');
    expect(await json(await t.request("GET", `${members}/${contact.id}`), 200)).toMatchObject({
      id: contact.id,
      memberNumber: "2",
      districtGroupId: district,
    });
    const type = await createMembershipType(t);
    await giveMembership(t, contact.id, type);
    expect(await json(await t.request("GET", `${contacts}/${contact.id}`), 200)).toMatchObject({ status: "current" });

    const again = await t.request("POST", `${contacts}/${contact.id}/enrol`);
    expect(again.status).toBe(409);
    expect(await problemOf(again)).toMatchObject({ reason: "already_member" });
  });

  it("takes a member number, refuses a taken one (409) and a stale If-Match (412), changing nothing", async () => {
    const t = await testApp();
    await createMember(t, { memberNumber: "A-7" });
    const contact = await createContact(t, { name: "Frans", email: "frans@example.org" });
    const before = await snapshot(t.database);
    expect((await t.request("POST", `${contacts}/${contact.id}/enrol`, { body: { memberNumber: "A-7" } })).status).toBe(409);
    expect((await t.request("POST", `${contacts}/${contact.id}/enrol`, { headers: { "If-Match": '"7"' } })).status).toBe(412);
    expect((await t.request("POST", `${contacts}/${contact.id}/enrol`, { body: { memberNumber: "" } })).status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);
    const view = await json<Contact>(await t.request("POST", `${contacts}/${contact.id}/enrol`, { body: { memberNumber: "F-1" } }), 200);
    expect(view).toMatchObject({ isMember: true, memberNumber: "F-1" });
  });

  it("keeps a member whose membership ended a member, and lists them among contacts", async () => {
    const t = await testApp();
    const type = await createMembershipType(t, { graceDays: 0 });
    const lapsed = await createMember(t, { name: "Lapsed" });
    await giveMembership(t, lapsed, type, "2024-01-01");
    expect(await json(await t.request("GET", `${contacts}/${lapsed}`), 200)).toMatchObject({ isMember: true, status: "lapsed" });
    expect(await idsOf(await t.request("GET", `${contacts}?member=true`))).toEqual([lapsed]);
  });
});

describe("updates", () => {
  it("changes the fields sent under If-Match and refuses a stale version with 412", async () => {
    const t = await testApp();
    const contact = await createContact(t, { name: "Gun", email: "gun@example.org" });
    const stale = await t.request("PATCH", `${contacts}/${contact.id}`, { body: { birthYear: 1980 }, headers: { "If-Match": '"9"' } });
    expect(stale.status).toBe(412);
    const changed = await t.request("PATCH", `${contacts}/${contact.id}`, {
      body: { birthYear: 1980, gender: "other", consents: { newsletters: true } },
      headers: { "If-Match": '"1"' },
    });
    expect(await json(changed, 200)).toMatchObject({ birthYear: 1980, gender: "other", consents: { newsletters: true } });
    expect(changed.headers.get("ETag")).toBe('"2"');
    expect((await t.request("PATCH", `${contacts}/${contact.id}`, { body: { memberNumber: "1" } })).status).toBe(422);
  });
});

describe("statistics fields (gender, birth year)", () => {
  it("are shown to staff and admin keys and to the person, never to readonly keys, other members or in rosters", async () => {
    const t = await testApp();
    const readonly = await keyWithRole(t, "readonly");
    const staff = await keyWithRole(t, "staff");
    const contact = await createContact(t, { name: "Hedda", email: "hedda@example.org", gender: "woman", birthYear: 2001 });
    const member = await createActiveMember(t, { name: "Ivar" });
    await t.request("PATCH", `${contacts}/${member}`, { body: { gender: "man", birthYear: 1970 } });

    for (const key of [staff, t.adminKey]) {
      expect(await json(await t.request("GET", `${contacts}/${contact.id}`, { key }), 200)).toMatchObject({
        gender: "woman",
        birthYear: 2001,
      });
      const listed = (await json<{ data: Contact[] }>(await t.request("GET", contacts, { key }), 200)).data;
      expect(listed.map((row) => row.birthYear)).toEqual([2001, 1970]);
    }
    const forReadonly = await json<Contact>(await t.request("GET", `${contacts}/${contact.id}`, { key: readonly }), 200);
    expect(forReadonly).not.toHaveProperty("gender");
    expect(forReadonly).not.toHaveProperty("birthYear");
    const listedForReadonly = (await json<{ data: Contact[] }>(await t.request("GET", contacts, { key: readonly }), 200)).data;
    for (const row of listedForReadonly) expect(Object.keys(row)).not.toEqual(expect.arrayContaining(["gender"]));
    expect(JSON.stringify(listedForReadonly)).not.toContain("birthYear");

    // The member record read through /members shows them to nobody; the person sees theirs at /me.
    // The year as a JSON value: ids are hex and may hold the digits 1970 by chance.
    expect(JSON.stringify(await json(await t.request("GET", `${members}/${member}`), 200))).not.toMatch(/:1970[,}]/);
    const own = await json(await t.request("GET", "/v1/orgs/demo/me", { key: await memberToken(t, member) }), 200);
    expect(own).toMatchObject({ isMember: true, gender: "man", birthYear: 1970 });

    // A convener's roster of the group, and the contact view of a member, carry none of them.
    const group = await insertGroup(t);
    const convener = await createActiveMember(t, { name: "Convener" });
    await joinGroup(t, group, convener, "convener");
    await joinGroup(t, group, member);
    const token = await memberToken(t, convener);
    const roster = await t.request("GET", `/v1/orgs/demo/groups/${group}/members`, { key: token });
    expect(roster.status).toBe(200);
    const rosterText = await roster.text();
    expect(rosterText).toContain(member);
    expect(rosterText).not.toMatch(/gender|birthYear|:1970[,}]/);
    expect(JSON.stringify(await json(await t.request("GET", `${members}/${member}`, { key: token }), 200))).not.toMatch(/gender|:1970[,}]/);
  });

  it("lets a contact who signed in read and change their own record at /me, statistics included", async () => {
    const t = await testApp();
    const contact = await createContact(t, { name: "Jon", email: "jon@example.org", birthYear: 1999 });
    const key = await memberToken(t, contact.id);
    const own = await t.request("GET", "/v1/orgs/demo/me", { key });
    expect(await json(own, 200)).toMatchObject({ id: contact.id, isMember: false, memberNumber: null, birthYear: 1999, gender: null });
    const changed = await t.request("PATCH", "/v1/orgs/demo/me", { key, body: { gender: "man" }, headers: { "If-Match": '"1"' } });
    expect(await json(changed, 200)).toMatchObject({ gender: "man", isMember: false });
    const exported = await json<{ member: Contact; statistics: unknown }>(await t.request("GET", "/v1/orgs/demo/me/export", { key }), 200);
    expect(exported.member).toMatchObject({ id: contact.id, memberNumber: null });
    expect(exported.statistics).toEqual({ gender: "man", birthYear: 1999, source: "staff" });
  });
});

describe("personal data of contacts", () => {
  it("exports everything held about a contact, statistics included", async () => {
    const t = await testApp();
    const contact = await createContact(t, { name: "Kim", email: "kim@example.org", gender: "other", birthYear: 1990, source: "event" });
    const data = await json<{ person: Contact; memberships: unknown[]; signInCodes: unknown[] }>(
      await t.request("GET", `${contacts}/${contact.id}/export`),
      200,
    );
    expect(data.person).toMatchObject({ id: contact.id, name: "Kim", gender: "other", birthYear: 1990, source: "event" });
    expect(data.memberships).toEqual([]);
  });

  it("erases a contact: 204, then 404 everywhere, nothing identifying left, and the address free again", async () => {
    const t = await testApp();
    const contact = await createContact(t, {
      name: "Lo",
      email: "lo@example.org",
      phone: "+46 70 000 00 00",
      gender: "woman",
      birthYear: 1988,
    });
    expect((await t.request("DELETE", `${contacts}/${contact.id}`, { headers: { "If-Match": '"5"' } })).status).toBe(412);
    expect((await t.request("DELETE", `${contacts}/${contact.id}`, { headers: { "If-Match": '"1"' } })).status).toBe(204);
    expect((await t.request("GET", `${contacts}/${contact.id}`)).status).toBe(404);
    expect((await t.request("DELETE", `${contacts}/${contact.id}`)).status).toBe(404);
    expect(await idsOf(await t.request("GET", contacts))).toEqual([]);
    const row = (
      await t.database.client.execute({
        sql: "SELECT name, email, phone, gender, birth_year, consent_newsletters FROM members WHERE id = ?",
        args: [contact.id],
      })
    ).rows[0];
    expect({ ...row }).toEqual({ name: null, email: null, phone: null, gender: null, birth_year: null, consent_newsletters: 0 });
    await createContact(t, { name: "Lo again", email: "lo@example.org" });
  });
});

describe("consent defaults", () => {
  it("are an organisation setting applied to people created without consents, through the API and the import", async () => {
    const t = await testApp();
    const org = await json<{ consentDefaults: unknown }>(await t.request("GET", "/v1/orgs/demo"), 200);
    expect(org.consentDefaults).toEqual({ newsletters: false, meetingSummons: true, campaignNews: false });
    const patched = await t.request("PATCH", "/v1/orgs/demo", { body: { consentDefaults: { newsletters: true } } });
    expect(await json(patched, 200)).toMatchObject({ consentDefaults: { newsletters: true, meetingSummons: true, campaignNews: false } });

    const contact = await createContact(t, { name: "M", email: "m@example.org", consents: { meetingSummons: false } });
    expect(contact.consents).toEqual({ newsletters: true, meetingSummons: false, campaignNews: false });
    const member = await json<Contact>(await t.request("POST", members, { body: { name: "N", email: "n@example.org" } }), 201);
    expect(member.consents).toEqual({ newsletters: true, meetingSummons: true, campaignNews: false });
    const imported = await t.request("POST", `${members}/import`, {
      body: "name,email\r\nO,o@example.org\r\n",
      headers: { "Content-Type": "text/csv" },
    });
    expect(imported.status).toBe(200);
    const [row] = (await json<{ data: Contact[] }>(await t.request("GET", `${members}?q=o@`), 200)).data;
    expect(row?.consents).toEqual({ newsletters: true, meetingSummons: true, campaignNews: false });

    expect((await t.request("PATCH", "/v1/orgs/demo", { body: { consentDefaults: { newsletters: "yes" } } })).status).toBe(422);
  });

  it("start as given when the operator creates an organisation, and an organisation stored before the setting keeps consent to all", async () => {
    const t = await testApp();
    const created = await t.request("POST", "/v1/orgs", {
      key: operatorKey,
      body: { slug: "party", name: "Party", consentDefaults: { campaignNews: true } },
    });
    expect((await json<{ organisation: { consentDefaults: unknown } }>(created, 201)).organisation.consentDefaults).toEqual({
      newsletters: false,
      meetingSummons: true,
      campaignNews: true,
    });
    // A row written without the columns, as every organisation was before them: the migration's defaults.
    await t.database.client.execute(
      "INSERT INTO organisations (id, slug, name, time_zone, locale, created_at, updated_at) VALUES ('old-org', 'old', 'Old', 'UTC', 'en', '2026-01-01', '2026-01-01')",
    );
    const old = await t.database.client.execute(
      "SELECT consent_default_newsletters AS n, consent_default_meeting_summons AS s, consent_default_campaign_news AS c FROM organisations WHERE id = 'old-org'",
    );
    expect({ ...old.rows[0] }).toEqual({ n: 1, s: 1, c: 1 });
  });
});

describe("the subscribers audience", () => {
  it("sends a newsletter to every person who consents, members or not, and not to a contact without consent", async () => {
    const t = await testApp();
    const confirmed = await createContact(t, { name: "Pia", email: "pia@example.org", consents: { newsletters: true } });
    await createContact(t, { name: "Quinn", email: "quinn@example.org" });
    await createContact(t, { name: "No address", consents: { newsletters: true } });
    const member = await createActiveMember(t, { name: "Rut", email: "rut@example.org", consents: { newsletters: true } });
    const erased = await createContact(t, { name: "Gone", email: "gone@example.org", consents: { newsletters: true } });
    expect((await t.request("DELETE", `${contacts}/${erased.id}`)).status).toBe(204);

    const mailing = await createMailing(t, {
      subject: "Newsletter",
      text: "Hello {{member.name}}",
      category: "newsletters",
      audience: { type: "subscribers" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    const mailer = createMemoryMailer();
    await tick(t, "2026-11-21T09:00:00Z", mailer);
    expect(mailer.sent.map((mail) => mail.to).sort()).toEqual(["Pia <pia@example.org>", "Rut <rut@example.org>"]);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 2 });
    const recipients = await t.database.client.execute({
      sql: "SELECT member_id FROM mailing_deliveries WHERE mailing_id = ? ORDER BY member_id",
      args: [mailing.id],
    });
    expect(recipients.rows.map((row) => row.member_id)).toEqual([confirmed.id, member].sort());

    // The members' audience still reaches members alone.
    const toMembers = await createMailing(t, {
      subject: "Members",
      text: "x",
      category: "newsletters",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T10:00:00Z",
    });
    await tick(t, "2026-11-21T10:00:00Z", mailer);
    expect(await deliveryCounts(t, toMembers.id)).toEqual({ sent: 1 });
  });
});
