import { z } from "@hono/zod-openapi";

/**
 * Query parameters arrive as text; these read the few spellings the API has always taken
 * and document the parameter as the type a client sends, so a generated client passes a
 * boolean or a number rather than a string. Anything else is a 422 naming the parameter.
 */

/** `true` or `false`, nothing else (not `1`, `yes` or an empty value). */
export const QueryBoolean = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((value) => value === "true")
  .openapi({ type: "boolean" });

/** A whole number written in decimal digits, optionally negative. */
export const QueryInteger = z
  .string()
  .regex(/^-?\d+$/, "must be a whole number")
  .transform(Number)
  .openapi({ type: "integer" });

/** A decimal number such as `1.4` (no exponent, no spaces). */
export const QueryNumber = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, "must be a decimal number such as 1.4")
  .transform(Number)
  .openapi({ type: "number" });
