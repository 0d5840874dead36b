/**
 * Delivery from several processes on one database (the server's cron, `npm run tick`): a
 * message the transport accepted is written down as sent even when the database is locked at
 * that moment (the write is waited out and retried, not given up, which would leave the row
 * `sending`, to be sent again once its lease ran out); and a tick re-run for a past instant
 * holds its rows under leases the running server respects.
 */
import { type Client, type InStatement, LibsqlError, type TransactionMode } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/index.ts";
import { mailingJobs } from "../../src/jobs/mailings.ts";
import type { Mailer, MailMessage } from "../../src/mail/mailer.ts";
import { deliverDue, leaseFor } from "../../src/mailings/deliver.ts";
import { type TestApp, testApp } from "../helpers/app.ts";
import { createMailing, deliveryCounts, mailConfig, tick } from "./helpers.ts";
import { orgIdOf, seedMembers } from "./seed.ts";

/**
 * The test's client, except that the first `times` batches marking messages sent meet a
 * locked database: alone, or inside the transaction of a long batch (runLongBatch).
 */
function lockedWhileRecordingSends(client: Client, times: number): Client {
  let left = times;
  const meetsTheLock = (stmts: Array<InStatement | [string, unknown?]>) => {
    const sql = stmts.map((stmt) => (typeof stmt === "string" ? stmt : Array.isArray(stmt) ? stmt[0] : stmt.sql)).join(";");
    if (left === 0 || !/UPDATE "mailing_deliveries" SET status = 'sent'/.test(sql)) return false;
    left -= 1;
    return true;
  };
  const locked = () => new LibsqlError("database is locked", "SQLITE_BUSY", "SQLITE_BUSY", 5);
  return {
    ...client,
    batch: async (stmts, mode) => {
      if (meetsTheLock(stmts)) throw locked();
      return client.batch(stmts, mode);
    },
    transaction: (async (mode?: TransactionMode) => {
      const transaction = await client.transaction(mode);
      const batch = transaction.batch.bind(transaction);
      transaction.batch = async (stmts) => {
        if (!meetsTheLock(stmts)) return batch(stmts);
        // The batch's savepoint is opened (clientInTransaction rolls back to it), then its statement meets the lock.
        await batch(stmts.slice(0, 1));
        throw locked();
      };
      return transaction;
    }) as Client["transaction"],
  };
}

/** An SMTP-like transport (one message at a time); with `hang`, it accepts messages and then never answers. */
function smtpLike(hang = false) {
  const accepted: MailMessage[] = [];
  const mailer: Mailer = {
    async send(message) {
      accepted.push(message);
      if (hang) return new Promise(() => {});
      return { messageId: `m-${accepted.length}` };
    },
  };
  return { mailer, accepted };
}

async function mailingTo(t: TestApp, recipients: number) {
  await seedMembers(
    t.database.client,
    await orgIdOf(t.database.client),
    Array.from({ length: recipients }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.org` })),
  );
  return createMailing(t, {
    subject: "Notice",
    text: "Hello",
    category: "statutory",
    audience: { type: "all_members" },
    sendAt: "2026-11-21T09:00:00Z",
  });
}

describe("delivery from several processes on one database", () => {
  it("records an accepted send while the database is locked, instead of leaving it to be sent again", async () => {
    const t = await testApp();
    const mailing = await mailingTo(t, 5);
    const { mailer, accepted } = smtpLike();
    const start = new Date("2026-11-21T09:01:00Z");
    // The mailing's recipients are planned; then it is sent with a database that is locked whenever a send is recorded.
    await mailingJobs.plan.run(t, start);
    const locked = createDb(lockedWhileRecordingSends(t.database.client, 3));
    const report = await deliverDue({ db: locked, mailer, clock: t.clock, config: mailConfig }, start);
    expect(report.sent).toBe(5);
    expect(await deliveryCounts(t, mailing.id)).toEqual({ sent: 5 });

    // Long after every lease, nothing is sent again.
    await tick(t, new Date(start.getTime() + 2 * leaseFor(500)).toISOString(), mailer);
    expect(accepted.map((message) => message.to).sort()).toEqual(Array.from({ length: 5 }, (_, i) => `Person ${i} <p${i}@example.org>`));
  });

  it("keeps a tick re-run for a past instant from having its rows taken over by the running server", async () => {
    const t = await testApp();
    await mailingTo(t, 3);
    // The real time is an hour after the re-run instant: the server's cron runs then.
    t.clock.set("2026-11-21T10:00:00Z");
    await mailingJobs.plan.run(t, new Date("2026-11-21T09:01:00Z"));
    const rerun = smtpLike(true);
    // `npm run tick -- --at 09:01`, still sending its first messages …
    void deliverDue({ db: t.db, mailer: rerun.mailer, clock: t.clock, config: mailConfig }, new Date("2026-11-21T09:01:00Z"));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rerun.accepted.length).toBeGreaterThan(0);
    // … while the server's own tick runs at the real time: the re-run's rows are under lease, not to be taken.
    const server = smtpLike();
    t.clock.advance(60_000);
    await deliverDue({ db: t.db, mailer: server.mailer, clock: t.clock, config: mailConfig }, t.clock.now());
    expect(server.accepted).toEqual([]);
  });
});
