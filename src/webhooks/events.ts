import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import type { Statement } from "../db/sql.ts";
import { newId } from "../lib/ids.ts";

/**
 * The event types an endpoint may subscribe to: a closed list, so integrators can switch on
 * `type`. Each names the resource its `data` carries (see payloads.ts).
 */
export const webhookEventTypes = [
  "member.created",
  "member.updated",
  "member.erased",
  "contact.created",
  "contact.updated",
  "membership.started",
  "membership.lapsed",
  "group_membership.changed",
  "registration.created",
  "registration.changed",
  "event.created",
  "event.changed",
  "event.cancelled",
  "election.status_changed",
  "election.result_published",
  "mailing.sent",
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

/** Where an event is recorded: the organisation, and the instant of the change. */
export interface EventScope {
  db: Db;
  orgId: string;
  now: Date;
}

const endpoints = schema.webhookEndpoints;
const deliveries = schema.webhookDeliveries;
const events = schema.webhookEvents;

/** A random UUID made by the database, for delivery rows fanned out by one INSERT … SELECT. */
const sqlUuid = sql.raw(
  "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || " +
    "substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))",
);

export interface EventOptions {
  /** Extra facts known only at the change (the status moved from, …), merged into `data`. */
  detail?: Record<string, unknown>;
  /**
   * Record the event only if the statement right before it in the batch changed a row (a
   * conditional UPDATE under If-Match that may match nothing): SQLite's `changes()`.
   */
  ifChanged?: boolean;
  /** Record it only if no event of this type was recorded for the resource before (events found by a job). */
  once?: boolean;
  /** Record it only if this condition holds when the statement runs (the change it tells of took). */
  when?: SQL;
}

/**
 * The statements that record an event and queue one delivery per enabled endpoint that
 * subscribes to its type. They go into the service's own batch, so the event exists exactly
 * when the change does; an organisation without such endpoints gets no rows at all.
 */
export function webhookEvent(
  scope: EventScope,
  type: WebhookEventType,
  resourceId: string,
  options: EventOptions = {},
): [Statement, Statement] {
  const { db, orgId, now } = scope;
  const { detail, ifChanged, once, when } = options;
  const id = newId(now);
  const at = now.toISOString();
  const subscribed = sql`FROM ${endpoints} e WHERE e.org_id = ${orgId} AND e.enabled = 1
    AND EXISTS (SELECT 1 FROM json_each(e.event_types) WHERE value = ${type})`;
  return [
    db.run(sql`INSERT INTO ${events} (id, org_id, type, resource_id, detail, occurred_at)
      SELECT ${id}, ${orgId}, ${type}, ${resourceId}, ${detail ? JSON.stringify(detail) : null}, ${at}
      WHERE EXISTS (SELECT 1 ${subscribed})${ifChanged ? sql` AND changes() > 0` : sql``}
      ${once ? sql`AND NOT EXISTS (SELECT 1 FROM ${events} WHERE resource_id = ${resourceId} AND type = ${type})` : sql``}
      ${when ? sql`AND ${when}` : sql``}`),
    db.run(sql`INSERT INTO ${deliveries} (id, org_id, endpoint_id, event_id, status, attempts, next_attempt_at, created_at)
      SELECT ${sqlUuid}, ${orgId}, e.id, ${id}, 'pending', 0, ${at}, ${at} ${subscribed}
      AND EXISTS (SELECT 1 FROM ${events} WHERE id = ${id})`),
  ];
}
