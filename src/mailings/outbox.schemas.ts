import { z } from "@hono/zod-openapi";
import { IdSchema } from "../http/openapi.ts";
import { Timestamp } from "../lib/fields.ts";

export const OutboxMessage = z
  .object({
    id: z.string(),
    to: z.string().openapi({ description: "The recipient's address alone, whatever kind of mail it is.", example: "ada@example.org" }),
    toName: z.string().nullable().openapi({ description: "The recipient's display name, when the message gave one." }),
    mailingId: z
      .string()
      .nullable()
      .openapi({ description: "The mailing the message belongs to; null for sign-in and other single messages." }),
    from: z.string(),
    subject: z.string(),
    messageId: z.string(),
    createdAt: Timestamp,
  })
  .openapi("OutboxMessage");

export const OutboxMessageFull = OutboxMessage.extend({
  headers: z.record(z.string(), z.string()),
  text: z.string(),
  html: z.string().nullable(),
  raw: z.string().openapi({ description: "The whole message (RFC 5322 with MIME parts), as an .eml file holds it." }),
}).openapi("OutboxMessageFull");

export const OutboxQuery = z.object({
  to: z
    .string()
    .trim()
    .min(3)
    .max(320)
    .regex(/^[^\s<>@]+@[^\s<>@]+$/, "must be an e-mail address")
    .optional()
    .openapi({ description: "Only messages to this address (any case, with or without a display name)." }),
  mailingId: IdSchema.optional().openapi({ description: "Only the messages of this mailing." }),
});
