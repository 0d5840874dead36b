import { z } from "@hono/zod-openapi";
import { RegistrationCounts } from "../events/registrations.schemas.ts";
import { NameField, Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { LinkedPartner, PartnerIdsField, ProgrammeAreaIdsField, ProgrammeAreaQuery } from "../programmes/programme-areas.schemas.ts";

const DateField = z.iso.date("must be a date (YYYY-MM-DD)").openapi({ example: "2027-06-01" });

const Material = z
  .object({
    title: z.string().trim().min(1, "must not be empty").max(200),
    url: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(1000),
  })
  .strict();

const fields = {
  name: NameField,
  description: multiline(z.string().trim().max(10_000)).nullable().optional(),
  focus: z.string().trim().max(1000).nullable().optional().openapi({ description: "What the campaign is about, in a line." }),
  startsOn: DateField.openapi({ description: "First day of the campaign (the organisation's local date)." }),
  endsOn: DateField.openapi({ description: "Last day of the campaign, inclusive." }),
  materials: z.array(Material).max(100).optional().openapi({ description: "Links to flyers, talking points, graphics." }),
  programmeAreaIds: ProgrammeAreaIdsField.optional(),
  partnerIds: PartnerIdsField.optional(),
};

export const CampaignCreate = z.object(fields).strict().openapi("CampaignCreate");
export const CampaignUpdate = z.object(fields).partial().strict().openapi("CampaignUpdate");

export const CampaignPublic = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    focus: z.string().nullable(),
    startsOn: z.string(),
    endsOn: z.string(),
    materials: z.array(z.object({ title: z.string(), url: z.string() })),
    programmeAreaIds: z.array(z.string()),
    partners: z.array(LinkedPartner).openapi({ description: "Co-organising partner organisations (set with `partnerIds`)." }),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Campaign");

export const CampaignFigures = z
  .object({
    campaignId: z.string(),
    period: z.object({ from: Timestamp, to: Timestamp }),
    events: z.object({ total: z.number().int(), cancelled: z.number().int(), byKind: z.record(z.string(), z.number().int()) }),
    occurrences: z.object({
      scheduled: z.number().int().openapi({ description: "Occurrences within the campaign period that take place." }),
      cancelled: z.number().int(),
    }),
    registrations: RegistrationCounts,
    attendance: z.object({
      attended: z.number().int(),
      noShow: z.number().int(),
      rate: z.number().nullable().openapi({ description: "attended / (attended + noShow); null before any attendance is recorded." }),
    }),
  })
  .openapi("CampaignFigures");

export const CampaignListQuery = z.object({ programmeArea: ProgrammeAreaQuery });

export type CampaignCreateInput = z.infer<typeof CampaignCreate>;
export type CampaignUpdateInput = z.infer<typeof CampaignUpdate>;
