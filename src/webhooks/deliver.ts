import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { retryWhileBusy, writeRetry } from "../db/retry.ts";
import { runBatch } from "../db/sql.ts";
import type { AppConfig, Clock } from "../deps.ts";
import { newId } from "../lib/ids.ts";
import { errorText, type Mailer } from "../mail/mailer.ts";
import { renderPayload } from "./payloads.ts";
import { signedHeaders } from "./signing.ts";
import { webhookUrlProblem } from "./url-rules.ts";

/**
 * The webhook delivery engine, the same machinery as mail (src/mailings/deliver.ts):
 *
 * 1. Claim: one UPDATE takes up to n due rows under a lease (`lease_until`, `claimed_by`);
 *    two ticks never get the same row.
 * 2. Right before the request, the row is marked `sending` (attempts + 1), only if this tick
 *    still holds it.
 * 3. After it, the row is `succeeded` (a 2xx answer), retried later with exponential backoff,
 *    or `failed` after `maxAttempts`.
 *
 * A tick that dies mid-request leaves the row `sending` under a lease that runs out; the next
 * tick sends it again. So delivery is at least once, and every attempt of one event carries
 * the same `webhook-id`, which receivers use to drop a repeat.
 *
 * An endpoint whose deliveries keep failing — `disableAfterFailures` failed attempts in a row,
 * spanning at least `disableAfterMs` — is disabled, and the organisation's contact address is
 * told. Its pending deliveries wait until it is enabled again; events meanwhile are not queued
 * for it (webhookEvent fans out to enabled endpoints only), so a dead receiver piles nothing up.
 */

export const leaseMs = 5 * 60_000;
export const maxAttempts = 8;
/** Each request may take this long before it counts as failed. */
export const requestTimeoutMs = 10_000;
/** Of a receiver's answer only this much is read (for the delivery log), then the stream is dropped. */
export const responseReadBytes = 4096;
export const disableAfterFailures = 15;
export const disableAfterMs = 24 * 60 * 60_000;
/** Requests of one tick side by side. */
const parallelRequests = 8;

/** 1 min, 3 min, 9 min, 27 min, 81 min, ~4 h, 12 h: the last of 8 attempts about 18 hours after the first. */
export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 3 ** Math.max(0, attempts - 1), 12 * 60 * 60_000);
}

export interface WebhookDeliverDeps {
  db: Db;
  mailer: Mailer;
  clock: Clock;
  config: AppConfig;
}

export interface WebhookDeliverReport {
  claimed: number;
  succeeded: number;
  retrying: number;
  failed: number;
  disabledEndpoints: number;
}

const d = schema.webhookDeliveries;
const ep = schema.webhookEndpoints;
const ev = schema.webhookEvents;

type Claimed = { seq: number; id: string; endpoint_id: string; event_id: string; attempts: number };

async function claim(db: Db, n: number, tickId: string, leaseFrom: Date, due: Date, orgId?: string): Promise<Claimed[]> {
  const at = due.toISOString();
  const leaseNow = leaseFrom.toISOString();
  const until = new Date(leaseFrom.getTime() + leaseMs).toISOString();
  return db.all<Claimed>(sql`
    UPDATE ${d} SET lease_until = ${until}, claimed_by = ${tickId}, status = 'pending'
    WHERE seq IN (
      SELECT w.seq FROM ${d} w JOIN ${ep} e ON e.id = w.endpoint_id
      WHERE e.enabled = 1 ${orgId ? sql`AND w.org_id = ${orgId}` : sql``} AND (
        (w.status = 'pending' AND (w.lease_until IS NULL OR w.lease_until < ${leaseNow}) AND w.next_attempt_at <= ${at})
        OR (w.status = 'sending' AND w.lease_until < ${leaseNow}))
      ORDER BY w.next_attempt_at, w.seq LIMIT ${n})
    RETURNING seq, id, endpoint_id, event_id, attempts`);
}

