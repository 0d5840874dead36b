import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import type { Mailer, MailMessage } from "../../src/mail/mailer.ts";
import { leaseFor } from "../../src/mailings/deliver.ts";
import { deliverQueuedRound, type MailRound, queuedLeaseMs } from "../../src/mailings/queue.ts";
import { type TestApp, testApp } from "../helpers/app.ts";
import { createMailing, deliveryCounts, mailConfig } from "./helpers.ts";
import { orgIdOf, seedMembers } from "./seed.ts";

/** A provider with a batch API of 100 messages; `hang` makes its next batch never answer (the Worker was killed). */
function provider() {
  const accepted: MailMessage[] = [];
  const state = { hang: false };
  const mailer: Mailer = {
    batchSize: 100,
    send: async () => ({ messageId: "unused" }),
    async sendBatch(messages) {
      if (state.hang) {
        state.hang = false;
        return new Promise(() => {});
      }
      accepted.push(...messages);
      return messages.map((message) => ({ ok: true as const, messageId: message.messageId ?? "" }));
    },
  };
  return { mailer, accepted, state };
}

/** Cloudflare's Queue binding as the tick uses it: the messages it was given, in order. */
function queue(fail = false) {
  const messages: MailRound[] = [];
  return {
    messages,
    async sendBatch(batch: Iterable<{ body: MailRound }>) {
      if (fail) throw new Error("queue unavailable");
      for (const message of batch) messages.push(message.body);
    },
  };
}

async function setUp(count: number) {
  const t = await testApp();
  await seedMembers(
    t.database.client,
    await orgIdOf(t.database.client),
    Array.from({ length: count }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.org` })),
  );
  const mailing = await createMailing(t, {
    subject: "Notice",
    text: "Hello {{member.firstName}}",
    category: "statutory",
    audience: { type: "all_members" },
    sendAt: "2026-11-21T09:00:00Z",
  });
  return { t, mailing };
}

const at = (ms: number) => new Date(Date.parse("2026-11-21T09:00:00Z") + ms);

async function tickWithQueue(t: TestApp, when: Date, mailer: Mailer, mailQueue: ReturnType<typeof queue>) {
  t.clock.set(when.toISOString());
  const reports = await runScheduled("* * * * *", when, { db: t.db, mailer, clock: t.clock, config: mailConfig, mailQueue });
  const deliver = reports.find((report) => report.job === "mailings.deliver");
  if (!deliver?.ok) throw new Error(deliver?.error);
  return deliver.result;
}

function consume(t: TestApp, mailer: Mailer, message: MailRound, when: Date) {
  t.clock.set(when.toISOString());
  return deliverQueuedRound({ db: t.db, mailer, clock: t.clock, config: mailConfig }, message, when);
}

describe("the mail fan-out over a queue (Workers with a queue binding)", () => {
  it("hands a mailing to the queue in rounds on one tick; the consumer sends each round once, a repeated message nothing", async () => {
    const { t, mailing } = await setUp(250);
    const { mailer, accepted } = provider();
    const mailQueue = queue();
    expect(await tickWithQueue(t, at(0), mailer, mailQueue)).toEqual({ handedOver: 250, rounds: 3, completedMailings: 0 });
    expect(mailQueue.messages).toHaveLength(3);
    expect(accepted).toHaveLength(0);

    for (const message of mailQueue.messages) await consume(t, mailer, message, at(5_000));
    // Queues deliver at least once: the same message again finds its rows sent.
    const again = await consume(t, mailer, mailQueue.messages[0] as MailRound, at(6_000));
    expect(again.claimed).toBe(0);

    expect(accepted).toHaveLength(250);
    expect(new Set(accepted.map((message) => message.to)).size).toBe(250);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 250 });
    const read = (await (await t.request("GET", `/v1/orgs/demo/mailings/${mailing.id}`)).json()) as { status: string };
    expect(read.status).toBe("sent");
    // A tick after that hands nothing more.
    expect(await tickWithQueue(t, at(60_000), mailer, mailQueue)).toEqual({ handedOver: 0, rounds: 0, completedMailings: 0 });
  });

  it("sends a round whose consumer died on the queue's retry once the round's lease ran out, and hands a lost message's rows over again", async () => {
    const { t, mailing } = await setUp(250);
    const { mailer, accepted, state } = provider();
    const mailQueue = queue();
    await tickWithQueue(t, at(0), mailer, mailQueue);
    const [first, second, third] = mailQueue.messages as [MailRound, MailRound, MailRound];

    // The first round's consumer is killed in the middle of its provider batch.
    state.hang = true;
    void consume(t, mailer, first, at(1_000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await consume(t, mailer, third, at(2_000));
    // The queue retries the first message: within the round's lease it finds its rows taken …
    expect((await consume(t, mailer, first, at(30_000))).claimed).toBe(0);
    // … after it, it sends them.
    expect((await consume(t, mailer, first, at(1_000 + leaseFor(100) + 1_000))).sent).toBe(100);

    // The second message never came (dead-lettered, lost): once its queue lease ran out, the tick hands its rows again.
    expect(await tickWithQueue(t, at(5 * 60_000), mailer, mailQueue)).toMatchObject({ handedOver: 0 });
    expect(await tickWithQueue(t, at(queuedLeaseMs + 60_000), mailer, mailQueue)).toMatchObject({ handedOver: 100, rounds: 1 });
    const handedAgain = mailQueue.messages[3] as MailRound;
    await consume(t, mailer, handedAgain, at(queuedLeaseMs + 65_000));
    // Should the lost message still come, it sends nothing: its rows went with the new one.
    expect((await consume(t, mailer, second, at(queuedLeaseMs + 70_000))).claimed).toBe(0);

    expect(accepted).toHaveLength(250);
    expect(new Set(accepted.map((message) => message.to)).size).toBe(250);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 250 });
  });

  it("gives rows back at once when the queue refuses them, so the next tick hands them over", async () => {
    const { t, mailing } = await setUp(30);
    const { mailer, accepted } = provider();
    await expect(tickWithQueue(t, at(0), mailer, queue(true))).rejects.toThrow(/queue unavailable/);
    const mailQueue = queue();
    expect(await tickWithQueue(t, at(60_000), mailer, mailQueue)).toMatchObject({ handedOver: 30, rounds: 1 });
    await consume(t, mailer, mailQueue.messages[0] as MailRound, at(61_000));
    expect(accepted).toHaveLength(30);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 30 });
  });
});
