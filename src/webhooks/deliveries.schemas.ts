import { z } from "@hono/zod-openapi";
import { webhookDeliveryStatuses } from "../../drizzle/webhooks.ts";
import { IdSchema, OrgIdParams } from "../http/openapi.ts";
import { Timestamp } from "../lib/fields.ts";
import { WebhookEventType } from "./endpoints.schemas.ts";

export const WebhookDeliveryPublic = z
  .object({
    id: z.string(),
    eventId: z.string().openapi({ description: "The `webhook-id` header of every attempt: receivers drop a message they have seen." }),
    eventType: WebhookEventType,
    status: z.enum(webhookDeliveryStatuses).openapi({
      description:
        "`pending`: waiting for its (next) attempt; `sending`: an attempt is under way; `succeeded`: the receiver answered 2xx; " +
        "`failed`: every attempt failed.",
    }),
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable().openapi({ description: "The HTTP status of the last answer; null when none came." }),
    error: z.string().nullable().openapi({ description: "Why the last attempt failed." }),
    createdAt: Timestamp,
    lastAttemptAt: Timestamp.nullable(),
    nextAttemptAt: Timestamp.nullable(),
    deliveredAt: Timestamp.nullable(),
  })
  .openapi("WebhookDelivery");

export const DeliveryParams = OrgIdParams.extend({
  deliveryId: IdSchema.openapi({ param: { name: "deliveryId", in: "path" } }),
});
