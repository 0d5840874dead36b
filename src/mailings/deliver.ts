import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type RetryPolicy, retryWhileBusy, writeRetry } from "../db/retry.ts";
import { runBatch, type Statement } from "../db/sql.ts";
import type { AppConfig, Clock } from "../deps.ts";
import { newId } from "../lib/ids.ts";
import {
  errorText,
  type Mailer,
  type MailMessage,
  MailSendError,
  parallelSends,
  type SendOutcome,
  sendAll,
  sendOne,
} from "../mail/mailer.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { type Category, consentColumn, hasUnsubscribeLink } from "./audience.ts";
import { type MailingContent, messageFor, parseVariables, type Recipient, recipientVariables } from "./render.ts";
import { unsubscribeSecret, unsubscribeToken } from "./unsubscribe.service.ts";

/**
 * The delivery engine, run by every tick.
 *
 * 1. Claim: one UPDATE takes up to n claimable rows of a mailing under a lease
 *    (`lease_until`, `claimed_by` = this tick). Two ticks at once never get the same row.
 * 2. Right before a send, the rows are marked `sending` — only if this tick still holds
 *    them, so a tick whose lease ran out and was taken over sends nothing. A send is one
 *    provider batch (HTTP), or a few single messages side by side (SMTP, `parallelSends`)
 *    each recorded as soon as its outcome is known.
 * 3. After the send, each row is marked `sent` (with the transport's message id), retried
 *    later with exponential backoff, or `failed` for good.
 *
 * A tick that dies leaves `pending` rows under a lease that runs out: the next tick after
 * that takes them. Rows left `sending` (the process died during the send itself, so whether
 * the message left is unknown) are sent again: at-least-once, as SMTP itself chooses
 * (RFC 5321 §6.1), because a member meeting notice that never arrives is worse than a
 * rare duplicate. Only what was in flight can be duplicated (a message, or one provider
 * batch), and the duplicate carries the same Message-ID, so mail clients can fold it.
 */

export const leaseMs = 10 * 60_000;
/** Recording messages the transport accepted: about half a minute of retries, well inside the lease. */
export const acceptedSendRetry: RetryPolicy = { retries: 20, baseDelayMs: 50, maxDelayMs: 2000 };
export const maxAttempts = 8;
const backoffBaseMs = 60_000;
const backoffMaxMs = 2 * 60 * 60_000;

export function backoffMs(attempts: number): number {
  return Math.min(backoffBaseMs * 2 ** Math.max(0, attempts - 1), backoffMaxMs);
}

export interface DeliverDeps {
  db: Db;
  mailer: Mailer;
  clock: Clock;
  config: AppConfig;
}

export interface DeliverOptions {
  /** Messages this tick may send at most (the Worker's subrequest and CPU budget). */
  maxMessages?: number;
  /** Rows claimed at once. */
  claimSize?: number;
  tickId?: string;
}

export interface DeliverReport {
  claimed: number;
  sent: number;
  retrying: number;
  failed: number;
  suppressed: number;
  completedMailings: number;
}

const d = schema.mailingDeliveries;

type ActiveMailing = MailingContent & { kind: string; category: Category; orgSlug: string; orgName: string };

async function sendingMailings(db: Db): Promise<ActiveMailing[]> {
  return db
    .select({
      id: schema.mailings.id,
      orgId: schema.mailings.orgId,
      kind: schema.mailings.kind,
      category: schema.mailings.category,
      subject: schema.mailings.subject,
      text: schema.mailings.text,
      html: schema.mailings.html,
      variables: schema.mailings.variables,
      variants: schema.mailings.variants,
      orgLocale: schema.organisations.locale,
      orgSlug: schema.organisations.slug,
      orgName: schema.organisations.name,
    })
    .from(schema.mailings)
    .innerJoin(schema.organisations, eq(schema.organisations.id, schema.mailings.orgId))
    .where(eq(schema.mailings.status, "sending"))
    .orderBy(schema.mailings.sendAt, schema.mailings.id)
    .limit(50);
}

/** Takes up to `n` rows of the mailing that nobody holds: new ones, retries that are due, and sends whose tick died. */
export async function claim(db: Db, options: { mailingId: string; n: number; tickId: string; now: Date }) {
  const { mailingId, n, tickId, now } = options;
  const at = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  return db.all<{ id: number; member_id: string; group_id: string | null; attempts: number }>(sql`
    UPDATE ${d} SET lease_until = ${until}, claimed_by = ${tickId}, status = 'pending'
    WHERE id IN (
      SELECT id FROM ${d} WHERE mailing_id = ${mailingId} AND (
        (status = 'pending' AND (lease_until IS NULL OR lease_until < ${at}) AND (next_attempt_at IS NULL OR next_attempt_at <= ${at}))
        OR (status = 'sending' AND lease_until < ${at}))
      ORDER BY id LIMIT ${n})
    RETURNING id, member_id, group_id, attempts`);
}

