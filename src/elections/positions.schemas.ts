import { z } from "@hono/zod-openapi";
import { IdSchema } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { QueryBoolean } from "../http/query-fields.ts";
import { Timestamp } from "../lib/fields.ts";
import { DayField } from "../members/members.schemas.ts";
import { LongText, Title } from "./schema-fields.ts";

// ---------------------------------------------------------------- positions

export const PositionCreate = z
  .object({
    title: Title.openapi({ example: "Board member" }),
    description: LongText.nullable().optional().openapi({ description: "The role description shown to members who consider standing." }),
    bodyGroupId: IdSchema.nullable().optional().openapi({ description: "The group the position belongs to; null: the organisation." }),
    seats: z.number().int().min(1).max(1000).openapi({ example: 5 }),
    termMonths: z.number().int().min(1).max(120).openapi({ description: "Length of a term in months.", example: 24 }),
  })
  .strict()
  .openapi("PositionCreate");

export const PositionUpdate = PositionCreate.partial().strict().openapi("PositionUpdate");

export const MandateHolder = z
  .object({ mandateId: z.string(), memberId: z.string(), name: z.string().nullable(), startsOn: z.string(), endsOn: z.string() })
  .openapi("MandateHolder");

export const PositionPublic = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    bodyGroupId: z.string().nullable(),
    seats: z.number().int(),
    termMonths: z.number().int(),
    holders: z.array(MandateHolder).optional().openapi({ description: "Current representatives (on a single position)." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Position");

// ---------------------------------------------------------------- mandates

export const MandatePublic = z
  .object({
    id: z.string(),
    positionId: z.string(),
    positionTitle: z.string(),
    memberId: z.string(),
    name: z.string().nullable(),
    electionId: z.string().nullable(),
    place: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Place in the order of election; null when entered by staff, and for reserves." }),
    reserveRank: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "A reserve (ersättare): their rank among the reserves, 1 called first; null for holders." }),
    startsOn: z.string().openapi({ format: "date" }),
    endsOn: z.string().openapi({ format: "date", description: "Last day of the term." }),
    current: z.boolean().openapi({ description: "Whether the term covers today (the organisation's day)." }),
    createdAt: Timestamp,
  })
  .openapi("Mandate");

export const MandateCreate = z
  .object({
    memberId: IdSchema,
    startsOn: DayField,
    endsOn: DayField.optional().openapi({ description: "Default: the end of a full term of the position." }),
  })
  .strict()
  .openapi("MandateCreate");

export const MandateUpdate = z
  .object({ endsOn: DayField.openapi({ description: "A new last day, e.g. when the holder steps down." }) })
  .strict()
  .openapi("MandateUpdate");

export const MandateQuery = PageQuery.extend({
  current: QueryBoolean.default(false).openapi({ description: "true: only mandates whose term covers today." }),
});

export const OrgMandateQuery = MandateQuery.extend({
  positionId: IdSchema.optional().openapi({ description: "Only the mandates on this position." }),
});
