/**
 * Guests at public events: people who are not members sign up for a public lecture (double
 * opt-in) and register as guests, under the same capacity and waiting list as members; events
 * for members refuse contacts, whoever registers them. And recruitment links: a group gives out
 * a code, a sign-up carrying it attributes the new contact to the group, and once that contact
 * becomes a member they count as the group's recruit.
 */
import { describe, expect, it } from "vitest";
import { addToGroup, createEvent, createGroup, keyWithRole, register } from "../events/helpers.ts";
import { json, problemOf, snapshot } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";
import { confirmationLink, confirmByPage, personByEmail, type SignupApp, signUp, signupApp } from "./helpers.ts";

const lecture = {
  title: "Public lecture on democracy",
  kind: "lecture",
  visibility: "public",
  registration: { mode: "open", capacity: 2 },
};

async function signUpAndConfirm(t: SignupApp, body: Record<string, unknown>) {
  await json(await signUp(t, body), 202);
  const { token } = await confirmationLink(t, String(body.email));
  return t.anonymous("POST", `/v1/orgs/${t.org}/signups/confirm`, { token });
}

interface RegistrationList {
  data: { member: { id: string }; status: string; waitlistPosition: number | null }[];
}

describe("guests at public events", () => {
  it("registers confirmed guests only, with the lecture's capacity and waiting list as for members", async () => {
    const t = await signupApp();
    const event = await createEvent(t, lecture);
    const member = await createMember(t);
    await giveMembership(t, member, await createMembershipType(t));
    await json(await register(t, event.id, {}, await memberToken(t, member)), 201);

    // Signing up registers nobody until the link is followed.
    await json(await signUp(t, { email: "guest1@example.org", purpose: "event", eventId: event.id, preferredLanguage: "en" }), 202);
    const link = await confirmationLink(t, "guest1@example.org");
    expect(link.subject).toBe("Confirm your registration for Public lecture on democracy");
    const before = await json<RegistrationList>(await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations`), 200);
    expect(before.data).toHaveLength(1);

    const first = await confirmByPage(t, link.path);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("“Public lecture on democracy”");
    const second = await json(await signUpAndConfirm(t, { email: "guest2@example.org", purpose: "event", eventId: event.id }), 200);
    expect(second).toMatchObject({ status: "confirmed", purpose: "event", eventId: event.id, registrationStatus: "waitlisted" });

    const after = await json<RegistrationList>(await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations`), 200);
    const guest1 = await personByEmail(t, "guest1@example.org");
    const guest2 = await personByEmail(t, "guest2@example.org");
    expect(guest1).toMatchObject({ enrolled: 0, source: "signup", consent_newsletters: 0 });
    // Listed in id order, which a fixed clock leaves to chance: compared as a set.
    const rows = after.data.map((r) => [r.member.id, r.status, r.waitlistPosition]);
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        [member, "accepted", null],
        [guest1?.id, "accepted", null],
        [guest2?.id, "waitlisted", 1],
      ]),
    );
    // Confirming again registers nobody twice.
    const again = await t.anonymous("POST", `/v1/orgs/demo/signups/confirm`, { token: link.token });
    expect(await json(again, 200)).toMatchObject({ registrationStatus: "accepted" });
    expect((await json<RegistrationList>(await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations`), 200)).data).toHaveLength(
      3,
    );
  });

  it("shows an event's title on the confirmation pages as text, never as markup, and mails it as written", async () => {
    const t = await signupApp();
    const title = `<b>Tom & "Jerry's"</b> lecture`;
    const escaped = "&lt;b&gt;Tom &amp; &quot;Jerry&#39;s&quot;&lt;/b&gt; lecture";
    const event = await createEvent(t, { ...lecture, title });
    await json(await signUp(t, { email: "guest@example.org", purpose: "event", eventId: event.id, preferredLanguage: "sv" }), 202);
    const link = await confirmationLink(t, "guest@example.org");
    expect(link.subject).toBe(`Bekräfta din anmälan till ${title}`);
    expect(link.text).toContain(`har anmält den här adressen till ”${title}” hos Demo organisation.`);
    const page = await (await t.anonymous("GET", link.path)).text();
    expect(page).toContain(`<p>Bekräfta din anmälan till ”${escaped}” hos Demo organisation?</p>`);
    expect(page).not.toContain("<b>");
    const confirmed = await (await confirmByPage(t, link.path)).text();
    expect(confirmed).toContain(`<p>Tack! Din anmälan till ”${escaped}” hos Demo organisation är bekräftad.</p>`);
    expect(confirmed).not.toContain("<b>");
  });

  it("does not take sign-ups for events that are not public or take no registrations, and keeps their existence hidden", async () => {
    const t = await signupApp();
    const members = await createEvent(t, { ...lecture, visibility: "members" });
    const closed = await createEvent(t, { ...lecture, registration: { mode: "none" } });
    const before = await snapshot(t.database);
    const hidden = await signUp(t, { email: "guest@example.org", purpose: "event", eventId: members.id });
    expect(hidden.status).toBe(404);
    expect((await problemOf(hidden)).code).toBe("not_found");
    const none = await signUp(t, { email: "guest@example.org", purpose: "event", eventId: closed.id });
    expect(none.status).toBe(409);
    expect(await problemOf(none)).toMatchObject({ reason: "registration_closed" });
    expect(await snapshot(t.database)).toBe(before);
  });

  it("refuses a member-only event at confirmation when it stopped being public meanwhile, and stores no consent", async () => {
    const t = await signupApp();
    const event = await createEvent(t, lecture);
    await json(await signUp(t, { email: "guest@example.org", purpose: "event", eventId: event.id, consents: { campaignNews: true } }), 202);
    await json(await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { visibility: "members" } }), 200);
    const { token } = await confirmationLink(t, "guest@example.org");
    const before = await snapshot(t.database);
    const refused = await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token });
    expect(refused.status).toBe(409);
    expect(await snapshot(t.database)).toBe(before);
    expect(await personByEmail(t, "guest@example.org")).toBeUndefined();
  });

  it("lets staff register a contact for a public event and refuses them for a members' event with 409 and a reason", async () => {
    const t = await signupApp();
    await json(await signUpAndConfirm(t, { email: "contact@example.org", purpose: "newsletter" }), 200);
    const contact = String((await personByEmail(t, "contact@example.org"))?.id);
    const staff = await keyWithRole(t, "staff");
    const open = await createEvent(t, lecture);
    const forMembers = await createEvent(t, { ...lecture, visibility: "members" });
    const group = await createGroup(t);
    const groupEvent = await createEvent(t, { ...lecture, visibility: "group", groupId: group });

    expect(await json(await register(t, open.id, { memberId: contact }, staff), 201)).toMatchObject({ status: "accepted" });
    for (const event of [forMembers, groupEvent]) {
      const before = await snapshot(t.database);
      const refused = await register(t, event.id, { memberId: contact }, staff);
      expect(refused.status).toBe(409);
      expect(await problemOf(refused)).toMatchObject({ code: "conflict", reason: "membership_none" });
      expect(await snapshot(t.database)).toBe(before);
    }
    // An enrolled member without a membership is registered by staff as before.
    const unpaid = await createMember(t);
    expect((await register(t, forMembers.id, { memberId: unpaid }, staff)).status).toBe(201);
  });

  it("lets a contact who signed in register themselves for a public event", async () => {
    const t = await signupApp();
    await json(await signUpAndConfirm(t, { email: "contact@example.org", purpose: "newsletter" }), 200);
    const contact = String((await personByEmail(t, "contact@example.org"))?.id);
    const event = await createEvent(t, lecture);
    const token = await memberToken(t, contact);
    expect(await json(await register(t, event.id, {}, token), 201)).toMatchObject({ status: "accepted", member: { id: contact } });
  });

  it("registers a member who signs up for the public event as the member they are", async () => {
    const t = await signupApp();
    const member = await createMember(t, { email: "member@example.org" });
    const event = await createEvent(t, lecture);
    expect(await json(await signUpAndConfirm(t, { email: "MEMBER@example.org", purpose: "event", eventId: event.id }), 200)).toMatchObject({
      registrationStatus: "accepted",
    });
    const list = await json<RegistrationList>(await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations`), 200);
    expect(list.data.map((r) => r.member.id)).toEqual([member]);
  });
});

