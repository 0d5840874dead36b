import type { Client } from "@libsql/client";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/index.ts";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { newId } from "../../src/lib/ids.ts";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { queueElectionCall } from "../../src/mailings/automation-planners.ts";
import { type TestApp, testApp } from "../helpers/app.ts";
import { createMailing, mailConfig, tick } from "./helpers.ts";
import { orgIdOf, seedMembers } from "./seed.ts";

/**
 * The demo organisation is Swedish (sv-SE, Europe/Stockholm). Its members read Swedish with
 * Swedish dates; a member who prefers English reads English; a language Grasrot does not
 * speak falls back to the organisation's.
 */

interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
}

async function members(t: TestApp) {
  const orgId = await orgIdOf(t.database.client);
  const [ada, eve, dora] = await seedMembers(t.database.client, orgId, [
    { name: "Ada Svensson", email: "ada@example.org" },
    { name: "Eve English", email: "eve@example.org" },
    { name: "Dora Deutsch", email: "dora@example.org" },
  ]);
  // Members say which language they prefer in their record.
  for (const [id, preferredLanguage] of [
    [eve, "en-GB"],
    [dora, "de-DE"],
  ] as const) {
    const response = await t.request("PATCH", `/v1/orgs/demo/members/${id}`, { body: { preferredLanguage } });
    expect(response.status, await response.clone().text()).toBe(200);
  }
  return { orgId, ada: ada as string, eve: eve as string, dora: dora as string };
}

/** A member meeting on Tuesday 8 December 2026 at 18:30 Stockholm time. */
async function memberMeeting(t: TestApp, orgId: string): Promise<string> {
  const id = newId();
  await t.database.client.execute({
    sql: `INSERT INTO events (id, org_id, title, kind, group_id, starts_at, ends_at, time_zone, visibility, status, exdates, recurring,
            span_start, span_end, registration_mode, registration_scope, requires_active_membership, created_at, updated_at)
          VALUES (?, ?, 'Annual meeting', 'member_meeting', NULL, '2026-12-08T17:30:00.000Z', '2026-12-08T19:30:00.000Z', 'Europe/Stockholm',
            'members', 'scheduled', '[]', 0, '2026-12-08T17:30:00.000Z', '2026-12-08T19:30:00.000Z', 'none', 'event', 0, 'x', 'x')`,
    args: [id, orgId],
  });
  return id;
}

async function outbox(t: TestApp): Promise<Map<string, OutboxMessage>> {
  const response = await t.request("GET", "/v1/orgs/demo/outbox?limit=100");
  expect(response.status).toBe(200);
  const { data } = (await response.json()) as { data: { id: string; to: string }[] };
  const full = await Promise.all(
    data.map(async (m) => (await (await t.request("GET", `/v1/orgs/demo/outbox/${m.id}`)).json()) as OutboxMessage),
  );
  return new Map(full.map((m) => [m.to, m]));
}

async function sendNotices(t: TestApp) {
  // The planner runs at 08:00 local (07:00 UTC in November), 21 days ahead; the next minute's tick sends.
  await tick(t, "2026-11-22T07:00:00Z");
  await tick(t, "2026-11-22T07:01:00Z");
}