/** The message body of an event, made once and kept, so every attempt sends the same bytes. */
async function payloadOf(db: Db, eventId: string, now: Date): Promise<string | undefined> {
  const [row] = await db
    .select({ event: ev, slug: schema.organisations.slug, timeZone: schema.organisations.timeZone })
    .from(ev)
    .innerJoin(schema.organisations, eq(schema.organisations.id, ev.orgId))
    .where(eq(ev.id, eventId))
    .limit(1);
  if (!row) return undefined;
  if (row.event.payload !== null) return row.event.payload;
  const made = await renderPayload({ db, orgId: row.event.orgId, slug: row.slug, timeZone: row.timeZone, now }, row.event);
  // Two ticks may render at once: the first to write wins, and both send what was written.
  await db.run(sql`UPDATE ${ev} SET payload = ${made} WHERE id = ${eventId} AND payload IS NULL`);
  const [kept] = await db.select({ payload: ev.payload }).from(ev).where(eq(ev.id, eventId));
  return kept?.payload ?? made;
}

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** Reads at most `responseReadBytes` of a body, then lets the rest go. */
async function boundedText(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < responseReadBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = new Uint8Array(Math.min(size, responseReadBytes));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, all.length - offset);
    all.set(part, offset);
    offset += part.length;
    if (offset >= all.length) break;
  }
  return new TextDecoder().decode(all);
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Grasrot-Webhooks/1", ...headers },
      body,
      // A redirect could point anywhere, the private network included: it counts as a failure.
      redirect: "manual",
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const text = await boundedText(response);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    const said = text.trim().replace(/\s+/g, " ").slice(0, 200);
    return { ok: false, status: response.status, error: `The receiver answered ${response.status}${said ? `: ${said}` : ""}` };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { ok: false, status: null, error: timedOut ? `No answer within ${requestTimeoutMs / 1000} s` : errorText(error).slice(0, 300) };
  }
}

async function markSending(db: Db, seq: number, tickId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(d)
    .set({ status: "sending", attempts: sql`${d.attempts} + 1`, lastAttemptAt: now.toISOString() })
    .where(and(eq(d.seq, seq), eq(d.claimedBy, tickId), eq(d.status, "pending")))
    .returning({ seq: d.seq });
  return rows.length > 0;
}

async function record(db: Db, row: Claimed, outcome: Outcome, now: Date, report: WebhookDeliverReport) {
  const at = now.toISOString();
  const attempts = Number(row.attempts) + 1;
  if (outcome.ok) {
    report.succeeded += 1;
    await retryWhileBusy(
      () =>
        runBatch(db, [
          db
            .update(d)
            .set({
              status: "succeeded",
              responseStatus: outcome.status,
              error: null,
              deliveredAt: at,
              leaseUntil: null,
              nextAttemptAt: null,
            })
            .where(eq(d.seq, row.seq)),
          db.update(ep).set({ consecutiveFailures: 0, failingSince: null }).where(eq(ep.id, row.endpoint_id)),
        ]),
      writeRetry,
    );
    return;
  }
  const final = attempts >= maxAttempts;
  if (final) report.failed += 1;
  else report.retrying += 1;
  await retryWhileBusy(
    () =>
      runBatch(db, [
        db
          .update(d)
          .set({
            status: final ? "failed" : "pending",
            responseStatus: outcome.status,
            error: outcome.error,
            leaseUntil: null,
            nextAttemptAt: final ? null : new Date(now.getTime() + backoffMs(attempts)).toISOString(),
          })
          .where(eq(d.seq, row.seq)),
        db
          .update(ep)
          .set({ consecutiveFailures: sql`${ep.consecutiveFailures} + 1`, failingSince: sql`coalesce(${ep.failingSince}, ${at})` })
          .where(eq(ep.id, row.endpoint_id)),
      ]),
    writeRetry,
  );
}

