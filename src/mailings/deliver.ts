import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type RetryPolicy, retryWhileBusy, writeRetry } from "../db/retry.ts";
import { runBatch, runLongBatch, type Statement } from "../db/sql.ts";
import type { AppConfig, Clock } from "../deps.ts";
import { newId } from "../lib/ids.ts";
import { turns } from "../lib/yield.ts";
import { errorText, type Mailer, MailSendError, parallelSends, type SendOutcome, sendAll, sendOne } from "../mail/mailer.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { type Category, consentColumn, hasUnsubscribeLink } from "./audience.ts";
import { type MailingContent, messageFor, parseVariables, type Recipient, recipientVariables } from "./render.ts";
import { unsubscribeSecret, unsubscribeToken } from "./unsubscribe.service.ts";

/**
 * The delivery engine. Its unit is the send round: one provider batch (HTTP, the outbox),
 * or a few single messages side by side (SMTP, `parallelSends`).
 *
 * 1. Claim: one UPDATE takes the rows of one round of a mailing that nobody holds, marks
 *    them `sending` under a lease proportionate to the round (`leaseFor`), and returns
 *    each recipient's name, address, consent and suppression with them. Two senders at once
 *    never get the same row.
 * 2. Send: one provider batch, or the messages side by side, each recorded as soon as its
 *    outcome is known.
 * 3. Record: each row is marked `sent` (with the transport's message id), retried later
 *    with exponential backoff, or `failed` for good.
 *
 * A sender that dies leaves its round `sending` under a lease that runs out: the next
 * sender after that takes the rows and sends them again: at-least-once, as SMTP itself
 * chooses (RFC 5321 §6.1), because a member meeting notice that never arrives is worse than
 * a rare duplicate. Only one round can be duplicated (a provider batch, or a few messages),
 * and the duplicate carries the same Message-ID, so mail clients can fold it. The rest of
 * the mailing was never claimed by the dead sender, so nothing else waits for its lease.
 *
 * Three drivers run rounds: `deliverDue` (one budgeted pass per tick: the Worker without a
 * queue, `npm run tick`), `drainDue` (Node's in-process sender: until nothing is due, a few
 * rounds side by side) and `deliverQueuedRound` (the Worker's queue consumer; the tick hands
 * rounds to the queue with `enqueueDue`).
 */

/** A round's lease: time to connect, send and record (records are retried for up to 40 s) … */
const leaseBaseMs = 60_000;
/** … and a little more per message of the round (a provider batch of 500: a minute more). */
const leasePerMessageMs = 120;

/** How long the rows of a round are held for its sender: proportionate to the round, not to the mailing. */
export function leaseFor(messages: number): number {
  return leaseBaseMs + messages * leasePerMessageMs;
}

/** Recording messages the transport accepted: longer than a request would wait, and still inside the lease. */
export const acceptedSendRetry: RetryPolicy = { waitMs: 40_000, baseDelayMs: 50, maxDelayMs: 2000 };
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

export const emptyReport = (): DeliverReport => ({ claimed: 0, sent: 0, retrying: 0, failed: 0, suppressed: 0, completedMailings: 0 });

const d = schema.mailingDeliveries;

export type ActiveMailing = MailingContent & { kind: string; category: Category; orgSlug: string; orgName: string };

/**
 * Which mail goes first when several mailings are being sent: transactional mail, then
 * statutory notices and election calls, then meeting summons, then newsletters and
 * campaign news; within a rank, the oldest first.
 */
export const mailPriority = sql`CASE
  WHEN ${schema.mailings.category} = 'transactional' THEN 0
  WHEN ${schema.mailings.category} = 'statutory' OR ${schema.mailings.kind} IN ('election_call', 'member_meeting_notice') THEN 1
  WHEN ${schema.mailings.category} = 'meeting_summons' THEN 2
  ELSE 3 END`;

export async function sendingMailings(db: Db, mailingId?: string): Promise<ActiveMailing[]> {
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
    .where(and(eq(schema.mailings.status, "sending"), mailingId ? eq(schema.mailings.id, mailingId) : undefined))
    .orderBy(mailPriority, schema.mailings.sendAt, schema.mailings.id)
    .limit(50);
}

/** Rows nobody holds: new ones, retries that are due, and rounds whose sender died. */
export function claimableSql(at: string): SQL {
  return sql`((status = 'pending' AND (lease_until IS NULL OR lease_until < ${at}) AND (next_attempt_at IS NULL OR next_attempt_at <= ${at}))
    OR (status = 'sending' AND lease_until < ${at}))`;
}

