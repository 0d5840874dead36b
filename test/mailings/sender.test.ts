import type { Client } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/index.ts";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { createMailSender } from "../../src/jobs/in-process.ts";
import { mailingJobs } from "../../src/jobs/mailings.ts";
import type { Mailer, MailMessage } from "../../src/mail/mailer.ts";
import { createOutboxMailer } from "../../src/mail/outbox.ts";
import { type TestApp, testApp } from "../helpers/app.ts";
import { createMailing, deliveryCounts, mailConfig, tick } from "./helpers.ts";
import { orgIdOf, seedMembers } from "./seed.ts";

async function seed(t: TestApp, count: number) {
  await seedMembers(
    t.database.client,
    await orgIdOf(t.database.client),
    Array.from({ length: count }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.org` })),
  );
}

const newsletter = {
  subject: "News",
  text: "Hi {{member.firstName}}\n{{unsubscribeUrl}}",
  category: "newsletters",
  audience: { type: "all_members" },
};

/** The statements a client is asked to run, counted as the benchmark counts them: each of a batch on its own. */
function counting(client: Client) {
  const counts = { statements: 0 };
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      if (property === "execute") {
        return (...args: Parameters<Client["execute"]>) => {
          counts.statements += 1;
          return target.execute(...args);
        };
      }
      if (property === "batch") {
        return (statements: Parameters<Client["batch"]>[0], mode?: Parameters<Client["batch"]>[1]) => {
          counts.statements += statements.length;
          return target.batch(statements, mode);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { client: proxy, counts };
}

describe("Node's in-process sender", () => {
  it("sends a whole mailing on the tick that starts it, far past the per-tick budget, each recipient once", async () => {
    const t = await testApp();
    await seed(t, 1_200);
    const mailing = await createMailing(t, { ...newsletter, sendAt: "2026-11-21T09:00:00Z" });
    const deps = { db: t.db, mailer: createOutboxMailer(t.db, t.clock, mailConfig.mail.from), clock: t.clock, config: mailConfig };
    const sender = createMailSender(deps);
    // The server's tick: the per-tick budget (200) is what the Worker without a queue would send this minute.
    const reports = await runScheduled("* * * * *", new Date("2026-11-21T09:00:00Z"), { ...deps, mailSender: sender });
    expect(reports.find((report) => report.job === "mailings.deliver")?.result).toEqual({ woken: true });
    await sender.idle();

    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 1_200 });
    const outbox = await t.database.client.execute('SELECT count(*) AS n, count(DISTINCT "to") AS people FROM mail_outbox');
    expect(outbox.rows[0]).toMatchObject({ n: 1_200, people: 1_200 });
    const read = (await (await t.request("GET", `/v1/orgs/demo/mailings/${mailing.id}`)).json()) as { status: string };
    expect(read.status).toBe("sent");
  }, 30_000);

  it("sends rounds side by side, never more at once than its lanes", async () => {
    const t = await testApp();
    await seed(t, 300);
    const mailing = await createMailing(t, { ...newsletter, sendAt: "2026-11-21T09:00:00Z" });
    let inFlight = 0;
    let most = 0;
    const accepted: MailMessage[] = [];
    const mailer: Mailer = {
      batchSize: 20,
      send: async () => ({ messageId: "unused" }),
      async sendBatch(messages) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        // A provider's HTTP round trip: the other lanes go on meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        accepted.push(...messages);
        return messages.map((message) => ({ ok: true as const, messageId: message.messageId ?? "" }));
      },
    };
    const sender = createMailSender({ db: t.db, mailer, clock: t.clock, config: mailConfig }, { lanes: 3 });
    await mailingJobsPlan(t, mailer);
    sender.wake();
    sender.wake();
    await sender.idle();
    expect(most).toBe(3);
    expect(accepted).toHaveLength(300);
    expect(new Set(accepted.map((message) => message.to)).size).toBe(300);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 300 });
  });

  it("stops asking a transport that is down after one round per lane; the rest waits for the next tick", async () => {
    const t = await testApp();
    await seed(t, 100);
    const mailing = await createMailing(t, { ...newsletter, sendAt: "2026-11-21T09:00:00Z" });
    let batches = 0;
    const mailer: Mailer = {
      batchSize: 10,
      send: async () => ({ messageId: "unused" }),
      async sendBatch() {
        batches += 1;
        throw new Error("503 Service Unavailable");
      },
    };
    await mailingJobsPlan(t, mailer);
    const sender = createMailSender({ db: t.db, mailer, clock: t.clock, config: mailConfig }, { lanes: 2 });
    sender.wake();
    await sender.idle();
    expect(batches).toBe(2);
    const retrying = await t.database.client.execute({
      sql: "SELECT count(*) AS n FROM mailing_deliveries WHERE mailing_id = ? AND next_attempt_at IS NOT NULL",
      args: [mailing.id],
    });
    expect(Number(retrying.rows[0]?.n)).toBe(20);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ pending: 100 });
  });

  it("on shutdown finishes and records the rounds in hand, begins none, and a restart sends the rest: nobody twice", async () => {
    const t = await testApp();
    await seed(t, 100);
    const mailing = await createMailing(t, { ...newsletter, sendAt: "2026-11-21T09:00:00Z" });
    const accepted: MailMessage[] = [];
    let started: () => void = () => {};
    const firstBatch = new Promise<void>((resolve) => {
      started = resolve;
    });
    const mailer: Mailer = {
      batchSize: 10,
      send: async () => ({ messageId: "unused" }),
      async sendBatch(messages) {
        started();
        await new Promise((resolve) => setTimeout(resolve, 20));
        accepted.push(...messages);
        return messages.map((message) => ({ ok: true as const, messageId: message.messageId ?? "" }));
      },
    };
    await mailingJobsPlan(t, mailer);
    const deps = { db: t.db, mailer, clock: t.clock, config: mailConfig };
    const sender = createMailSender(deps, { lanes: 2 });
    sender.wake();
    await firstBatch;
    await sender.stop();
    const stopped = await deliveryCounts(t, mailing.id);
    // Nothing is left `sending` (which a restart would send again after the lease) …
    expect(stopped.sending).toBeUndefined();
    expect(stopped.sent).toBe(accepted.length);
    expect(accepted.length).toBeLessThan(100);

    // … so the restarted server sends each of the rest once, at once.
    const restarted = createMailSender(deps, { lanes: 2 });
    restarted.wake();
    await restarted.idle();
    expect(accepted).toHaveLength(100);
    expect(new Set(accepted.map((message) => message.to)).size).toBe(100);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 100 });
  });

  it("takes a mailing started while it sends: woken again, it looks for it", async () => {
    const t = await testApp();
    await seed(t, 50);
    const first = await createMailing(t, { ...newsletter, sendAt: "2026-11-21T09:00:00Z" });
    const second = await createMailing(t, { ...newsletter, subject: "Later", sendAt: "2026-11-21T09:01:00Z" });
    const mailer = createOutboxMailer(t.db, t.clock, mailConfig.mail.from);
    const deps = { db: t.db, mailer, clock: t.clock, config: mailConfig };
    const sender = createMailSender(deps);
    await runScheduled("* * * * *", new Date("2026-11-21T09:00:00Z"), { ...deps, mailSender: sender });
    // The next tick comes while the first drain may still run: the second mailing is sent without a third tick.
    await runScheduled("* * * * *", new Date("2026-11-21T09:01:00Z"), { ...deps, mailSender: sender });
    await sender.idle();
    expect(await deliveryCounts(t, first.id)).toEqual({ sent: 50 });
    expect(await deliveryCounts(t, second.id)).toEqual({ sent: 50 });
  });

  it("needs three statements per round of the outbox's 1,000 messages: claim with recipients, the outbox insert, the record", async () => {
    const t = await testApp();
    await seed(t, 3_000);
    const mailing = await createMailing(t, { ...newsletter, sendAt: "2026-11-21T09:00:00Z" });
    await mailingJobsPlan(t, createOutboxMailer(t.db, t.clock, mailConfig.mail.from));
    const counted = counting(t.database.client);
    const db = createDb(counted.client);
    const sender = createMailSender({
      db,
      mailer: createOutboxMailer(db, t.clock, mailConfig.mail.from),
      clock: t.clock,
      config: mailConfig,
    });
    sender.wake();
    await sender.idle();
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 3_000 });
    // Three rounds of three; the rest does not grow with the mailing: the list of mailings, the unsubscribe
    // secret, each lane's last look for work, the completion and its webhook event.
    expect(counted.counts.statements).toBeLessThanOrEqual(3 * 3 + 10);
  }, 30_000);
});

/** The tick's planning alone: the mailing's recipients written, the mailing `sending`. */
async function mailingJobsPlan(t: TestApp, mailer: Mailer) {
  await mailingJobs.plan.run({ db: t.db, mailer, clock: t.clock, config: mailConfig }, new Date("2026-11-21T09:00:00Z"));
}

describe("the order of mail when several mailings are due", () => {
  it("sends statutory notices and election calls before a newsletter that was due first", async () => {
    const t = await testApp();
    await seed(t, 30);
    await createMailing(t, { ...newsletter, subject: "Autumn newsletter", sendAt: "2026-11-21T08:30:00Z" });
    await createMailing(t, {
      subject: "Notice of the annual meeting",
      text: "The annual meeting is on 12 December.",
      category: "statutory",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    const sent: string[] = [];
    const mailer: Mailer = {
      batchSize: 10,
      send: async () => ({ messageId: "unused" }),
      async sendBatch(messages) {
        sent.push(...messages.map((message) => message.subject));
        return messages.map((message) => ({ ok: true as const, messageId: message.messageId ?? "" }));
      },
    };
    // Both are planned on this tick, whose budget takes only 30 messages: the notice goes whole.
    await tick(t, "2026-11-21T09:00:00Z", mailer, 30);
    expect(sent).toEqual(Array(30).fill("Notice of the annual meeting"));
    await tick(t, "2026-11-21T09:01:00Z", mailer, 30);
    expect(sent.slice(30)).toEqual(Array(30).fill("Autumn newsletter"));
  });
});
