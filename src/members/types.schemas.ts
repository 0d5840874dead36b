import { z } from "@hono/zod-openapi";
import { PageQuery } from "../http/pagination.ts";
import { QueryBoolean } from "../http/query-fields.ts";
import { NameField, Timestamp } from "../lib/fields.ts";

/** ISO 4217 codes the runtime knows, where it can tell; otherwise any three capitals. */
const knownCurrencies: Set<string> | undefined = (() => {
  try {
    return new Set((Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf("currency"));
  } catch {
    return undefined;
  }
})();

export const CurrencyField = z
  .string()
  .regex(/^[A-Z]{3}$/, "must be an ISO 4217 currency code in capitals, such as SEK")
  .refine((code) => !knownCurrencies || knownCurrencies.has(code), "is not an ISO 4217 currency code")
  .openapi({ example: "SEK" });

/** Whole hundredths only: the fee is stored in minor units, and a float must never round money. */
const hasAtMostTwoDecimals = (amount: number) => Math.abs(Math.round(amount * 100) - amount * 100) < 1e-6;

export const Money = z
  .object({
    amount: z
      .number()
      .min(0)
      .max(10_000_000)
      .refine(hasAtMostTwoDecimals, "must have at most 2 decimals")
      .openapi({ description: "In major units (kronor, euros), at most 2 decimals.", example: 250 }),
    currency: CurrencyField,
  })
  .strict()
  .openapi("Money");

export const PeriodSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("calendar_year") }).strict(),
    z.object({ type: z.literal("rolling"), months: z.number().int().min(1).max(120) }).strict(),
  ])
  .openapi("MembershipPeriod", {
    description: "calendar_year: ends on 31 December of the start year. rolling: ends the day before the same date `months` later.",
  });

const Kind = z
  .enum(["active", "supporting"])
  .openapi({ description: "active: takes part in group work, trainings and elections; supporting: pays the fee only." });

const GraceDays = z
  .number()
  .int()
  .min(0)
  .max(3650)
  .openapi({ description: "Days after the end of a period during which the member keeps their rights.", example: 30 });

export const MembershipTypeCreate = z
  .object({ name: NameField, kind: Kind, fee: Money, period: PeriodSchema, graceDays: GraceDays })
  .strict()
  .openapi("MembershipTypeCreate");

export const MembershipTypeUpdate = z
  .object({
    name: NameField,
    kind: Kind,
    fee: Money,
    period: PeriodSchema,
    graceDays: GraceDays,
    archived: z.boolean().openapi({ description: "Archived types stay on existing memberships but take no new ones." }),
  })
  .partial()
  .strict()
  .openapi("MembershipTypeUpdate", { description: "Changes apply to memberships created afterwards; existing periods keep their copy." });

export const MembershipTypePublic = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: Kind,
    fee: Money,
    period: PeriodSchema,
    graceDays: z.number().int(),
    archived: z.boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("MembershipType");

export const MembershipTypeListQuery = PageQuery.extend({
  archived: QueryBoolean.optional().openapi({ description: "Only archived (true) or only usable (false) types; both when absent." }),
});

export type MembershipTypeCreateInput = z.infer<typeof MembershipTypeCreate>;
export type MembershipTypeUpdateInput = z.infer<typeof MembershipTypeUpdate>;
