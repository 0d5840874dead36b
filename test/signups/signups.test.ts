/**
 * Public sign-up with double opt-in: a stranger signs an address up for the newsletter; the
 * confirmation link is mailed at once; nothing is a person or a consent until the link is
 * followed and its page's button pressed; a link expires; and the endpoint tells nothing about
 * which addresses are known and cannot be used to mail-bomb anyone.
 */
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { json, problemOf, snapshot } from "../helpers/app.ts";
import { createMember, memberToken } from "../helpers/members.ts";
import { confirmationLink, confirmByPage, mailsTo, personByEmail, type SignupApp, signUp, signupApp } from "./helpers.ts";

const email = "Vera.Lind@example.org";

async function consentRows(t: SignupApp) {
  return (await t.database.client.execute("SELECT count(*) AS n FROM members")).rows[0]?.n;
}

describe("signing up for the newsletter", () => {
  it("mails a link at once, stores nobody until it is confirmed, then creates a contact with the consent asked for", async () => {
    const t = await signupApp();
    const people = await consentRows(t);
    const response = await signUp(t, { email, name: "Vera Lind", purpose: "newsletter", preferredLanguage: "en" });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "accepted" });

    // The mail is in the outbox right after the answer, not on a later mail tick.
    const link = await confirmationLink(t, email);
    expect(link.subject).toBe("Confirm your subscription to Demo organisation");
    expect(link.text).toContain("Hello Vera Lind");
    expect(link.path).toMatch(/^\/v1\/orgs\/demo\/signups\/confirm\/\w+$/);
    // No person and no consent yet.
    expect(await personByEmail(t, email)).toBeUndefined();
    expect(await consentRows(t)).toBe(people);

    // Opening the page (as a mail scanner would) confirms nothing.
    const page = await t.anonymous("GET", link.path);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    expect(await page.text()).toContain("Confirm your sign-up for the newsletter at Demo organisation?");
    expect(await personByEmail(t, email)).toBeUndefined();

    const confirmed = await confirmByPage(t, link.path);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("is confirmed");
    expect(await personByEmail(t, email)).toMatchObject({
      enrolled: 0,
      source: "signup",
      name: "Vera Lind",
      consent_newsletters: 1,
      consent_meeting_summons: 0,
      consent_campaign_news: 0,
    });
  });

  it("confirms through the API for frontends, and a second confirmation answers the same and changes nothing", async () => {
    const t = await signupApp();
    await json(await signUp(t, { email, purpose: "newsletter", consents: { campaignNews: true } }), 202);
    const { token } = await confirmationLink(t, email);
    const first = await json(await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token }), 200);
    expect(first).toMatchObject({ status: "confirmed", purpose: "newsletter", eventId: null, registrationStatus: null });
    const before = await snapshot(t.database);
    const again = await json(await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token }), 200);
    expect(again).toEqual(first);
    expect(await snapshot(t.database)).toBe(before);
    expect(await personByEmail(t, email)).toMatchObject({ consent_newsletters: 1, consent_campaign_news: 1, consent_meeting_summons: 0 });
  });

  it("makes one contact of two sign-ups of a new address confirmed at the same moment", async () => {
    const t = await signupApp();
    await json(await signUp(t, { email, purpose: "newsletter" }), 202);
    const first = await confirmationLink(t, email);
    // A second later, so that the outbox lists the second mail last.
    t.clock.advance(1000);
    await json(await signUp(t, { email, purpose: "newsletter", consents: { campaignNews: true } }), 202);
    const second = await confirmationLink(t, email);
    expect(second.token).not.toBe(first.token);
    const answers = await Promise.all(
      [first, second, first].map(({ token }) => t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token })),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const rows = await t.database.client.execute("SELECT count(*) AS n FROM members WHERE email_key = 'vera.lind@example.org'");
    expect(rows.rows[0]?.n).toBe(1);
    expect(await personByEmail(t, email)).toMatchObject({ consent_newsletters: 1, consent_campaign_news: 1 });
  });

  it("adds the consent to a member who signs up, without a second person or touching their other consents", async () => {
    const t = await signupApp();
    const id = await createMember(t, { name: "Vera Lind", email: "vera.lind@example.org", consents: { newsletters: false } });
    await json(await signUp(t, { email: "VERA.LIND@example.org", purpose: "newsletter" }), 202);
    const { token } = await confirmationLink(t, "vera.lind@example.org");
    await json(await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token }), 200);
    const member = await json<{ consents: Record<string, boolean> }>(await t.request("GET", `/v1/orgs/demo/members/${id}`), 200);
    // The organisation's defaults for the others (campaign news opt-in), untouched by the sign-up.
    expect(member.consents).toEqual({ newsletters: true, meetingSummons: true, campaignNews: false });
    expect(
      (await t.database.client.execute("SELECT count(*) AS n FROM members WHERE email_key = 'vera.lind@example.org'")).rows[0]?.n,
    ).toBe(1);
  });

  it("writes the mail in Swedish by the organisation's locale when no language is given", async () => {
    const t = await signupApp();
    await json(await signUp(t, { email, purpose: "newsletter" }), 202);
    const link = await confirmationLink(t, email);
    expect(link.subject).toBe("Bekräfta din prenumeration hos Demo organisation");
    expect(link.text).toContain("Öppna länken för att bekräfta");
    expect(await (await t.anonymous("GET", link.path)).text()).toContain('<html lang="sv">');
  });

  it("points the link at the frontend when asked, and refuses a frontend elsewhere", async () => {
    const t = await signupApp();
    await json(await signUp(t, { email, purpose: "newsletter", returnTo: `https://api.forum.example/confirm` }), 202);
    const mail = (await mailsTo(t, email)).at(-1);
    expect(mail?.text).toMatch(/https:\/\/api\.forum\.example\/confirm\?token=\w+/);
    const before = await snapshot(t.database);
    const refused = await signUp(t, { email, purpose: "newsletter", returnTo: "https://evil.example/confirm" });
    expect(refused.status).toBe(422);
    expect((await problemOf(refused)).errors?.[0]?.field).toBe("body.returnTo");
    expect(await snapshot(t.database)).toBe(before);
  });

  it("hides the link from staff reading the outbox: only the person may confirm", async () => {
    const t = await signupApp();
    await json(await signUp(t, { email, purpose: "newsletter" }), 202);
    const staff = await json<{ secret: string }>(
      await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "s", role: "staff" } }),
      201,
    );
    const list = await json<{ data: { id: string }[] }>(await t.request("GET", "/v1/orgs/demo/outbox", { key: staff.secret }), 200);
    const message = await json<{ text: string }>(
      await t.request("GET", `/v1/orgs/demo/outbox/${list.data[0]?.id}`, { key: staff.secret }),
      200,
    );
    expect(message.text).toContain("[hidden]");
    expect(message.text).not.toMatch(/signups\/confirm\/\w{32}/);
  });
});