interface LinkBody {
  id: string;
  code: string;
  url: string | null;
  signupPath: string;
  revokedAt: string | null;
}

describe("recruitment links", () => {
  it("attributes a contact who signs up with a group's link to the group, counted as recruited once they become a member", async () => {
    const t = await signupApp();
    const group = await createGroup(t);
    const campaign = await json<{ id: string }>(
      await t.request("POST", "/v1/orgs/demo/campaigns", { body: { name: "Autumn", startsOn: "2026-09-01", endsOn: "2026-12-31" } }),
      201,
    );
    const link = await json<LinkBody>(
      await t.request("POST", `/v1/orgs/demo/groups/${group}/recruitment-links`, {
        body: { campaignId: campaign.id, signupUrl: "https://forum.example.org/join" },
      }),
      201,
    );
    expect(link.url).toBe(`https://forum.example.org/join?ref=${link.code}`);
    expect(link.signupPath).toBe("/v1/orgs/demo/signups");

    await json(
      await signUpAndConfirm(t, { email: "recruit@example.org", name: "New Recruit", purpose: "newsletter", ref: link.code }),
      200,
    );
    const recruit = String((await personByEmail(t, "recruit@example.org"))?.id);
    // The attribution is kept with the contact and read once they are enrolled.
    await json(await t.request("POST", `/v1/orgs/demo/contacts/${recruit}/enrol`), 200);
    const attribution = await json(await t.request("GET", `/v1/orgs/demo/members/${recruit}/recruitment`), 200);
    expect(attribution).toMatchObject({
      groupId: group,
      campaignId: campaign.id,
      eventId: null,
      source: "recruitment_link",
      reference: link.code,
      recruitedOn: "2026-11-21",
    });
    const period = "from=2026-01-01&to=2026-12-31";
    const counted = async () => json(await t.request("GET", `/v1/orgs/demo/groups/${group}/recruitment?${period}`), 200);
    expect(await counted()).toMatchObject({ recruited: 1, newMembers: 0, newSupporters: 0 });

    // The contact becomes a member: the group's figures count a new member.
    await giveMembership(t, recruit, await createMembershipType(t));
    expect(await counted()).toMatchObject({ recruited: 1, newMembers: 1, newSupporters: 0 });
  });

  it("attributes no enrolled member, and no one through a link revoked before confirmation", async () => {
    const t = await signupApp();
    const group = await createGroup(t);
    const link = await json<LinkBody>(await t.request("POST", `/v1/orgs/demo/groups/${group}/recruitment-links`, { body: {} }), 201);
    expect(link.url).toBeNull();
    const member = await createMember(t, { email: "member@example.org" });
    await json(await signUpAndConfirm(t, { email: "member@example.org", purpose: "newsletter", ref: link.code }), 200);
    expect((await t.request("GET", `/v1/orgs/demo/members/${member}/recruitment`)).status).toBe(404);

    await json(await signUp(t, { email: "late@example.org", purpose: "newsletter", ref: link.code }), 202);
    expect((await t.request("DELETE", `/v1/orgs/demo/groups/${group}/recruitment-links/${link.id}`)).status).toBe(204);
    const { token } = await confirmationLink(t, "late@example.org");
    await json(await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token }), 200);
    const late = String((await personByEmail(t, "late@example.org"))?.id);
    await json(await t.request("POST", `/v1/orgs/demo/contacts/${late}/enrol`), 200);
    expect((await t.request("GET", `/v1/orgs/demo/members/${late}/recruitment`)).status).toBe(404);

    // A revoked code is refused at sign-up, and the link stays listed as revoked.
    const refused = await signUp(t, { email: "later@example.org", purpose: "newsletter", ref: link.code });
    expect(refused.status).toBe(422);
    expect((await problemOf(refused)).errors?.[0]?.field).toBe("body.ref");
    const listed = await json<{ data: LinkBody[] }>(await t.request("GET", `/v1/orgs/demo/groups/${group}/recruitment-links`), 200);
    expect(listed.data.map((l) => [l.id, l.revokedAt !== null])).toEqual([[link.id, true]]);
  });

  it("lets staff and the group's own conveners make and revoke links, readonly keys read them, and nobody else", async () => {
    const t = await signupApp();
    const group = await createGroup(t);
    const other = await createGroup(t, { name: "Other group" });
    const typeId = await createMembershipType(t);
    const convener = await createMember(t);
    const otherConvener = await createMember(t);
    const plainMember = await createMember(t);
    for (const id of [convener, otherConvener, plainMember]) await giveMembership(t, id, typeId);
    await addToGroup(t, group, convener, "convener");
    await addToGroup(t, other, otherConvener, "convener");
    await addToGroup(t, group, plainMember);
    const callers: Record<string, string | null> = {
      anonymous: null,
      member: await memberToken(t, plainMember),
      convener: await memberToken(t, convener),
      "other convener": await memberToken(t, otherConvener),
      readonly: await keyWithRole(t, "readonly"),
      staff: await keyWithRole(t, "staff"),
      admin: t.adminKey,
    };
    const path = `/v1/orgs/demo/groups/${group}/recruitment-links`;
    const statuses: Record<string, number[]> = {};
    for (const [name, key] of Object.entries(callers)) {
      const created = await t.request("POST", path, { key, body: {} });
      const listed = await t.request("GET", path, { key });
      const made = created.status === 201 ? ((await created.json()) as LinkBody).id : undefined;
      const revoked = made ? (await t.request("DELETE", `${path}/${made}`, { key })).status : undefined;
      statuses[name] = [created.status, listed.status, ...(revoked ? [revoked] : [])];
    }
    expect(statuses).toEqual({
      anonymous: [401, 401],
      member: [403, 403],
      convener: [201, 200, 204],
      "other convener": [403, 403],
      readonly: [403, 200],
      staff: [201, 200, 204],
      admin: [201, 200, 204],
    });
    // Another organisation's admin finds no such group.
    const operator = await t.request("POST", "/v1/orgs", {
      key: "operator-key-for-tests-0123456789",
      body: { slug: "other", name: "Other", timeZone: "Europe/Stockholm" },
    });
    const otherAdmin = (await json<{ adminKey: { secret: string } }>(operator, 201)).adminKey.secret;
    expect((await t.request("GET", path.replace("/demo/", "/other/"), { key: otherAdmin })).status).toBe(404);
  }, 30_000);
});
