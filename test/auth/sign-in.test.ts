/**
 * Members signing in by e-mailed code: the code itself (once, 15 minutes, its own
 * organisation), where its link may point, and what a stranger can learn or do with the
 * endpoints: probe addresses by answer or by timing, mail-bomb a member, guess codes.
 */
import { describe, expect, it, vi } from "vitest";
import { createMemoryMailer, type Mailer } from "../../src/mail/mailer.ts";
import { adminKey, operatorKey, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { createMember } from "../helpers/members.ts";
import { askForCode, codeMailedTo, exchange, fromSocket, recordedApp, requestFrom } from "./helpers.ts";

const member = { name: "Signe Vallgren", email: "signe@example.org" };

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

describe("asking for a sign-in code", () => {
  it("mails the member a code that signs them in once", async () => {
    const t = await testApp();
    const id = await createMember(t, member);
    const response = await askForCode(t, "  SIGNE@example.org ");
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "accepted" });
    expect(t.mailer.sent.map((m) => m.to)).toEqual([member.email]);
    const code = codeMailedTo(t.mailer, member.email);

    const signedIn = await exchange(t, code);
    expect(signedIn.status).toBe(200);
    const token = (await signedIn.json()) as { token: string; memberId: string };
    expect(token.memberId).toBe(id);
    expect((await t.request("GET", "/v1/orgs/demo/me", { key: token.token })).status).toBe(200);
    expect((await problemOf(await exchange(t, code))).code).toBe("unauthorized");
  });

  it("answers a member's and an unknown address alike: status, body, headers and the very same database statements", async () => {
    const mailer = createMemoryMailer();
    const t = await recordedApp(mailer);
    const headers = { "X-Request-Id": "same-request-id" };
    const ask = async (email: string) => {
      const before = t.statements.length;
      const pending: Promise<unknown>[] = [];
      const response = await t.app.request(
        "/v1/orgs/demo/auth/magic-link",
        { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ email }) },
        fromSocket("198.51.100.7"),
        { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} },
      );
      // What the request itself did, before anything it left to finish after the response.
      const statements = t.statements.slice(before);
      await Promise.all(pending);
      return { status: response.status, headers: headersOf(response), body: await response.text(), statements };
    };
    await requestFrom(t, "198.51.100.9", "POST", "/v1/orgs/demo/members", member, { Authorization: `Bearer ${adminKey}` });
    // The organisation is remembered by the first request that names it; both asks below find it remembered.
    expect((await t.app.request("/v1/orgs/demo/calendar.ics", {}, fromSocket("198.51.100.9"))).status).toBe(200);

    const known = await ask(member.email);
    const unknown = await ask("nobody@example.org");
    expect(unknown).toEqual(known);
    expect(known.status).toBe(202);
    expect(known.statements.some((sql) => /insert into "sign_in_codes"/i.test(sql))).toBe(true);
    // The member's mail did go out, after the answer.
    expect(mailer.sent.map((m) => m.to)).toEqual([member.email]);
  });

  it("sends the mail after the response on Node too, where a failed send is logged and the answer stays 202", async () => {
    const t = await testApp();
    await createMember(t, member);
    // @hono/node-server gives no execution context: the mail goes out on a promise of its own.
    const response = await t.app.request("/v1/orgs/demo/auth/magic-link", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: member.email }),
    });
    expect(response.status).toBe(202);
    await vi.waitFor(() => expect(t.mailer.sent).toHaveLength(1));

    const failing: Mailer = { send: () => Promise.reject(new Error("SMTP 451 try later")) };
    const broken = await recordedApp(failing);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await requestFrom(broken, "198.51.100.9", "POST", "/v1/orgs/demo/members", member, {
        Authorization: `Bearer ${adminKey}`,
      });
      expect((await askForCode(broken, member.email)).status).toBe(202);
      expect(errors).toHaveBeenCalledWith("Mailing a sign-in code failed after the response:", expect.any(Error));
    } finally {
      errors.mockRestore();
    }
  });

  it("mails one address at most 5 codes an hour, members' and unknown addresses alike", async () => {
    const t = await testApp();
    await createMember(t, member);
    for (const email of [member.email, "nobody@example.org"]) {
      for (let i = 0; i < 5; i++) expect((await askForCode(t, email, `198.51.100.${i}`)).status).toBe(202);
      // From yet another client, and written differently: the address is what is counted.
      const refused = await askForCode(t, email.toUpperCase(), "203.0.113.50");
      expect(refused.status).toBe(429);
      expect((await problemOf(refused)).code).toBe("too_many_requests");
      expect(refused.headers.get("Retry-After")).toBe("3600");
    }
    expect(t.mailer.sent).toHaveLength(5);

    t.clock.advance(20 * 60_000);
    expect((await askForCode(t, member.email)).headers.get("Retry-After")).toBe("2400");
    t.clock.advance(40 * 60_000);
    expect((await askForCode(t, member.email)).status).toBe(202);
    expect(t.mailer.sent).toHaveLength(6);
  });

  it("takes at most 30 requests a minute from one client, whatever the addresses", async () => {
    const t = await testApp();
    for (let i = 0; i < 30; i++) expect((await askForCode(t, `person${i}@example.org`, "198.51.100.7")).status).toBe(202);
    const refused = await askForCode(t, "person31@example.org", "198.51.100.7");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("60");
    // Another client, and the same client's neighbours in its IPv6 /64 count as one.
    expect((await askForCode(t, "person31@example.org", "198.51.100.8")).status).toBe(202);
    for (let i = 0; i < 30; i++) expect((await askForCode(t, `v6-${i}@example.org`, `2001:db8:1:2::${i + 1}`)).status).toBe(202);
    expect((await askForCode(t, "v6-x@example.org", "2001:db8:1:2:ffff::1")).status).toBe(429);
    t.clock.advance(60_000);
    expect((await askForCode(t, "person32@example.org", "198.51.100.7")).status).toBe(202);
  });

  it("puts the link on this deployment or a listed frontend only, never elsewhere", async () => {
    const t = await testApp({ publicUrl: "https://api.forum.example" });
    await createMember(t, member);
    const before = await snapshot(t.database);
    for (const returnTo of [
      "https://evil.example/steal",
      "https://api.forum.example.evil.example/",
      "http://api.forum.example/sign-in",
      "javascript:alert(1)",
      "//evil.example/x",
      "http://localhost:5173/sign-in",
    ]) {
      const refused = await askForCode(t, member.email, "198.51.100.7", { returnTo });
      expect(refused.status, returnTo).toBe(422);
      expect((await problemOf(refused)).errors?.[0]?.field).toBe("body.returnTo");
    }
    expect(await snapshot(t.database)).toBe(before);
    expect(t.mailer.sent).toHaveLength(0);

    expect((await askForCode(t, member.email, "198.51.100.7", { returnTo: "https://api.forum.example/app/sign-in" })).status).toBe(202);
    const code = codeMailedTo(t.mailer, member.email);
    expect(t.mailer.sent[0]?.text).toContain(`https://api.forum.example/app/sign-in?code=${code}`);

    const listed = await testApp({ publicUrl: "https://api.forum.example", corsOrigins: ["https://members.forum.example"] });
    await createMember(listed, member);
    expect((await askForCode(listed, member.email, "198.51.100.7", { returnTo: "https://members.forum.example/in" })).status).toBe(202);
    expect((await askForCode(listed, member.email, "198.51.100.7", { returnTo: "https://other.forum.example/in" })).status).toBe(422);
  });
});