describe("erasure", () => {
  it("forgets the sign-ups of a person erased, confirmed and pending alike", async () => {
    const t = await signupApp();
    await json(await signUp(t, { email, name: "Vera Lind", purpose: "newsletter" }), 202);
    const { token } = await confirmationLink(t, email);
    await json(await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token }), 200);
    await json(await signUp(t, { email, purpose: "newsletter", consents: { campaignNews: true } }), 202);
    const other = await signUp(t, { email: "someone.else@example.org", purpose: "newsletter" });
    expect(other.status).toBe(202);
    const signups = async () =>
      (await t.database.client.execute("SELECT email_key FROM signups ORDER BY email_key")).rows.map((r) => r.email_key);
    expect(await signups()).toEqual(["someone.else@example.org", "vera.lind@example.org", "vera.lind@example.org"]);
    const person = String((await personByEmail(t, email))?.id);
    expect((await t.request("DELETE", `/v1/orgs/demo/contacts/${person}`)).status).toBe(204);
    expect(await signups()).toEqual(["someone.else@example.org"]);
    expect((await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token })).status).toBe(404);
  });
});

describe("what a sign-up refuses", () => {
  it("answers an unknown token 404 and an expired one 410, as problems, and changes nothing", async () => {
    const t = await signupApp();
    await json(await signUp(t, { email, purpose: "newsletter" }), 202);
    const { token, path } = await confirmationLink(t, email);
    const unknown = await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token: "x".repeat(32) });
    expect(unknown.status).toBe(404);
    expect((await problemOf(unknown)).code).toBe("not_found");
    expect((await t.anonymous("GET", "/v1/orgs/demo/signups/confirm/nothing-here")).status).toBe(404);

    t.clock.advance(48 * 3600 * 1000);
    const before = await snapshot(t.database);
    const expired = await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token });
    expect(expired.status).toBe(410);
    expect((await problemOf(expired)).code).toBe("gone");
    expect((await problemOf(await t.anonymous("GET", path))).code).toBe("gone");
    const byForm = await t.anonymous("POST", path, "confirm=1", undefined, { "Content-Type": "application/x-www-form-urlencoded" });
    expect(byForm.status).toBe(410);
    expect(await snapshot(t.database)).toBe(before);
    expect(await personByEmail(t, email)).toBeUndefined();
  });

  it("purges unconfirmed sign-ups once expired, in the nightly housekeeping, and keeps those still pending", async () => {
    const t = await signupApp();
    await json(await signUp(t, { email, purpose: "newsletter" }), 202);
    t.clock.advance(47 * 3600 * 1000);
    await json(await signUp(t, { email: "later@example.org", purpose: "newsletter" }), 202);
    const nightly = new Date(t.clock.now().getTime() + 2 * 3600 * 1000);
    const [report] = await runScheduled("17 3 * * *", nightly, t);
    expect(report?.result).toMatchObject({ expiredSignups: 1 });
    const { token } = await confirmationLink(t, email);
    expect((await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token })).status).toBe(404);
    const later = await confirmationLink(t, "later@example.org");
    expect((await t.anonymous("POST", "/v1/orgs/demo/signups/confirm", { token: later.token })).status).toBe(200);
  });

  it("refuses bad input with 422 naming the field, and stores and mails nothing", async () => {
    const t = await signupApp();
    const before = await snapshot(t.database);
    const cases: [Record<string, unknown>, string][] = [
      [{ email: "not an address", purpose: "newsletter" }, "body.email"],
      [{ email, purpose: "petition" }, "body.purpose"],
      [{ email, purpose: "event" }, "body.eventId"],
      [{ email, purpose: "newsletter", eventId: crypto.randomUUID() }, "body.eventId"],
      [{ email, purpose: "newsletter", ref: "no-such-link" }, "body.ref"],
      [{ email, purpose: "newsletter", consents: { newsletters: "yes" } }, "body.consents.newsletters"],
      [{ email, purpose: "newsletter", memberNumber: "12" }, "body"],
    ];
    for (const [body, field] of cases) {
      const response = await signUp(t, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
    }
    expect(await snapshot(t.database)).toBe(before);
  });
});

