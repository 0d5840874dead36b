import { z } from "@hono/zod-openapi";
import { suppressionReasons } from "../../drizzle/mailings.ts";
import { EmailField, Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";

export const Suppression = z
  .object({ id: z.string(), email: z.string(), reason: z.enum(suppressionReasons), detail: z.string().nullable(), createdAt: Timestamp })
  .openapi("MailSuppression");

export const SuppressionCreate = z
  .object({
    email: EmailField,
    reason: z.enum(["hard_bounce", "complaint", "manual"]),
    detail: multiline(z.string().max(1000)).optional().openapi({ description: "The bounce message or why, for the record." }),
  })
  .strict()
  .openapi("MailSuppressionCreate");
