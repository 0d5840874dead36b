import { z } from "@hono/zod-openapi";
import { NameField, Timestamp } from "../lib/fields.ts";

const Role = z
  .enum(["admin", "staff", "readonly"])
  .openapi({ description: "admin: everything; staff: day-to-day work; readonly: reading only." });

export const ApiKeyPublic = z
  .object({
    id: z.string(),
    name: z.string(),
    role: Role,
    prefix: z.string().openapi({ description: "The first characters of the key, to tell keys apart.", example: "grs_8fK2" }),
    createdAt: Timestamp,
    revokedAt: Timestamp.nullable(),
  })
  .openapi("ApiKey");

export const ApiKeyCreate = z.object({ name: NameField, role: Role }).strict().openapi("ApiKeyCreate");

export const ApiKeyCreated = ApiKeyPublic.extend({
  secret: z.string().openapi({ description: "The key itself. Shown only in this response: store it now." }),
}).openapi("ApiKeyCreated");