/** Disables an endpoint that has failed long enough, and tells the organisation; true when this call disabled it. */
async function disableIfFailing(deps: WebhookDeliverDeps, endpointId: string, lastError: string, now: Date): Promise<boolean> {
  const { db, mailer, config } = deps;
  const since = new Date(now.getTime() - disableAfterMs).toISOString();
  const [disabled] = await db
    .update(ep)
    .set({ enabled: false, disabledAt: now.toISOString(), version: sql`${ep.version} + 1`, updatedAt: now.toISOString() })
    .where(
      and(
        eq(ep.id, endpointId),
        eq(ep.enabled, true),
        sql`${ep.consecutiveFailures} >= ${disableAfterFailures}`,
        sql`${ep.failingSince} <= ${since}`,
      ),
    )
    .returning();
  if (!disabled) return false;
  const org = await db.query.organisations.findFirst({ where: eq(schema.organisations.id, disabled.orgId) });
  const why =
    `Disabled after ${disabled.consecutiveFailures} failed delivery attempts in a row since ${disabled.failingSince}; ` +
    `the last: ${lastError}.`;
  let notice: string;
  if (!org?.contactEmail) {
    notice = "No notice was sent: the organisation has no contact e-mail address.";
  } else {
    try {
      await mailer.send({
        to: org.contactEmail,
        from: config.mail.from,
        orgId: disabled.orgId,
        messageId: `<webhook-disabled-${disabled.id}-${disabled.version}@grasrot>`,
        subject: `Webhook disabled: ${disabled.url}`,
        text:
          `The webhook endpoint ${disabled.url} of ${org.name} (id ${disabled.id}) has been disabled.\n\n${why}\n\n` +
          "Nothing is sent to it, and changes are not queued for it, until it is enabled again: fix the receiver, then send PATCH " +
          `${config.publicUrl}/v1/orgs/${org.slug}/webhooks/${disabled.id} with {"enabled": true}.\n`,
      });
      notice = `A notice was sent to ${org.contactEmail}.`;
    } catch (error) {
      notice = `The notice to ${org.contactEmail} could not be sent: ${errorText(error).slice(0, 200)}.`;
    }
  }
  await db
    .update(ep)
    .set({ disabledReason: `${why} ${notice}` })
    .where(eq(ep.id, endpointId));
  return true;
}

async function deliverOne(deps: WebhookDeliverDeps, row: Claimed, tickId: string, now: Date, report: WebhookDeliverReport) {
  const { db, config, clock } = deps;
  const endpoint = await db.query.webhookEndpoints.findFirst({ where: eq(ep.id, row.endpoint_id) });
  const body = await payloadOf(db, row.event_id, now);
  if (!endpoint || body === undefined) return;
  if (!(await markSending(db, row.seq, tickId, now))) return;
  // The rules are applied again at delivery: the deployment's setting may have changed since the URL was accepted.
  const refused = webhookUrlProblem(endpoint.url, { allowPrivate: config.webhooksAllowPrivate ?? false });
  let outcome: Outcome;
  if (refused) {
    outcome = { ok: false, status: null, error: `Not sent: the URL ${refused}` };
  } else {
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now.toISOString())
      secrets.push(endpoint.previousSecret);
    // The signed time is the real one: receivers compare it with their own clock.
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    outcome = await post(endpoint.url, await signedHeaders(secrets, row.event_id, timestamp, body), body);
  }
  await record(db, row, outcome, now, report);
  if (!outcome.ok && (await disableIfFailing(deps, endpoint.id, outcome.error, now))) report.disabledEndpoints += 1;
}

/**
 * One round of deliveries: every due row up to the budget (all organisations, or one, for
 * the attempt right after a request).
 */
export async function deliverWebhooksDue(
  deps: WebhookDeliverDeps,
  now: Date,
  options: { orgId?: string; maxDeliveries?: number; tickId?: string } = {},
): Promise<WebhookDeliverReport> {
  const tickId = options.tickId ?? newId(now);
  let budget = options.maxDeliveries ?? 200;
  const report: WebhookDeliverReport = { claimed: 0, succeeded: 0, retrying: 0, failed: 0, disabledEndpoints: 0 };
  // As for mail: leases on the clock every process shares, so a tick re-run for a past instant takes nothing held.
  const leaseFrom = new Date(Math.max(now.getTime(), deps.clock.now().getTime()));
  while (budget > 0) {
    const claimed = await claim(deps.db, Math.min(parallelRequests, budget), tickId, leaseFrom, now, options.orgId);
    if (claimed.length === 0) break;
    report.claimed += claimed.length;
    budget -= claimed.length;
    await Promise.all(claimed.map((row) => deliverOne(deps, row, tickId, now, report)));
  }
  return report;
}

/** Whether an organisation has deliveries never tried yet: the cheap check before the attempt after a request. */
export async function hasFreshDeliveries(db: Db, orgId: string): Promise<boolean> {
  const [row] = await db
    .select({ seq: d.seq })
    .from(d)
    .where(and(eq(d.orgId, orgId), eq(d.status, "pending"), eq(d.attempts, 0)))
    .limit(1);
  return row !== undefined;
}
