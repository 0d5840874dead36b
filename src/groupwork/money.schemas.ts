import { z } from "@hono/zod-openapi";
import { grantStatuses, incomeSources } from "../../drizzle/groupwork.ts";
import { IdSchema } from "../http/openapi.ts";
import { Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { DayField } from "./actions.schemas.ts";
import { amountDecimals, amountFields } from "./amounts.ts";

export const GrantCreate = z
  .object({
    ...amountFields,
    purpose: multiline(z.string().trim().min(1, "must not be empty").max(2000)),
    appliedOn: DayField.optional().openapi({ description: "Default: today." }),
  })
  .strict()
  .superRefine(amountDecimals)
  .openapi("GrantCreate");

export const GrantDecision = z
  .object({
    status: z.enum(["granted", "declined", "paid"]).openapi({ description: "applied → granted or declined; granted → paid." }),
    on: DayField.optional().openapi({ description: "The day of the decision or payment; default today." }),
  })
  .strict()
  .openapi("GrantDecision");

export const GrantPublic = z
  .object({
    id: z.string(),
    groupId: z.string(),
    amount: z.number(),
    amountMinor: z.number().int(),
    currency: z.string(),
    purpose: z.string(),
    status: z.enum(grantStatuses),
    appliedOn: z.string(),
    decidedOn: z.string().nullable(),
    paidOn: z.string().nullable(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("GrantApplication");

export const IncomeCreate = z
  .object({
    ...amountFields,
    receivedOn: DayField.openapi({ description: "The day the money came in: not in the future." }),
    source: z.enum(incomeSources),
    campaignId: IdSchema.nullable().optional().openapi({ description: "The campaign the money was raised for." }),
    description: multiline(z.string().trim().max(2000)).nullable().optional(),
  })
  .strict()
  .superRefine(amountDecimals)
  .openapi("IncomeCreate");

export const ExpenseCreate = z
  .object({
    ...amountFields,
    spentOn: DayField.openapi({ description: "The day of the expense: not in the future." }),
    campaignId: IdSchema.nullable().optional(),
    description: multiline(z.string().trim().min(1, "must not be empty").max(2000)),
  })
  .strict()
  .superRefine(amountDecimals)
  .openapi("ExpenseCreate");

export const MoneyEntryPublic = z
  .object({
    id: z.string(),
    groupId: z.string(),
    kind: z.enum(["income", "expense"]),
    on: z.string().openapi({ description: "The day received or spent." }),
    amount: z.number(),
    amountMinor: z.number().int(),
    currency: z.string(),
    source: z.enum(incomeSources).nullable(),
    campaignId: z.string().nullable(),
    description: z.string().nullable(),
    createdAt: Timestamp,
  })
  .openapi("MoneyEntry");

export const CurrencyFigures = z
  .object({
    currency: z.string(),
    appliedMinor: z.number().int().openapi({ description: "Grants applied for and not yet decided." }),
    grantedMinor: z.number().int().openapi({ description: "Grants granted, paid or not." }),
    paidMinor: z.number().int().openapi({ description: "Grants paid to the group." }),
    incomeMinor: z.number().int().openapi({ description: "Fundraising income." }),
    expensesMinor: z.number().int(),
    balanceMinor: z.number().int().openapi({ description: "Grants paid plus income less expenses." }),
  })
  .openapi("CurrencyFigures");

export const GroupMoney = z
  .object({
    groupId: z.string(),
    currencies: z
      .array(CurrencyFigures)
      .openapi({ description: "One entry per currency the group's rows are in; amounts in minor units." }),
  })
  .openapi("GroupMoney");

export const YearQuery = z.object({
  year: z.coerce
    .number()
    .int()
    .min(1900)
    .max(2999)
    .openapi({ example: 2026, description: "The calendar year, in the organisation's time zone." }),
});

export type GrantCreateInput = z.infer<typeof GrantCreate>;
export type GrantDecisionInput = z.infer<typeof GrantDecision>;
export type IncomeInput = z.infer<typeof IncomeCreate>;
export type ExpenseInput = z.infer<typeof ExpenseCreate>;