async function loadRecipients(db: Db, ids: number[], mailing: ActiveMailing) {
  const m = schema.members;
  const s = schema.mailSuppressions;
  const ms = schema.memberships;
  const consent = consentColumn(mailing.category);
  const renewal = mailing.kind === "renewal_reminder";
  return db
    .select({
      id: d.id,
      name: m.name,
      email: m.email,
      memberNumber: m.memberNumber,
      language: m.preferredLanguage,
      erasedAt: m.erasedAt,
      consent: consent ? sql<number>`${consent}` : sql<number>`1`,
      suppressed: sql<number>`EXISTS (SELECT 1 FROM ${s} WHERE ${s.orgId} = ${d.orgId} AND ${s.emailKey} = ${m.emailKey})`,
      groupName: schema.groups.name,
      endsOn: renewal ? sql<string | null>`(SELECT max(${ms.endsOn}) FROM ${ms} WHERE ${ms.memberId} = ${m.id})` : sql<null>`NULL`,
      graceUntil: renewal ? sql<string | null>`(SELECT max(${ms.graceUntil}) FROM ${ms} WHERE ${ms.memberId} = ${m.id})` : sql<null>`NULL`,
    })
    .from(d)
    .innerJoin(m, eq(m.id, d.memberId))
    .leftJoin(schema.groups, eq(schema.groups.id, d.groupId))
    .where(inArray(d.id, ids));
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Marks the rows `sending` just before their send; returns those this tick still holds. */
async function markSending(db: Db, ids: number[], tickId: string): Promise<Set<number>> {
  const rows = await db
    .update(d)
    .set({ status: "sending", attempts: sql`${d.attempts} + 1` })
    .where(and(inArray(d.id, ids), eq(d.claimedBy, tickId), eq(d.status, "pending")))
    .returning({ id: d.id });
  return new Set(rows.map((row) => row.id));
}

async function recordOutcomes(
  db: Db,
  options: {
    orgId: string;
    batch: { deliveryId: number; email: string; attempts: number }[];
    outcomes: SendOutcome[];
    now: Date;
    report: DeliverReport;
  },
) {
  const { orgId, batch, outcomes, now, report } = options;
  const at = now.toISOString();
  const sent: SQL[] = [];
  const others = [];
  for (const [i, item] of batch.entries()) {
    const outcome: SendOutcome = outcomes[i] ?? { ok: false, error: new MailSendError("the transport gave no outcome", false) };
    if (outcome.ok) {
      sent.push(sql`(${item.deliveryId}, ${outcome.messageId}, ${item.email})`);
      report.sent += 1;
      continue;
    }
    const attempts = item.attempts + 1;
    const final = outcome.error.permanent || attempts >= maxAttempts;
    const reason = outcome.error.message.slice(0, 500);
    if (final) report.failed += 1;
    else report.retrying += 1;
    others.push(
      db
        .update(d)
        .set(
          final
            ? { status: "failed", reason, leaseUntil: null, email: item.email }
            : { status: "pending", reason, leaseUntil: null, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)).toISOString() },
        )
        .where(eq(d.id, item.deliveryId)),
    );
    if (outcome.error.suppressAddress) {
      others.push(
        db
          .insert(schema.mailSuppressions)
          .values({
            id: newId(now),
            orgId,
            emailKey: item.email.toLowerCase(),
            reason: "smtp_permanent",
            detail: reason,
            createdAt: at,
          })
          .onConflictDoNothing(),
      );
    }
  }
  const statements: Statement[] = [];
  if (sent.length > 0) {
    statements.push(
      db.run(sql`UPDATE ${d} SET status = 'sent', message_id = v.column2, email = v.column3, sent_at = ${at}, lease_until = NULL, reason = NULL
        FROM (VALUES ${sql.join(sent, sql`, `)}) AS v WHERE ${d}.id = v.column1`),
    );
  }
  statements.push(...others);
  if (statements.length === 0) return;
  // Once the transport has accepted a message, failing to write that down would send it again after the
  // lease: so a locked database is waited out far longer here than a request would be. The batch only sets
  // values, so running it again is harmless.
  await retryWhileBusy(() => runBatch(db, statements), sent.length > 0 ? acceptedSendRetry : writeRetry);
}

/** Finishes a mailing once no row is left to send. */
async function completeIfDone(db: Db, mailing: { id: string; orgId: string }, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const mailingId = mailing.id;
  const [done] = await db.batch([
    db.run(sql`UPDATE ${schema.mailings} SET status = 'sent', completed_at = ${at}, updated_at = ${at}, version = version + 1
    WHERE id = ${mailingId} AND status = 'sending'
      AND NOT EXISTS (SELECT 1 FROM ${d} WHERE mailing_id = ${mailingId} AND status IN ('pending', 'sending'))`),
    ...webhookEvent({ db, orgId: mailing.orgId, now }, "mailing.sent", mailingId, { ifChanged: true }),
  ]);
  return done.rowsAffected > 0;
}

