import { and, desc, eq, lt } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { newId } from "../lib/ids.ts";
import { conflict, notFound } from "../lib/problems.ts";
import { getEndpoint } from "./endpoints.service.ts";
import type { WebhookEventType } from "./events.ts";

const d = schema.webhookDeliveries;
const ev = schema.webhookEvents;

const columns = {
  seq: d.seq,
  id: d.id,
  eventId: d.eventId,
  eventType: ev.type,
  status: d.status,
  attempts: d.attempts,
  responseStatus: d.responseStatus,
  error: d.error,
  createdAt: d.createdAt,
  lastAttemptAt: d.lastAttemptAt,
  nextAttemptAt: d.nextAttemptAt,
  deliveredAt: d.deliveredAt,
};

type DeliveryRow = { seq: number; eventType: string } & Omit<typeof d.$inferSelect, "orgId" | "endpointId" | "leaseUntil" | "claimedBy">;

export function toDeliveryPublic(row: Pick<DeliveryRow, Exclude<keyof DeliveryRow, "seq">>) {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType as WebhookEventType,
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.responseStatus,
    error: row.error,
    createdAt: row.createdAt,
    lastAttemptAt: row.lastAttemptAt,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt : null,
    deliveredAt: row.deliveredAt,
  };
}

/** An endpoint's deliveries, newest first. */
export async function listDeliveries(ctx: Ctx, options: { endpointId: string; limit: number; cursor?: string }) {
  const endpoint = await getEndpoint(ctx, { id: options.endpointId });
  const before = options.cursor ? decodeCursor(options.cursor, ["number"])[0] : undefined;
  const rows = await ctx.db
    .select(columns)
    .from(d)
    .innerJoin(ev, eq(ev.id, d.eventId))
    .where(and(eq(d.endpointId, endpoint.id), before !== undefined ? lt(d.seq, before) : undefined))
    .orderBy(desc(d.seq))
    .limit(options.limit + 1);
  return page(rows, options.limit, toDeliveryPublic, (row) => [row.seq]);
}

async function deliveryOf(ctx: Ctx, endpointId: string, id: string) {
  const [row] = await ctx.db
    .select(columns)
    .from(d)
    .innerJoin(ev, eq(ev.id, d.eventId))
    .where(and(eq(d.orgId, ctx.org.id), eq(d.endpointId, endpointId), eq(d.id, id)))
    .limit(1);
  if (!row) throw notFound("Webhook delivery");
  return row;
}

/**
 * Sends an event to an endpoint again, as a new delivery with attempts of its own; the
 * message is the same (same `webhook-id`, same body), so a receiver that already has it can
 * tell. A disabled endpoint gets nothing: 409 until it is enabled.
 */
export async function redeliver(ctx: Ctx, options: { endpointId: string; deliveryId: string }) {
  const { db, now } = ctx;
  const endpoint = await getEndpoint(ctx, { id: options.endpointId });
  const original = await deliveryOf(ctx, endpoint.id, options.deliveryId);
  if (!endpoint.enabled) throw conflict("The endpoint is disabled; enable it (PATCH with enabled: true) before redelivering.");
  const id = newId(now);
  const at = now.toISOString();
  await db.insert(d).values({
    id,
    orgId: ctx.org.id,
    endpointId: endpoint.id,
    eventId: original.eventId,
    status: "pending",
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
  });
  return deliveryOf(ctx, endpoint.id, id);
}