interface ClaimedRow {
  id: number;
  attempts: number;
  /** JSON of the recipient as the round needs it (see `recipientJson`). */
  recipient: string | null;
}

interface ClaimedRecipient {
  name: string | null;
  email: string | null;
  memberNumber: string;
  language: string | null;
  erased: number;
  consent: number;
  suppressed: number;
  groupName: string | null;
  endsOn: string | null;
  graceUntil: string | null;
}

/** The recipient of a claimed row, read in the claim itself: one statement per round. */
function recipientJson(mailing: ActiveMailing): SQL {
  const m = schema.members;
  const s = schema.mailSuppressions;
  const ms = schema.memberships;
  const g = schema.groups;
  const consent = consentColumn(mailing.category);
  const renewal = mailing.kind === "renewal_reminder";
  return sql`(SELECT json_object(
      'name', ${m.name}, 'email', ${m.email}, 'memberNumber', ${m.memberNumber}, 'language', ${m.preferredLanguage}, 'erased', ${m.erasedAt} IS NOT NULL,
      'consent', ${consent ?? sql`1`},
      'suppressed', EXISTS (SELECT 1 FROM ${s} WHERE ${s.orgId} = ${m.orgId} AND ${s.emailKey} = ${m.emailKey}),
      'groupName', (SELECT ${g.name} FROM ${g} WHERE ${g.id} = ${d.groupId}),
      'endsOn', ${renewal ? sql`(SELECT max(${ms.endsOn}) FROM ${ms} WHERE ${ms.memberId} = ${m.id})` : sql`NULL`},
      'graceUntil', ${renewal ? sql`(SELECT max(${ms.graceUntil}) FROM ${ms} WHERE ${ms.memberId} = ${m.id})` : sql`NULL`})
    FROM ${m} WHERE ${m.id} = ${d.memberId})`;
}

/**
 * Takes one round of a mailing: up to `n` rows, marked `sending` under the round's lease,
 * with their recipients. `handedTo`: only rows handed to that queue message (`enqueueDue`)
 * within ids `from`–`to`, which its consumer takes whether or not their queue lease ran
 * out, unless another sender took them meanwhile.
 */
export async function claimRound(
  db: Db,
  options: {
    mailing: ActiveMailing;
    n: number;
    holder: string;
    now: Date;
    handedTo?: { token: string; from: number; to: number };
  },
): Promise<ClaimedRow[]> {
  const { mailing, n, holder, now, handedTo } = options;
  const at = now.toISOString();
  const until = new Date(now.getTime() + leaseFor(n)).toISOString();
  const which = handedTo
    ? sql`id BETWEEN ${handedTo.from} AND ${handedTo.to} AND claimed_by = ${handedTo.token}
        AND (status = 'pending' OR (status = 'sending' AND lease_until < ${at}))`
    : claimableSql(at);
  const [claimed] = await runRound(n)(db, [
    db.all<ClaimedRow>(sql`
    UPDATE ${d} SET lease_until = ${until}, claimed_by = ${holder}, status = 'sending', attempts = attempts + 1
    WHERE id IN (SELECT id FROM ${d} WHERE mailing_id = ${mailing.id} AND ${which} ORDER BY id LIMIT ${n})
    RETURNING id, attempts, ${recipientJson(mailing)} AS recipient`),
  ]);
  return claimed as ClaimedRow[];
}

/**
 * How a round's claim and records run, by its size. A provider batch's thousand rows run as a
 * long batch: on the embedded file, off the event loop (the claim's recipients held it for
 * some 75 ms, the records for some 40). A few messages sent one at a time run as a plain batch,
 * which shares its commit with the other writes of the same turn.
 */
