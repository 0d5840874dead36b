import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/deps.ts";
import { type Mailer, type MailMessage, MailSendError, parallelSends } from "../../src/mail/mailer.ts";
import { deliverDue, leaseFor } from "../../src/mailings/deliver.ts";
import { testApp } from "../helpers/app.ts";
import { createMailing, deliveryCounts, mailConfig, tick } from "./helpers.ts";
import { orgIdOf, seedMembers } from "./seed.ts";

/** Records what was accepted; `fail` decides per message whether to refuse it instead. */
function capturing(fail: (message: MailMessage, n: number) => Error | "hang" | "accept-then-hang" | undefined = () => undefined) {
  const accepted: MailMessage[] = [];
  let n = 0;
  const mailer: Mailer = {
    async send(message) {
      n += 1;
      const verdict = fail(message, n);
      if (verdict === "hang") return new Promise(() => {});
      if (verdict === "accept-then-hang") {
        accepted.push(message);
        return new Promise(() => {});
      }
      if (verdict) throw verdict;
      accepted.push(message);
      return { messageId: `m-${n}` };
    },
  };
  return { mailer, accepted };
}

/** A fixed pseudo-random sequence, so a "30% failure" run is the same every time. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const byRecipient = (messages: MailMessage[]) => {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return counts;
};

async function setUp(count: number) {
  const t = await testApp();
  const orgId = await orgIdOf(t.database.client);
  await seedMembers(
    t.database.client,
    orgId,
    Array.from({ length: count }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.org` })),
  );
  const mailing = await createMailing(t, {
    subject: "Hello",
    text: "Hi {{member.firstName}}",
    category: "statutory",
    audience: { type: "all_members" },
    sendAt: "2026-11-21T09:00:00Z",
  });
  return { t, mailing };
}

function expectEachOnce(messages: MailMessage[], count: number) {
  const counts = byRecipient(messages);
  expect(counts.size).toBe(count);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
}

const at = (minutes: number) => new Date(Date.parse("2026-11-21T09:00:00Z") + minutes * 60_000).toISOString();

describe("delivery under faults: every eligible recipient gets exactly one message", () => {
  it("with a transport failing 30% of sends, retried with backoff", async () => {
    const { t, mailing } = await setUp(80);
    const rand = random(7);
    const { mailer, accepted } = capturing(() => (rand() < 0.3 ? new MailSendError("421 try later", false) : undefined));
    let minute = 0;
    for (; minute < 600; minute += 5) {
      await tick(t, at(minute), mailer, 50);
      const counts = await deliveryCounts(t, mailing.id);
      if (!counts.pending && !counts.sending) break;
    }
    expectEachOnce(accepted, 80);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 80 });
    const retried = await t.database.client.execute({ sql: "SELECT count(*) AS n FROM mailing_deliveries WHERE attempts > 1", args: [] });
    expect(Number(retried.rows[0]?.n)).toBeGreaterThan(15);
  }, 30_000);

  it("with a transport that throws after k sends: the rest are sent on later ticks", async () => {
    const { t, mailing } = await setUp(30);
    const { mailer, accepted } = capturing((_, n) => (n > 10 && n <= 20 ? new Error("connection reset") : undefined));
    for (let minute = 0; minute < 120; minute += 1) await tick(t, at(minute), mailer, 50);
    expectEachOnce(accepted, 30);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 30 });
  });

  it("after a tick that died mid-round: the rest of the mailing goes at once, the dead round after its short lease", async () => {
    const { t, mailing } = await setUp(40);
    const dying = capturing((_, n) => (n === 8 ? "hang" : undefined));
    // The first tick plans and starts the mailing, then hangs on the 8th send: abandoned, like a killed process.
    void tick(t, at(0), dying.mailer, 100);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Sends go side by side in rounds of a few: the 8th hangs, its neighbours went out, no round after it started.
    expect(dying.accepted).toHaveLength(9);

    const healthy = capturing();
    // The next tick sends everything the dead tick had not taken: only its round in flight waits for the lease …
    await tick(t, at(1), healthy.mailer, 100);
    expect(healthy.accepted).toHaveLength(30);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 39, sending: 1 });
    // … a lease proportionate to that round, not to the mailing; after it, the hung message is sent once.
    expect(leaseFor(parallelSends)).toBeLessThan(2 * 60_000);
    await tick(t, at(2), healthy.mailer, 100);
    expectEachOnce([...dying.accepted, ...healthy.accepted], 40);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 40 });
  });

  it("sends again (at-least-once) the message in flight when the process died, with the same Message-ID", async () => {
    const { t, mailing } = await setUp(5);
    const dying = capturing((_, n) => (n === 3 ? "accept-then-hang" : undefined));
    void tick(t, at(0), dying.mailer, 100);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const healthy = capturing();
    await tick(t, at(Math.ceil(leaseFor(parallelSends) / 60_000) + 1), healthy.mailer, 100);
    const all = [...dying.accepted, ...healthy.accepted];
    const counts = byRecipient(all);
    expect(counts.size).toBe(5);
    // The documented choice: the message in flight is sent again, with the same Message-ID.
    const twice = [...counts].filter(([, n]) => n === 2).map(([to]) => to);
    expect(twice).toHaveLength(1);
    const copies = all.filter((m) => m.to === twice[0]);
    expect(copies[0]?.messageId).toBe(copies[1]?.messageId);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 5 });
  });

  it("with two ticks at once, and the same tick twice", async () => {
    const { t, mailing } = await setUp(120);
    const { mailer, accepted } = capturing();
    await Promise.all([tick(t, at(0), mailer, 60), tick(t, at(0), mailer, 60)]);
    await Promise.all([tick(t, at(1), mailer, 60), tick(t, at(1), mailer, 60), tick(t, at(1), mailer, 60)]);
    await tick(t, at(1), mailer, 60);
    expectEachOnce(accepted, 120);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 120 });
  }, 30_000);

  it("with a batch transport (an HTTP provider) refusing some messages of each batch", async () => {
    const { t, mailing } = await setUp(60);
    const rand = random(11);
    const accepted: MailMessage[] = [];
    const mailer: Mailer = {
      batchSize: 25,
      send: async () => ({ messageId: "unused" }),
      async sendBatch(messages) {
        return messages.map((message, i) => {
          if (rand() < 0.3) return { ok: false, error: new MailSendError("Postmark 429: rate limited", false) };
          accepted.push(message);
          return { ok: true, messageId: `b-${accepted.length}-${i}` };
        });
      },
    };
    for (let minute = 0; minute < 600; minute += 5) {
      await tick(t, at(minute), mailer, 50);
      const counts = await deliveryCounts(t, mailing.id);
      if (!counts.pending && !counts.sending) break;
    }
    expectEachOnce(accepted, 60);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 60 });
    const ids = await t.database.client.execute({ sql: "SELECT count(DISTINCT message_id) AS n FROM mailing_deliveries", args: [] });
    expect(Number(ids.rows[0]?.n)).toBe(60);
  }, 30_000);

  it("records permanent failures once, and puts rejected addresses on the suppression list", async () => {
    const { t, mailing } = await setUp(3);
    const { mailer } = capturing((m) => (m.to.includes("p1@") ? new MailSendError("550 5.1.1 no such user", true, true) : undefined));
    await tick(t, at(0), mailer);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 2, failed: 1 });
    const suppressions = (await (await t.request("GET", "/v1/orgs/demo/mail-suppressions")).json()) as {
      data: { email: string; reason: string }[];
    };
    expect(suppressions.data).toEqual([expect.objectContaining({ email: "p1@example.org", reason: "smtp_permanent" })]);
  });

  it("chunks work per tick within the budget and finishes on later ticks", async () => {
    const { t, mailing } = await setUp(25);
    const { mailer, accepted } = capturing();
    const deps = { db: t.db, mailer, clock: t.clock, config: { ...defaultConfig, ...mailConfig } };
    await tick(t, at(0), mailer, 10);
    expect(accepted).toHaveLength(10);
    const report = await deliverDue(deps, new Date(at(1)), { maxMessages: 10 });
    expect(report.sent).toBe(10);
    await tick(t, at(2), mailer, 10);
    expectEachOnce(accepted, 25);
    const read = (await (await t.request("GET", `/v1/orgs/demo/mailings/${mailing.id}`)).json()) as { status: string };
    expect(read.status).toBe("sent");
  });
});
