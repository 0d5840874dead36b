import { sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { newId } from "../lib/ids.ts";
import {
  claimableSql,
  claimRound,
  completeIfDone,
  type DeliverDeps,
  type DeliverReport,
  emptyReport,
  leaseClock,
  roundContext,
  roundSize,
  sendingMailings,
  sendRound,
} from "./deliver.ts";

/**
 * The fan-out over a queue (Cloudflare Queues on Workers). The tick hands each mailing's
 * rows to the queue in rounds, most urgent mailing first; the queue's consumer sends each
 * round as one provider batch and records the outcome. Retries of a round that failed
 * outright (the database unreachable, the Worker killed) and dead letters are the queue's;
 * a message's rows are taken by the tick again once their lease has run out, whatever
 * became of the message, so no row depends on the queue alone.
 */

/** One queue message: the rows `from`–`to` of a mailing that were handed over under `token`. */
export interface MailRound {
  mailingId: string;
  token: string;
  from: number;
  to: number;
}

/** What the fan-out needs of a queue: Cloudflare's Queue binding has this shape. */
export interface MailQueue {
  sendBatch(messages: Iterable<{ body: MailRound }>): Promise<unknown>;
}

/** How long rows handed to the queue wait for their consumer before the tick hands them over again. */
export const queuedLeaseMs = 15 * 60_000;
/** Rows handed over per statement (a few rounds each), and statements per tick (the Worker's subrequest budget). */
const handOverRows = 5_000;
const handOverStatementsPerTick = 20;
/** Cloudflare Queues take at most 100 messages per sendBatch. */
const messagesPerSend = 100;

export interface EnqueueReport {
  handedOver: number;
  rounds: number;
  completedMailings: number;
}

const d = schema.mailingDeliveries;

/** Marks up to `n` claimable rows of the mailing as handed to the queue under `token`; returns their ids in order. */
async function handOver(db: Db, options: { mailingId: string; n: number; token: string; now: Date }): Promise<number[]> {
  const { mailingId, n, token, now } = options;
  const at = now.toISOString();
  const until = new Date(now.getTime() + queuedLeaseMs).toISOString();
  const rows = await db.all<{ id: number }>(sql`
    UPDATE ${d} SET claimed_by = ${token}, lease_until = ${until}, status = 'pending'
    WHERE id IN (SELECT id FROM ${d} WHERE mailing_id = ${mailingId} AND ${claimableSql(at)} ORDER BY id LIMIT ${n})
    RETURNING id`);
  return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
}

/** Hands what is due to the queue: the tick's part on Workers with a queue. */
export async function enqueueDue(deps: DeliverDeps, queue: MailQueue, now: Date): Promise<EnqueueReport> {
  const { db, mailer } = deps;
  const size = roundSize(mailer);
  const report: EnqueueReport = { handedOver: 0, rounds: 0, completedMailings: 0 };
  let statements = handOverStatementsPerTick;
  for (const mailing of await sendingMailings(db)) {
    while (statements > 0) {
      statements -= 1;
      const token = `queue:${newId(now)}`;
      const ids = await handOver(db, { mailingId: mailing.id, n: handOverRows, token, now: leaseClock(deps, now) });
      if (ids.length === 0) {
        if (await completeIfDone(db, mailing, now)) report.completedMailings += 1;
        break;
      }
      const rounds: { body: MailRound }[] = [];
      for (let i = 0; i < ids.length; i += size) {
        const slice = ids.slice(i, i + size);
        rounds.push({ body: { mailingId: mailing.id, token, from: slice[0] as number, to: slice[slice.length - 1] as number } });
      }
      try {
        for (let i = 0; i < rounds.length; i += messagesPerSend) await queue.sendBatch(rounds.slice(i, i + messagesPerSend));
      } catch (error) {
        // Rows of messages the queue never took are given back at once rather than after the queue lease.
        await db.run(sql`UPDATE ${d} SET lease_until = NULL WHERE claimed_by = ${token} AND status = 'pending'`);
        throw error;
      }
      report.handedOver += ids.length;
      report.rounds += rounds.length;
    }
    if (statements <= 0) break;
  }
  return report;
}

/**
 * The queue consumer's part: sends the rows of one message as one round. A message that
 * comes twice (queues deliver at least once) finds its rows taken or sent and sends
 * nothing; a retried message takes again the rows its failed attempt left, once their
 * round lease has run out.
 */
export async function deliverQueuedRound(deps: DeliverDeps, message: MailRound, now: Date): Promise<DeliverReport> {
  const report = emptyReport();
  const [mailing] = await sendingMailings(deps.db, message.mailingId);
  // Cancelled, or finished by another round meanwhile.
  if (!mailing) return report;
  const claimed = await claimRound(deps.db, { mailing, n: roundSize(deps.mailer), holder: message.token, now, handedTo: message });
  if (claimed.length > 0) {
    await sendRound(deps, await roundContext(deps, mailing), claimed, { holder: message.token, now, report });
  }
  if (await completeIfDone(deps.db, mailing, now)) report.completedMailings += 1;
  return report;
}
