import { z } from "@hono/zod-openapi";
import { actionKinds, actionReportKinds } from "../../drizzle/groupwork.ts";
import { IdSchema } from "../http/openapi.ts";
import { NameField, Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";

export const DayField = z.iso.date("must be a date (YYYY-MM-DD)").openapi({ example: "2027-03-01" });

const actionFields = {
  kind: z.enum(actionKinds).openapi({ description: "An urgent action, a petition, or a letter to someone in power." }),
  title: NameField,
  target: NameField.openapi({ description: "Who is pressed: a minister, an embassy, a company." }),
  description: multiline(z.string().trim().max(10_000)).nullable().optional(),
  startsOn: DayField.openapi({ description: "First day groups can act (the organisation's local date)." }),
  endsOn: DayField.openapi({ description: "Last day, inclusive: no reports after it." }),
};

export const ActionCreate = z.object(actionFields).strict().openapi("ActionCreate");
export const ActionUpdate = z.object(actionFields).partial().strict().openapi("ActionUpdate");

export const ActionPublic = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    kind: z.enum(actionKinds),
    title: z.string(),
    target: z.string(),
    description: z.string().nullable(),
    startsOn: z.string(),
    endsOn: z.string(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Action");

const Count = z.number().int().min(1, "must be at least 1").max(1_000_000);

export const ActionReportCreate = z
  .object({
    actionId: IdSchema,
    kind: z.enum(actionReportKinds).openapi({
      description: "letters written, signatures collected, a meeting with a politician, a street activity.",
    }),
    quantity: Count.openapi({ description: "How many letters, signatures, meetings or activities." }),
    reach: z.number().int().min(0).max(100_000_000).optional().openapi({ description: "People reached, estimated (street activities)." }),
    doneOn: DayField.openapi({ description: "The day it was done: within the action's period, not in the future." }),
    note: multiline(z.string().trim().max(2000)).nullable().optional(),
  })
  .strict()
  .openapi("ActionReportCreate");

export const MyLettersCreate = z
  .object({
    actionId: IdSchema,
    letters: Count.openapi({ description: "Letters the member wrote." }),
    doneOn: DayField.optional().openapi({ description: "Default: today." }),
    groupId: IdSchema.optional().openapi({ description: "The group the letters count for; needed only when the member is in several." }),
  })
  .strict()
  .openapi("MyLettersCreate");

export const ActionReportPublic = z
  .object({
    id: z.string(),
    actionId: z.string(),
    groupId: z.string(),
    memberId: z.string().nullable().openapi({ description: "The member, when they reported their own letters." }),
    kind: z.enum(actionReportKinds),
    quantity: z.number().int(),
    reach: z.number().int(),
    doneOn: z.string(),
    note: z.string().nullable(),
    createdAt: Timestamp,
  })
  .openapi("ActionReport");

export const ActionTotals = z
  .object({
    reports: z.number().int(),
    groups: z.number().int().openapi({ description: "Groups that reported." }),
    letters: z.number().int(),
    signatures: z.number().int(),
    politicianMeetings: z.number().int(),
    streetActivities: z.number().int(),
    reach: z.number().int(),
  })
  .openapi("ActionTotals");

export const ActionTotalsQuery = z.object({
  campaignId: IdSchema.optional(),
  actionId: IdSchema.optional(),
  groupId: IdSchema.optional(),
});

export const ActionTotalsReport = z
  .object({
    totals: ActionTotals,
    byAction: z.array(ActionTotals.extend({ actionId: z.string() })),
    byGroup: z.array(ActionTotals.extend({ groupId: z.string() })),
  })
  .openapi("ActionTotalsReport");

export type ActionCreateInput = z.infer<typeof ActionCreate>;
export type ActionUpdateInput = z.infer<typeof ActionUpdate>;
export type ActionReportInput = z.infer<typeof ActionReportCreate>;
export type MyLettersInput = z.infer<typeof MyLettersCreate>;