/** One tick of sending: as many messages as the budget allows, oldest mailing first. */
export async function deliverDue(deps: DeliverDeps, now: Date, options: DeliverOptions = {}): Promise<DeliverReport> {
  const { db, mailer, config } = deps;
  const tickId = options.tickId ?? newId(now);
  let budget = options.maxMessages ?? config.mail.perTick;
  const claimSize = options.claimSize ?? Math.max(mailer.batchSize ?? 50, 50);
  const report: DeliverReport = { claimed: 0, sent: 0, retrying: 0, failed: 0, suppressed: 0, completedMailings: 0 };
  // Leases run on the clock every process shares: a tick re-run for a past instant (`npm run tick -- --at`)
  // beside the running server must not hold rows under leases the server already counts as run out.
  const leaseFrom = new Date(Math.max(now.getTime(), deps.clock.now().getTime()));
  const mailings = await sendingMailings(db);
  if (mailings.length === 0) return report;
  const secret = await unsubscribeSecret(db, config.tokenSecret);

  for (const mailing of mailings) {
    const own = parseVariables(mailing.variables);
    const linked = hasUnsubscribeLink(mailing.category);
    while (budget > 0) {
      const claimed = await claim(db, { mailingId: mailing.id, n: Math.min(claimSize, budget), tickId, now: leaseFrom });
      if (claimed.length === 0) {
        if (await completeIfDone(db, mailing, now)) report.completedMailings += 1;
        break;
      }
      report.claimed += claimed.length;
      budget -= claimed.length;
      const attemptsOf = new Map(claimed.map((row) => [Number(row.id), Number(row.attempts)]));
      const recipients = await loadRecipients(
        db,
        claimed.map((row) => Number(row.id)),
        mailing,
      );

      // Eligibility is checked again at send time: an unsubscribe or a bounce since the
      // mailing was scheduled is obeyed.
      const skipped: { id: number; reason: string }[] = [];
      const ready: { deliveryId: number; email: string; attempts: number; message: MailMessage }[] = [];
      for (const r of recipients) {
        const reason =
          !r.email || r.erasedAt ? "no_address" : !Number(r.consent) ? "no_consent" : Number(r.suppressed) ? "suppressed_address" : null;
        if (reason || !r.email) {
          skipped.push({ id: r.id, reason: reason ?? "no_address" });
          continue;
        }
        const recipient: Recipient = {
          deliveryId: r.id,
          name: r.name,
          email: r.email,
          memberNumber: r.memberNumber,
          groupName: r.groupName,
          language: r.language,
          ...(mailing.kind === "renewal_reminder" && { endsOn: r.endsOn, graceUntil: r.graceUntil }),
        };
        const unsubscribeUrl = linked
          ? `${config.publicUrl}/v1/orgs/${mailing.orgSlug}/unsubscribe/${await unsubscribeToken(secret, r.id)}`
          : "";
        const vars = recipientVariables({ name: mailing.orgName }, recipient, unsubscribeUrl);
        ready.push({
          deliveryId: r.id,
          email: r.email,
          attempts: attemptsOf.get(r.id) ?? 0,
          message: messageFor(mailing, {
            own,
            recipient,
            recipientVars: vars,
            from: config.mail.from,
            unsubscribeUrl: linked ? unsubscribeUrl : undefined,
            publicUrl: config.publicUrl,
          }),
        });
      }
      if (skipped.length > 0) {
        report.suppressed += skipped.length;
        await runBatch(
          db,
          skipped.map((row) =>
            db
              .update(d)
              .set({ status: "suppressed", reason: row.reason, leaseUntil: null })
              .where(and(eq(d.id, row.id), eq(d.claimedBy, tickId))),
          ),
        );
      }

      for (const group of chunks(ready, mailer.batchSize ?? parallelSends)) {
        const held = await markSending(
          db,
          group.map((item) => item.deliveryId),
          tickId,
        );
        const mine = group.filter((item) => held.has(item.deliveryId));
        if (mine.length === 0) continue;
        if (!mailer.sendBatch) {
          // One message at a time per connection: each outcome is written as soon as it is
          // known, so only a message truly in flight at a crash is left `sending`.
          await Promise.all(
            mine.map(async (item) =>
              recordOutcomes(db, { orgId: mailing.orgId, batch: [item], outcomes: [await sendOne(mailer, item.message)], now, report }),
            ),
          );
          continue;
        }
        let outcomes: SendOutcome[];
        try {
          outcomes = await sendAll(
            mailer,
            mine.map((item) => item.message),
          );
        } catch (error) {
          // A transport that throws outright fails the whole batch for now; it is retried.
          const failure = new MailSendError(errorText(error), false);
          outcomes = mine.map(() => ({ ok: false, error: failure }));
        }
        await recordOutcomes(db, { orgId: mailing.orgId, batch: mine, outcomes, now, report });
      }
    }
    if (budget <= 0) break;
  }
  return report;
}
