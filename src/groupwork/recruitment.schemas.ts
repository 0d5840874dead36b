import { z } from "@hono/zod-openapi";
import { recruitmentSources } from "../../drizzle/groupwork.ts";
import { IdSchema } from "../http/openapi.ts";
import { Timestamp } from "../lib/fields.ts";
import { DayField } from "./actions.schemas.ts";

export const RecruitmentPut = z
  .object({
    groupId: IdSchema.openapi({ description: "The group that recruited the member." }),
    eventId: IdSchema.nullable().optional().openapi({ description: "The event (a campaign activity, a lecture) they were recruited at." }),
    campaignId: IdSchema.nullable().optional().openapi({ description: "The campaign they were recruited in." }),
    source: z.enum(recruitmentSources).openapi({
      description: "staff: entered by staff; signup_form: the sign-up form's source; recruitment_link: a group's recruitment link.",
    }),
    reference: z.string().trim().min(1).max(200).nullable().optional().openapi({ description: "The form's source or the link's code." }),
    recruitedOn: DayField.optional().openapi({ description: "Default: today; not in the future." }),
  })
  .strict()
  .openapi("RecruitmentPut");

export const RecruitmentPublic = z
  .object({
    memberId: z.string(),
    groupId: z.string(),
    eventId: z.string().nullable(),
    campaignId: z.string().nullable(),
    source: z.enum(recruitmentSources),
    reference: z.string().nullable(),
    recruitedOn: z.string(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Recruitment");

export const PeriodQuery = z.object({
  from: DayField.openapi({ description: "First day, inclusive." }),
  to: DayField.openapi({ description: "Last day, inclusive." }),
});

export const RecruitmentCounts = z
  .object({
    recruited: z.number().int().openapi({ description: "Members and contacts attributed to the group in the period." }),
    newMembers: z.number().int().openapi({ description: "Of them, with an active membership when recruited (or their first after)." }),
    newSupporters: z.number().int().openapi({ description: "Of them, with a supporting membership." }),
    yearPassed: z.number().int().openapi({ description: "Of them, recruited at least a year before today." }),
    stillMembersAfterAYear: z.number().int().openapi({ description: "Of those, current or in grace a year after they were recruited." }),
  })
  .openapi("RecruitmentCounts");

export const GroupRecruitment = RecruitmentCounts.extend({ groupId: z.string(), from: z.string(), to: z.string() }).openapi(
  "GroupRecruitment",
);

export type RecruitmentInput = z.infer<typeof RecruitmentPut>;
