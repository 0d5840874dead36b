import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organisations } from "./platform.ts";

export const webhookDeliveryStatuses = ["pending", "sending", "succeeded", "failed"] as const;

/**
 * Where an organisation wants to be told of changes. The secret signs every delivery
 * (Standard Webhooks); it must be kept readable, as signing needs it, and is shown to
 * the API only once, when made. During a rotation the previous secret signs as well,
 * until `previous_secret_until`, so receivers can switch without losing a delivery.
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description"),
    /** JSON array of the event types subscribed to. */
    eventTypes: text("event_types").notNull(),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretUntil: text("previous_secret_until"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    disabledAt: text("disabled_at"),
    disabledReason: text("disabled_reason"),
    /** Failed attempts since the last success, and when that run of failures began. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    failingSince: text("failing_since"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.orgId, t.id)],
);

/**
 * What happened, recorded in the same write as the change. `payload` is the message body,
 * made once at the first delivery attempt and then kept, so every attempt and every
 * endpoint gets the same bytes under the same `webhook-id` (the event's id).
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    resourceId: text("resource_id").notNull(),
    /** Extra facts known only at the change (the status moved from, …), as JSON. */
    detail: text("detail"),
    payload: text("payload"),
    occurredAt: text("occurred_at").notNull(),
  },
  (t) => [index("webhook_events_occurred_idx").on(t.occurredAt), index("webhook_events_resource_idx").on(t.resourceId, t.type)],
);

/** The outbox: one row per event and endpoint, claimed by a tick under a lease like mail. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    orgId: text("org_id").notNull(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    status: text("status", { enum: webhookDeliveryStatuses }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    leaseUntil: text("lease_until"),
    claimedBy: text("claimed_by"),
    responseStatus: integer("response_status"),
    error: text("error"),
    createdAt: text("created_at").notNull(),
    lastAttemptAt: text("last_attempt_at"),
    deliveredAt: text("delivered_at"),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_id_unique").on(t.id),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.seq),
    index("webhook_deliveries_work_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_org_idx").on(t.orgId, t.status, t.attempts),
    index("webhook_deliveries_event_idx").on(t.eventId),
  ],
);