describe("what a stranger can learn or do", () => {
  it("answers a member's, a contact's and an unknown address alike, and mails each the same confirmation", async () => {
    const t = await signupApp();
    await createMember(t, { name: "Known Member", email: "known@example.org" });
    const answers = [];
    for (const address of ["known@example.org", "unknown@example.org"]) {
      const response = await signUp(t, { email: address, purpose: "newsletter", preferredLanguage: "en" });
      answers.push({ status: response.status, body: await response.text(), type: response.headers.get("Content-Type") });
    }
    expect(answers[1]).toEqual(answers[0]);
    const known = await confirmationLink(t, "known@example.org");
    const unknown = await confirmationLink(t, "unknown@example.org");
    expect(known.subject).toBe(unknown.subject);
    expect(known.text.replace(/confirm\/\w+/, "")).toBe(unknown.text.replace(/confirm\/\w+/, ""));
  });

  it("limits sign-ups per address, for known and unknown addresses alike, with 429 and Retry-After", async () => {
    const t = await signupApp();
    await createMember(t, { name: "Known Member", email: "known@example.org" });
    for (const address of ["known@example.org", "unknown@example.org"]) {
      for (let i = 0; i < 3; i++) await json(await signUp(t, { email: address, purpose: "newsletter" }, `203.0.113.${i}`), 202);
      const refused = await signUp(t, { email: address.toUpperCase(), purpose: "newsletter" }, "203.0.113.99");
      expect(refused.status).toBe(429);
      expect((await problemOf(refused)).code).toBe("too_many_requests");
      expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(await mailsTo(t, address)).toHaveLength(3);
    }
    // An hour later the address may sign up again.
    t.clock.advance(3600 * 1000);
    expect((await signUp(t, { email: "known@example.org", purpose: "newsletter" })).status).toBe(202);
  });

  it("limits sign-ups per client, whatever the addresses", async () => {
    const t = await signupApp();
    for (let i = 0; i < 60; i++) await json(await signUp(t, { email: `guest${i}@example.org`, purpose: "newsletter" }, "192.0.2.1"), 202);
    const refused = await signUp(t, { email: "one-more@example.org", purpose: "newsletter" }, "192.0.2.1");
    expect(refused.status).toBe(429);
    expect(await mailsTo(t, "one-more@example.org")).toHaveLength(0);
    // Another client is not held back.
    expect((await signUp(t, { email: "one-more@example.org", purpose: "newsletter" }, "192.0.2.2")).status).toBe(202);
    // Sixty-odd requests: room for a busy machine.
  }, 30_000);
});

describe("who may sign up", () => {
  it("takes sign-ups and confirmations from anyone of the organisation: the public, members and keys; another organisation's key finds nothing", async () => {
    const t = await signupApp();
    const member = await createMember(t);
    const readonly = await json<{ secret: string }>(
      await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "r", role: "readonly" } }),
      201,
    );
    const created = await t.request("POST", "/v1/orgs", {
      key: "operator-key-for-tests-0123456789",
      body: { slug: "other", name: "Other", timeZone: "Europe/Stockholm" },
    });
    const otherAdmin = (await json<{ adminKey: { secret: string } }>(created, 201)).adminKey.secret;
    const callers: Record<string, string | null> = {
      anonymous: null,
      member: await memberToken(t, member),
      readonly: readonly.secret,
      admin: t.adminKey,
      "another org's admin": otherAdmin,
    };
    const statuses: Record<string, number[]> = {};
    for (const [name, key] of Object.entries(callers)) {
      const address = `${name.replaceAll(/\W/g, "")}@example.org`;
      const signed = await t.request("POST", "/v1/orgs/demo/signups", { key, body: { email: address, purpose: "newsletter" } });
      const mails = await mailsTo(t, address);
      const token = /confirm\/(\w+)/.exec(mails.at(-1)?.text ?? "")?.[1] ?? "x".repeat(32);
      const confirmed = await t.request("POST", "/v1/orgs/demo/signups/confirm", { key, body: { token } });
      statuses[name] = [signed.status, confirmed.status];
    }
    expect(statuses).toEqual({
      anonymous: [202, 200],
      member: [202, 200],
      readonly: [202, 200],
      admin: [202, 200],
      "another org's admin": [404, 404],
    });
  });
});