const runRound = (messages: number) => (messages > parallelSends ? runLongBatch : runBatch);

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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
    const final = outcome.error.permanent || item.attempts >= maxAttempts;
    const reason = outcome.error.message.slice(0, 500);
    if (final) report.failed += 1;
    else report.retrying += 1;
    others.push(
      db
        .update(d)
        .set(
          final
            ? { status: "failed", reason, leaseUntil: null, email: item.email }
            : {
                status: "pending",
                reason,
                leaseUntil: null,
                nextAttemptAt: new Date(now.getTime() + backoffMs(item.attempts)).toISOString(),
              },
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
  await retryWhileBusy(() => runRound(batch.length)(db, statements), sent.length > 0 ? acceptedSendRetry : writeRetry);
}

/** Finishes a mailing once no row is left to send. */
export async function completeIfDone(db: Db, mailing: { id: string; orgId: string }, now: Date): Promise<boolean> {
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

/** Messages in one round of this transport: its provider batch, or the sends it makes side by side. */
export function roundSize(mailer: Mailer): number {
  return mailer.sendBatch ? (mailer.batchSize ?? 100) : parallelSends;
}

/** What a round needs of its mailing beyond the row: parsed variables, the unsubscribe secret. */
export interface RoundContext {
  mailing: ActiveMailing;
  own: ReturnType<typeof parseVariables>;
  secret: Awaited<ReturnType<typeof unsubscribeSecret>>;
}

export async function roundContext(deps: DeliverDeps, mailing: ActiveMailing): Promise<RoundContext> {
  return { mailing, own: parseVariables(mailing.variables), secret: await unsubscribeSecret(deps.db, deps.config.tokenSecret) };
}

/** Sends one claimed round and records every outcome. */
export async function sendRound(
  deps: DeliverDeps,
  round: RoundContext,
  claimed: ClaimedRow[],
  options: { holder: string; now: Date; report: DeliverReport },
): Promise<void> {
  const { db, mailer, config } = deps;
  const { mailing, own, secret } = round;
  const { holder, now, report } = options;
  const linked = hasUnsubscribeLink(mailing.category);
  report.claimed += claimed.length;

  // Eligibility is checked again at send time: an unsubscribe or a bounce since the
  // mailing was scheduled is obeyed.
  const skipped = new Map<string, number[]>();
  const eligible: { row: ClaimedRow; recipient: Recipient }[] = [];
  for (const row of claimed) {
    const id = Number(row.id);
    const r = (row.recipient ? JSON.parse(row.recipient) : null) as ClaimedRecipient | null;
    const reason =
      !r?.email || r.erased ? "no_address" : !Number(r.consent) ? "no_consent" : Number(r.suppressed) ? "suppressed_address" : null;
    if (reason || !r?.email) {
      const why = reason ?? "no_address";
      const ids = skipped.get(why) ?? [];
      ids.push(id);
      skipped.set(why, ids);
      continue;
    }
    eligible.push({
      row,
      recipient: {
        deliveryId: id,
        name: r.name,
        email: r.email,
        memberNumber: r.memberNumber,
        groupName: r.groupName,
        language: r.language,
        ...(mailing.kind === "renewal_reminder" && { endsOn: r.endsOn, graceUntil: r.graceUntil }),
      },
    });
  }
  // The round's unsubscribe links are signed side by side (WebCrypto works off the event loop).
  const unsubscribeUrls = linked
    ? await Promise.all(
        eligible.map(
          async ({ recipient }) =>
            `${config.publicUrl}/v1/orgs/${mailing.orgSlug}/unsubscribe/${await unsubscribeToken(secret, recipient.deliveryId)}`,
        ),
      )
    : [];
  const ready = eligible.map(({ row, recipient }, i) => {
    const unsubscribeUrl = unsubscribeUrls[i];
    return {
      deliveryId: recipient.deliveryId,
      email: recipient.email,
      attempts: Number(row.attempts),
      message: messageFor(mailing, {
        own,
        recipient,
        recipientVars: recipientVariables({ name: mailing.orgName }, recipient, unsubscribeUrl ?? ""),
        from: config.mail.from,
        unsubscribeUrl,
        publicUrl: config.publicUrl,
      }),
    };
  });
  if (skipped.size > 0) {
    // One statement per reason, not per row.
    await runBatch(
      db,
      [...skipped].map(([reason, ids]) => {
        report.suppressed += ids.length;
        return db
          .update(d)
          .set({ status: "suppressed", reason, leaseUntil: null })
          .where(and(inArray(d.id, ids), eq(d.claimedBy, holder)));
      }),
    );
  }
  if (ready.length === 0) return;

  if (!mailer.sendBatch) {
    // One message at a time per connection: each outcome is written as soon as it is
    // known, so only a message truly in flight at a crash is left `sending`.
    for (const group of chunks(ready, parallelSends)) {
      await Promise.all(
        group.map(async (item) =>
          recordOutcomes(db, { orgId: mailing.orgId, batch: [item], outcomes: [await sendOne(mailer, item.message)], now, report }),
        ),
      );
    }
    return;
  }
  for (const batch of chunks(ready, mailer.batchSize ?? ready.length)) {
    let outcomes: SendOutcome[];
    try {
      outcomes = await sendAll(
        mailer,
        batch.map((item) => item.message),
      );
    } catch (error) {
      // A transport that throws outright fails the whole batch for now; it is retried.
      const failure = new MailSendError(errorText(error), false);
      outcomes = batch.map(() => ({ ok: false, error: failure }));
    }
    await recordOutcomes(db, { orgId: mailing.orgId, batch, outcomes, now, report });
  }
}

/** The clock every process shares, never behind the trigger's time. */
export function leaseClock(deps: DeliverDeps, now: Date): Date {
  // Leases run on the clock every process shares: a tick re-run for a past instant (`npm run tick -- --at`)
  // beside the running server must not hold rows under leases the server already counts as run out.
  return new Date(Math.max(now.getTime(), deps.clock.now().getTime()));
}

/** One tick of sending: as many messages as the budget allows, the most urgent mailing first. */
export async function deliverDue(deps: DeliverDeps, now: Date, options: DeliverOptions = {}): Promise<DeliverReport> {
  const { db, mailer, config } = deps;
  const holder = options.tickId ?? newId(now);
  let budget = options.maxMessages ?? config.mail.perTick;
  const size = roundSize(mailer);
  const report = emptyReport();
  const mailings = await sendingMailings(db);
  for (const mailing of mailings) {
    const round = await roundContext(deps, mailing);
    while (budget > 0) {
      const claimed = await claimRound(db, { mailing, n: Math.min(size, budget), holder, now: leaseClock(deps, now) });
      if (claimed.length === 0) {
        if (await completeIfDone(db, mailing, now)) report.completedMailings += 1;
        break;
      }
      budget -= claimed.length;
      await sendRound(deps, round, claimed, { holder, now, report });
    }
    if (budget <= 0) break;
  }
  return report;
}

/** Rounds Node's in-process sender runs side by side. */
export const drainLanes = 4;

/**
 * Sends until nothing is due: `lanes` rounds side by side, each lane taking the most urgent
 * mailing with work. `refresh()` tells the lanes that a new mailing may have started (the
 * tick planned one), so that an urgent one overtakes a newsletter already being sent;
 * `shouldStop()`, that no further round may begin.
 * `now` is read per round from the clock: retries come due while a long mailing drains.
 */
export async function drainDue(
  deps: DeliverDeps,
  options: { lanes?: number; shouldRefresh?: () => boolean; shouldStop?: () => boolean } = {},
): Promise<DeliverReport> {
  const { db, mailer } = deps;
  const size = roundSize(mailer);
  const report = emptyReport();
  let mailings = await sendingMailings(db);
  const contexts = new Map<string, Promise<RoundContext>>();
  const contextOf = (mailing: ActiveMailing) => {
    let context = contexts.get(mailing.id);
    if (!context) {
      context = roundContext(deps, mailing);
      contexts.set(mailing.id, context);
    }
    return context;
  };
  /** Mailings with nothing left to claim at the moment (one lane found none). */
  const exhausted = new Set<string>();
  const seen = new Map<string, ActiveMailing>();

  // On the embedded database a round's claim, rendering and records run on the event loop:
  // the lanes begin their rounds one per turn, so that other requests are answered between them.
  const turn = turns();

  async function lane(): Promise<void> {
    for (;;) {
      await turn();
      // Stopping (the server shuts down): the round in hand was finished and recorded; none is begun.
      if (options.shouldStop?.()) return;
      if (options.shouldRefresh?.()) {
        mailings = await sendingMailings(db);
        exhausted.clear();
      }
      const mailing = mailings.find((candidate) => !exhausted.has(candidate.id));
      if (!mailing) return;
      seen.set(mailing.id, mailing);
      const now = deps.clock.now();
      const holder = newId(now);
      const claimed = await claimRound(db, { mailing, n: size, holder, now });
      if (claimed.length === 0) {
        exhausted.add(mailing.id);
        continue;
      }
      const before = { sent: report.sent, retrying: report.retrying };
      await sendRound(deps, await contextOf(mailing), claimed, { holder, now, report });
      // A round the transport took none of, to be tried again, stops this lane: a provider that is down is
      // not asked for every round of the mailing; the next tick wakes the sender again.
      if (report.sent === before.sent && report.retrying > before.retrying) return;
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.lanes ?? drainLanes) }, lane));
  // Once every lane has stopped, no round is in flight: each mailing that has nothing left is finished.
  for (const mailing of seen.values()) {
    if (await completeIfDone(db, mailing, deps.clock.now())) report.completedMailings += 1;
  }
  return report;
}
