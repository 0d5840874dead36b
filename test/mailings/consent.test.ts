import { describe, expect, it } from "vitest";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { testApp } from "../helpers/app.ts";
import { createMailing, deliveryCounts, tick } from "./helpers.ts";
import { orgIdOf, seedMembers } from "./seed.ts";

const unsubscribePath = (header: string | undefined) => new URL(/^<(.+)>$/.exec(header ?? "")?.[1] ?? "http://x/").pathname;

describe("consent, unsubscribe and suppression", () => {
  it("unsubscribes with one click (RFC 8058), without authentication, from that category only", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    const [ada] = await seedMembers(t.database.client, orgId, [{ name: "Ada", email: "ada@example.org" }]);
    const mailer = createMemoryMailer();
    await createMailing(t, {
      subject: "N1",
      text: "{{unsubscribeUrl}}",
      category: "newsletters",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    await tick(t, "2026-11-21T09:00:00Z", mailer);
    expect(mailer.sent).toHaveLength(1);
    const path = unsubscribePath(mailer.sent[0]?.headers?.["List-Unsubscribe"]);
    expect(mailer.sent[0]?.text).toBe(`https://api.example.org${path}`);

    // Opening the link (a person, or a link scanner) changes nothing.
    const page = await t.request("GET", path, { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    expect(await page.text()).toContain('<form method="post">');
    const consent = async () =>
      (await t.database.client.execute({ sql: "SELECT consent_newsletters AS n FROM members WHERE id = ?", args: [ada ?? ""] })).rows[0]?.n;
    expect(Number(await consent())).toBe(1);

    const post = await t.request("POST", path, {
      key: null,
      body: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(post.status).toBe(200);
    expect(Number(await consent())).toBe(0);
    expect(
      (
        await t.request("POST", path, {
          key: null,
          body: "List-Unsubscribe=One-Click",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        })
      ).status,
    ).toBe(200);
    const proof = await t.database.client.execute("SELECT category, via FROM mail_unsubscribes");
    expect(proof.rows).toHaveLength(1);

    // Newsletters no longer reach Ada; statutory mail still does, and carries no unsubscribe link.
    const news = await createMailing(t, {
      subject: "N2",
      text: "x",
      category: "newsletters",
      audience: { type: "all_members" },
      sendAt: "2026-11-22T09:00:00Z",
    });
    const notice = await createMailing(t, {
      subject: "S",
      text: "x",
      category: "statutory",
      audience: { type: "all_members" },
      sendAt: "2026-11-22T09:00:00Z",
    });
    await tick(t, "2026-11-22T09:00:00Z", mailer);
    expect(await deliveryCounts(t, news.id)).toEqual({ suppressed: 1 });
    expect(await deliveryCounts(t, notice.id)).toEqual({ sent: 1 });
    expect(mailer.sent.map((m) => m.subject)).toEqual(["N1", "S"]);
    expect(mailer.sent[1]?.headers?.["List-Unsubscribe"]).toBeUndefined();
  });

  it("refuses forged tokens and tokens of another organisation", async () => {
    const t = await testApp();
    expect((await t.request("GET", "/v1/orgs/demo/unsubscribe/1.AAAAAAAAAAAAAAAAAAAAAAAAAAA", { key: null })).status).toBe(404);
    expect(
      (
        await t.request("POST", "/v1/orgs/demo/unsubscribe/zz", {
          key: null,
          body: "",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        })
      ).status,
    ).toBe(404);
  });

  it("obeys an unsubscribe that comes after the mailing was scheduled and its recipients fixed", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    const ids = await seedMembers(
      t.database.client,
      orgId,
      Array.from({ length: 12 }, (_, i) => ({ email: `m${i}@example.org` })),
    );
    const mailer = createMemoryMailer();
    const mailing = await createMailing(t, {
      subject: "N",
      text: "x",
      category: "newsletters",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    // The first tick sends 5 and leaves 7 pending.
    await tick(t, "2026-11-21T09:00:00Z", mailer, 5);
    await t.database.client.execute({ sql: "UPDATE members SET consent_newsletters = 0 WHERE id = ?", args: [ids[11] ?? ""] });
    await t.request("POST", "/v1/orgs/demo/mail-suppressions", {
      body: { email: "M10@example.org", reason: "hard_bounce", detail: "550 user unknown" },
    });
    await tick(t, "2026-11-21T09:01:00Z", mailer, 50);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 10, suppressed: 2 });
    const reasons = await t.database.client.execute({
      sql: "SELECT reason FROM mailing_deliveries WHERE status = 'suppressed' ORDER BY reason",
      args: [],
    });
    expect(reasons.rows.map((r) => r.reason)).toEqual(["no_consent", "suppressed_address"]);
  });

  it("lists, de-duplicates and removes suppressions", async () => {
    const t = await testApp();
    const first = await t.request("POST", "/v1/orgs/demo/mail-suppressions", { body: { email: "x@example.org", reason: "complaint" } });
    expect(first.status).toBe(201);
    const again = await t.request("POST", "/v1/orgs/demo/mail-suppressions", { body: { email: "X@example.org", reason: "manual" } });
    expect(again.status).toBe(200);
    const list = (await (await t.request("GET", "/v1/orgs/demo/mail-suppressions")).json()) as { data: { id: string; reason: string }[] };
    expect(list.data).toHaveLength(1);
    expect(list.data[0]?.reason).toBe("complaint");
    expect((await t.request("DELETE", `/v1/orgs/demo/mail-suppressions/${list.data[0]?.id}`)).status).toBe(204);
    expect((await t.request("GET", "/v1/orgs/demo/mail-suppressions", { key: null })).status).toBe(401);
  });
});
