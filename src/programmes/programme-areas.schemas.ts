import { z } from "@hono/zod-openapi";
import { IdSchema } from "../http/openapi.ts";
import { NameField, Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";

export const DateField = z.iso.date("must be a date (YYYY-MM-DD)").openapi({ example: "2027-01-01" });

const fields = {
  name: NameField,
  description: multiline(z.string().trim().max(10_000)).nullable().optional(),
  startsOn: DateField.nullable().optional().openapi({ description: "First day of the area's period; null: open." }),
  endsOn: DateField.nullable().optional().openapi({ description: "Last day of the area's period, inclusive; null: open." }),
};

export const ProgrammeAreaCreate = z.object(fields).strict().openapi("ProgrammeAreaCreate");
export const ProgrammeAreaUpdate = z.object(fields).partial().strict().openapi("ProgrammeAreaUpdate");

export const ProgrammeAreaPublic = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    startsOn: z.string().nullable(),
    endsOn: z.string().nullable(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("ProgrammeArea");

/** The links a resource in programme areas shows, and the field that sets them. */
export const ProgrammeAreaIdsField = z
  .array(IdSchema)
  .max(50)
  .openapi({ description: "The programme areas it belongs to; on an update, replaces the list." });

/** The co-organising partners of an event or a campaign, and the field that sets them. */
export const PartnerIdsField = z
  .array(IdSchema)
  .max(50)
  .openapi({ description: "Co-organising partner organisations; on an update, replaces the list." });

export const LinkedPartner = z.object({ id: z.string(), name: z.string() }).openapi("LinkedPartner");

/** Query parameter of the lists filtered by programme area. */
export const ProgrammeAreaQuery = IdSchema.optional().openapi({
  description: "Only those in this programme area (422 if it is none of the organisation's).",
});

export type ProgrammeAreaCreateInput = z.infer<typeof ProgrammeAreaCreate>;
export type ProgrammeAreaUpdateInput = z.infer<typeof ProgrammeAreaUpdate>;