describe("mail in the organisation's language and each member's", () => {
  it("notifies a Swedish organisation's members in Swedish with Swedish dates, and its English-speaking member in English", async () => {
    const t = await testApp();
    const { orgId } = await members(t);
    const meeting = await memberMeeting(t, orgId);
    const frontend = await t.request("PATCH", "/v1/orgs/demo", {
      body: { frontendUrls: { event: "https://forum.example/kalender/{id}" } },
    });
    expect(frontend.status, await frontend.clone().text()).toBe(200);
    expect(((await frontend.json()) as { frontendUrls: unknown }).frontendUrls).toEqual({ event: "https://forum.example/kalender/{id}" });
    const enable = await t.request("PUT", "/v1/orgs/demo/mailing-automations/member_meeting_notice", { body: { enabled: true } });
    expect(enable.status, await enable.clone().text()).toBe(200);

    await sendNotices(t);
    const sent = await outbox(t);
    expect([...sent.keys()].sort()).toEqual(["ada@example.org", "dora@example.org", "eve@example.org"]);

    const ada = sent.get("ada@example.org") as OutboxMessage;
    expect(ada.subject).toBe("Kallelse till medlemsmöte, tisdag 8 december 2026");
    expect(ada.text).toContain("Hej Ada!");
    expect(ada.text).toContain("Härmed kallas du till medlemsmöte i Demo organisation");
    expect(ada.text).toContain("tisdag 8 december 2026 kl. 18:30 (Europe/Stockholm)");
    expect(ada.text).toContain(`https://forum.example/kalender/${meeting}`);
    expect(ada.text).not.toContain("2026-12-08T");

    const eve = sent.get("eve@example.org") as OutboxMessage;
    expect(eve.subject).toMatch(/^Notice of the member meeting, Tuesday,? 8 December 2026$/);
    expect(eve.text).toContain("Hello Eve,");
    expect(eve.text).toMatch(/Tuesday,? 8 December 2026 at 18:30 \(Europe\/Stockholm\)/);
    expect(eve.text).toContain(`https://forum.example/kalender/${meeting}`);

    // German is not a language Grasrot writes: the organisation's own, Swedish.
    expect(sent.get("dora@example.org")?.subject).toBe("Kallelse till medlemsmöte, tisdag 8 december 2026");
  });

  it("sends each language the organisation's own template where it wrote one, and links to the API when no frontend is configured", async () => {
    const t = await testApp();
    const { orgId } = await members(t);
    const meeting = await memberMeeting(t, orgId);
    const put = await t.request("PUT", "/v1/orgs/demo/mailing-automations/member_meeting_notice", {
      body: {
        enabled: true,
        // The top-level template is the organisation's own language (Swedish).
        subject: "Medlemsmöte {{event.date}}",
        templates: { en: { subject: "Members meet: {{event.title}}" } },
      },
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const automation = (await put.json()) as {
      subject: string;
      templates: Record<string, { subject: string; text: string; custom: boolean }>;
    };
    expect(automation.subject).toBe("Medlemsmöte {{event.date}}");
    expect(automation.templates.sv).toMatchObject({ subject: "Medlemsmöte {{event.date}}", custom: true });
    // A language given in part keeps the rest of its template: the English text stays the built-in one.
    expect(automation.templates.en).toMatchObject({ subject: "Members meet: {{event.title}}", custom: true });
    expect(automation.templates.en?.text).toContain("Notice is given of the member meeting");

    await sendNotices(t);
    const sent = await outbox(t);
    expect(sent.get("ada@example.org")?.subject).toBe("Medlemsmöte tisdag 8 december 2026");
    expect(sent.get("eve@example.org")?.subject).toBe("Members meet: Annual meeting");
    expect(sent.get("eve@example.org")?.text).toContain(`https://api.example.org/v1/orgs/demo/events/${meeting}`);

    // null returns a language to the built-in template.
    const reset = await t.request("PUT", "/v1/orgs/demo/mailing-automations/member_meeting_notice", { body: { templates: { en: null } } });
    const after = (await reset.json()) as typeof automation;
    expect(after.templates.en).toMatchObject({ subject: "Notice of the member meeting, {{event.date}}", custom: false });
    expect(after.templates.sv?.custom).toBe(true);
  });

  it("refuses an unknown variable in one language's template, naming the field, and changes nothing", async () => {
    const t = await testApp();
    const bad = await t.request("PUT", "/v1/orgs/demo/mailing-automations/event_reminder", {
      body: { templates: { en: { text: "Hi {{member.nickname}}" } } },
    });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toEqual(["body.templates.en.text"]);
    const unknownLanguage = await t.request("PUT", "/v1/orgs/demo/mailing-automations/event_reminder", {
      body: { templates: { fi: { subject: "Muistutus" } } },
    });
    expect(unknownLanguage.status).toBe(422);
    const read = (await (await t.request("GET", "/v1/orgs/demo/mailing-automations/event_reminder")).json()) as { configured: boolean };
    expect(read.configured).toBe(false);
  });

  it("gives each recipient of a mailing the variant of their language, and unsubscribes them in it", async () => {
    const t = await testApp();
    await members(t);
    const mailing = await createMailing(t, {
      subject: "Höstkampanjen",
      text: "Hej {{member.firstName}}! Avregistrera: {{unsubscribeUrl}}",
      variants: { en: { subject: "The autumn campaign", text: "Hello {{member.firstName}}! Unsubscribe: {{unsubscribeUrl}}" } },
      category: "newsletters",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    const shown = (await (await t.request("GET", `/v1/orgs/demo/mailings/${mailing.id}`)).json()) as { variants: unknown };
    expect(shown.variants).toEqual({ en: { subject: "The autumn campaign", text: expect.stringContaining("Hello"), html: null } });

    const mailer = createMemoryMailer();
    await tick(t, "2026-11-21T09:00:00Z", mailer);
    await tick(t, "2026-11-21T09:01:00Z", mailer);
    const to = (address: string) => mailer.sent.find((m) => m.to.includes(address));
    expect(to("ada@")?.subject).toBe("Höstkampanjen");
    expect(to("eve@")?.subject).toBe("The autumn campaign");
    expect(to("eve@")?.text).toContain("Hello Eve!");
    expect(to("dora@")?.subject).toBe("Höstkampanjen");

    const page = async (address: string) => {
      const link = /<([^>]+)>/.exec(to(address)?.headers?.["List-Unsubscribe"] ?? "")?.[1] as string;
      const response = await t.app.request(new URL(link).pathname);
      expect(response.status).toBe(200);
      return response.text();
    };
    const english = await page("eve@");
    expect(english).toContain('<html lang="en">');
    expect(english).toContain("Stop receiving newsletters from Demo organisation?");
    const swedish = await page("ada@");
    expect(swedish).toContain('<html lang="sv">');
    expect(swedish).toContain("Vill du sluta få nyhetsbrev från Demo organisation?");
  });

  it("refuses a variant under a name that is not a language code", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs/demo/mailings", {
      body: {
        subject: "x",
        text: "x",
        variants: { english: { subject: "x", text: "x" } },
        category: "statutory",
        audience: { type: "all_members" },
      },
    });
    expect(response.status).toBe(422);
    const list = (await (await t.request("GET", "/v1/orgs/demo/mailings")).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(0);
  });

  it("calls an election in each member's language with local times and a link that is never empty", async () => {
    const t = await testApp();
    const { orgId } = await members(t);
    const electionId = newId();
    await queueElectionCall(
      t.db,
      { id: orgId, timeZone: "Europe/Stockholm", locale: "sv-SE" },
      {
        id: electionId,
        title: "Styrelseval",
        phase: "voting_open",
        opensAt: "2026-11-21T09:00:00.000Z",
        closesAt: "2026-11-28T17:00:00.000Z",
      },
      sql`SELECT id AS member_id FROM members WHERE org_id = ${orgId}`,
      new Date("2026-11-21T09:00:00Z"),
    );
    const mailer = createMemoryMailer();
    await tick(t, "2026-11-21T09:00:00Z", mailer);
    await tick(t, "2026-11-21T09:01:00Z", mailer);
    const to = (address: string) => mailer.sent.find((m) => m.to.includes(address));
    expect(to("ada@")?.subject).toBe("Styrelseval: röstningen är öppen");
    expect(to("ada@")?.text).toContain("från lördag 21 november 2026 kl. 10:00 till lördag 28 november 2026 kl. 18:00");
    expect(to("eve@")?.subject).toBe("Styrelseval: voting is open");
    // English in a Swedish organisation: the organisation's region's conventions (en-SE), a 24-hour clock.
    expect(to("eve@")?.text).toMatch(/from Saturday,? 21 November 2026 at 10:00 to Saturday,? 28 November 2026 at 18:00/);
    expect(to("eve@")?.text).toContain(`https://api.example.org/v1/orgs/demo/elections/${electionId}`);
  });
});

describe("rendering each recipient in their language", () => {
  it("costs no database statement more than a mailing in one language", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    const ids = await seedMembers(
      t.database.client,
      orgId,
      Array.from({ length: 40 }, (_, i) => ({ name: `Member ${i}`, email: `m${i}@example.org` })),
    );
    let statements = 0;
    const counted = createDb(
      new Proxy(t.database.client, {
        get(target, property, receiver) {
          if (property === "execute") {
            return (...args: Parameters<Client["execute"]>) => {
              statements += 1;
              return target.execute(...args);
            };
          }
          if (property === "batch") {
            return (batch: Parameters<Client["batch"]>[0], mode?: Parameters<Client["batch"]>[1]) => {
              statements += batch.length;
              return target.batch(batch, mode);
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
    );
    const send = async (at: string, mailer: ReturnType<typeof createMemoryMailer>) => {
      statements = 0;
      for (const minute of ["00", "01"]) {
        const reports = await runScheduled("* * * * *", new Date(`${at}:${minute}:00Z`), {
          db: counted,
          mailer,
          clock: t.clock,
          config: mailConfig,
        });
        for (const report of reports) if (!report.ok) throw new Error(`${report.job}: ${report.error}`);
      }
      return statements;
    };

    // A first mailing pays what happens once (the signing key is made, the first plans run): not counted.
    await createMailing(t, {
      subject: "Först",
      text: "Hej!",
      category: "statutory",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T08:00:00Z",
    });
    await send("2026-11-21T08", createMemoryMailer());

    await createMailing(t, {
      subject: "Ett språk",
      text: "Hej!",
      category: "statutory",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    const oneLanguage = createMemoryMailer();
    const inOne = await send("2026-11-21T09", oneLanguage);

    // Half of them now prefer English, and the next mailing has an English variant.
    await t.database.client.execute({
      sql: `UPDATE members SET preferred_language = 'en' WHERE id IN (SELECT value FROM json_each(?))`,
      args: [JSON.stringify(ids.slice(0, 20))],
    });
    await createMailing(t, {
      subject: "Två språk",
      text: "Hej!",
      variants: { en: { subject: "Two languages", text: "Hello!" } },
      category: "statutory",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T10:00:00Z",
    });
    const twoLanguages = createMemoryMailer();
    const inTwo = await send("2026-11-21T10", twoLanguages);

    expect(oneLanguage.sent).toHaveLength(40);
    expect(twoLanguages.sent.filter((m) => m.subject === "Two languages")).toHaveLength(20);
    expect(twoLanguages.sent.filter((m) => m.subject === "Två språk")).toHaveLength(20);
    expect(inOne).toBeGreaterThan(0);
    expect(inTwo).toBe(inOne);
  });
});
