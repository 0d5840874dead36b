import { z } from "@hono/zod-openapi";
import { partnerKinds, partnerRelationKinds } from "../../drizzle/programmes.ts";
import { IdSchema, OrgIdParams } from "../http/openapi.ts";
import { NameField, Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { CountryField } from "../members/members.schemas.ts";
import { DateField, ProgrammeAreaIdsField, ProgrammeAreaQuery } from "../programmes/programme-areas.schemas.ts";

const Kind = z.enum(partnerKinds).openapi({ description: "What sort of organisation it is." });

const Relation = z
  .object({
    kind: z.enum(partnerRelationKinds).openapi({
      description: "partner: we work together; network_membership: a network we are a member of; funder: it funds our work.",
    }),
    from: DateField.nullable().default(null).openapi({ description: "First day; null: since ever." }),
    to: DateField.nullable().default(null).openapi({ description: "Last day, inclusive; null: ongoing." }),
  })
  .strict()
  .openapi("PartnerRelation");

const fields = {
  name: NameField,
  kind: Kind,
  country: CountryField.nullable().optional().openapi({ description: "ISO 3166-1 alpha-2 country code." }),
  website: z
    .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
    .max(500)
    .nullable()
    .optional(),
  notes: multiline(z.string().trim().max(10_000)).nullable().optional(),
  programmeAreaIds: ProgrammeAreaIdsField.optional(),
  relations: z
    .array(Relation)
    .max(20)
    .optional()
    .openapi({ description: "Our relations with it, each with its dates; replaces the list." }),
};

export const PartnerCreate = z.object(fields).strict().openapi("PartnerCreate");
export const PartnerUpdate = z.object(fields).partial().strict().openapi("PartnerUpdate");

export const PartnerPublic = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: Kind,
    country: z.string().nullable(),
    website: z.string().nullable(),
    notes: z.string().nullable(),
    programmeAreaIds: z.array(z.string()),
    relations: z.array(z.object({ kind: z.enum(partnerRelationKinds), from: z.string().nullable(), to: z.string().nullable() })),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Partner");

export const PartnerListQuery = z.object({
  kind: Kind.optional(),
  country: CountryField.optional(),
  programmeArea: ProgrammeAreaQuery,
});

export const PartnerContact = z
  .object({
    id: z.string().openapi({ description: "The person's id (a member or a contact)." }),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    enrolled: z.boolean().openapi({ description: "On the member register (a member) rather than a contact." }),
  })
  .openapi("PartnerContact");

export const ContactParams = OrgIdParams.extend({
  personId: IdSchema.openapi({ param: { name: "personId", in: "path" }, description: "The person's id (a member or a contact)." }),
});

export type PartnerCreateInput = z.infer<typeof PartnerCreate>;
export type PartnerUpdateInput = z.infer<typeof PartnerUpdate>;
