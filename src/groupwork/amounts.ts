import { z } from "@hono/zod-openapi";
import { CurrencyField } from "../members/types.schemas.ts";

/**
 * Money of the groups is exact: amounts are sent in major units (kronor, euros) and stored as
 * whole minor units (öre, cents) of the row's own currency. An amount with more decimals than
 * its currency has (0.005 EUR, 10.5 JPY) is refused, never rounded.
 */

/** The largest amount taken, in major units: far above any group's figures, far below 2^53 minor units. */
const maxAmount = 1_000_000_000;

/** How many decimals a currency's minor unit has: 2 for SEK and EUR, 0 for JPY, 3 for KWD. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * The decimals of a number as JSON wrote it: the shortest text that reads back as the same
 * number, so 12.34 has two and 0.1 one; an exponent (1e-7) counts its digits too.
 */
function decimalsOf(amount: number): number {
  const [mantissa = "", exponent = "0"] = String(amount).split("e");
  const fraction = mantissa.split(".")[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** Major units to whole minor units, exactly: the decimal digits are shifted as text, never multiplied as a float. */
export function toMinorUnits(amount: number, currency: string): number {
  const digits = minorDigits(currency);
  const [whole = "0", fraction = ""] = amount.toFixed(digits).split(".");
  return Number(whole) * 10 ** digits + Number(fraction || "0");
}

/** Whole minor units to a major amount as JSON shows it (1250 öre → 12.5). */
export const toMajorUnits = (minor: number, currency: string) => minor / 10 ** minorDigits(currency);

/** A decimal text of minor units in major units, for CSV: 1250 öre → "12.50". */
export function formatMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const text = String(Math.abs(minor)).padStart(digits + 1, "0");
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** The fields of an amount; a body that has them refines itself with `amountDecimals`, as its decimals depend on the currency. */
export const amountFields = {
  amount: z
    .number()
    .min(0, "must not be negative")
    .max(maxAmount)
    .openapi({ description: "In major units (kronor, euros), with no more decimals than the currency has.", example: 1250.5 }),
  currency: CurrencyField,
};

export function amountDecimals(value: { amount: number; currency: string }, context: z.RefinementCtx) {
  const digits = minorDigits(value.currency);
  if (decimalsOf(value.amount) > digits) {
    context.addIssue({
      code: "custom",
      path: ["amount"],
      message: digits === 0 ? `must be a whole number in ${value.currency}` : `must have at most ${digits} decimals in ${value.currency}`,
    });
  }
}