describe("exchanging a sign-in code", () => {
  it("takes a code for 15 minutes, not a moment longer", async () => {
    const t = await testApp();
    await createMember(t, member);
    await askForCode(t, member.email);
    const first = codeMailedTo(t.mailer, member.email);
    await askForCode(t, member.email);
    const second = codeMailedTo(t.mailer, member.email);

    t.clock.advance(15 * 60_000 - 1);
    expect((await exchange(t, first)).status).toBe(200);
    t.clock.advance(1);
    const expired = await exchange(t, second);
    expect(expired.status).toBe(401);
    expect((await problemOf(expired)).detail).toMatch(/expired/);
  });

  it("never takes one organisation's code in another", async () => {
    const t = await testApp();
    await createMember(t, member);
    const created = await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } });
    const otherKey = ((await created.json()) as { adminKey: { secret: string } }).adminKey.secret;
    // The same person is a member of the other organisation too.
    expect((await t.request("POST", "/v1/orgs/other/members", { key: otherKey, body: member })).status).toBe(201);

    await askForCode(t, member.email);
    const code = codeMailedTo(t.mailer, member.email);
    expect((await exchange(t, code, "198.51.100.7", "other")).status).toBe(401);
    // The attempt elsewhere did not use the code up.
    expect((await exchange(t, code, "198.51.100.7", "demo")).status).toBe(200);
  });

  it("takes no code of a member erased since", async () => {
    const t = await testApp();
    const id = await createMember(t, member);
    await askForCode(t, member.email);
    const code = codeMailedTo(t.mailer, member.email);
    expect((await t.request("DELETE", `/v1/orgs/demo/members/${id}`)).status).toBe(204);
    expect((await exchange(t, code)).status).toBe(401);
  });

  it("stops a client guessing after 20 wrong codes in 10 minutes, before looking at its next code", async () => {
    const t = await testApp();
    await createMember(t, member);
    await askForCode(t, member.email);
    const code = codeMailedTo(t.mailer, member.email);

    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await exchange(t, `guess${i}`.padEnd(32, "x"), "203.0.113.66")).status);
    expect(statuses).toEqual([...Array(20).fill(401), ...Array(40).fill(429)]);
    const refused = await exchange(t, code, "203.0.113.66");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("600");
    expect((await problemOf(refused)).code).toBe("too_many_requests");

    // The member, on another connection, is not locked out, and the guesser's wait ends with its window.
    t.clock.advance(5 * 60_000);
    expect((await exchange(t, code, "198.51.100.7")).status).toBe(200);
    t.clock.advance(5 * 60_000);
    expect((await exchange(t, "wrong-again".padEnd(32, "x"), "203.0.113.66")).status).toBe(401);
  });

  it("counts only failures, so a meeting room signs in through one address", async () => {
    const t = await testApp();
    const codes: string[] = [];
    for (let i = 0; i < 25; i++) {
      const email = `voter${i}@example.org`;
      await createMember(t, { name: `Voter ${i}`, email });
      expect((await askForCode(t, email, "192.0.2.10")).status).toBe(202);
      codes.push(codeMailedTo(t.mailer, email));
    }
    for (const code of codes) expect((await exchange(t, code, "192.0.2.10")).status).toBe(200);
  });
});
