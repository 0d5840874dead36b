import { z } from "@hono/zod-openapi";
import { Timestamp } from "../lib/fields.ts";
import { webhookEventTypes } from "./events.ts";

export const WebhookEventType = z.enum(webhookEventTypes).openapi("WebhookEventType", {
  description:
    "What happened. `data` carries the resource in the shape a key of the organisation reads it: a member " +
    "(`member.*`; `member.erased` only the id, also of an erased contact), a person who is not a member, as a contact " +
    "(`contact.created`, `contact.updated`; enrolling one is `member.created`), a membership (`membership.started`, `membership.lapsed`: the day after " +
    "its grace period ended with no later period), a group roster entry " +
    "(`group_membership.changed`: joined, role changed or left), a registration (`registration.*`), an event " +
    "(`event.*`), an election (`election.*`, never its ballots) or a mailing (`mailing.sent`).",
});

const WebhookUrl = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .openapi({
    description:
      "Where deliveries are POSTed. https, on a public host: loopback, private, link-local and reserved addresses, and " +
      "local names such as `localhost` or `*.internal`, are refused (422), unless the deployment allows them for " +
      "development (`GRASROT_WEBHOOKS_ALLOW_PRIVATE`).",
    example: "https://hooks.example.org/grasrot",
  });

const EventTypes = z
  .array(WebhookEventType)
  .min(1, "must name at least one event type")
  .max(webhookEventTypes.length)
  .refine((types) => new Set(types).size === types.length, "must not name an event type twice")
  .openapi({ description: "The event types delivered to this endpoint.", example: ["member.created", "member.updated"] });

const Description = z.string().trim().max(500).nullable().openapi({ description: "What the endpoint is for.", example: "CRM sync" });

export const WebhookEndpointPublic = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(WebhookEventType),
    enabled: z.boolean().openapi({
      description: "A disabled endpoint is sent nothing and gets no new events; its pending deliveries wait until it is enabled again.",
    }),
    disabledAt: Timestamp.nullable(),
    disabledReason: z
      .string()
      .nullable()
      .openapi({ description: "Why the endpoint was disabled automatically, and whether the organisation was told." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("WebhookEndpoint");

const Secret = z.string().openapi({
  description:
    "The signing secret (`whsec_` + base64), shown only in this response: store it now. Deliveries carry " +
    "`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` keyed with its base64-decoded bytes (Standard Webhooks).",
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const WebhookEndpointCreated = WebhookEndpointPublic.extend({ secret: Secret }).openapi("WebhookEndpointCreated");

export const WebhookSecretRotated = WebhookEndpointPublic.extend({
  secret: Secret,
  previousSecretValidUntil: Timestamp.openapi({
    description: "Until then deliveries are signed with the old secret as well (two signatures), so receivers can switch over.",
  }),
}).openapi("WebhookSecretRotated");

export const WebhookEndpointCreate = z
  .object({ url: WebhookUrl, eventTypes: EventTypes, description: Description.optional() })
  .strict()
  .openapi("WebhookEndpointCreate");

export const WebhookEndpointUpdate = z
  .object({
    url: WebhookUrl,
    eventTypes: EventTypes,
    description: Description,
    enabled: z.boolean().openapi({ description: "`true` enables a disabled endpoint again and starts its failure count afresh." }),
  })
  .partial()
  .strict()
  .openapi("WebhookEndpointUpdate");

export type WebhookEndpointCreateInput = z.infer<typeof WebhookEndpointCreate>;
export type WebhookEndpointUpdateInput = z.infer<typeof WebhookEndpointUpdate>;
