import { z } from "@hono/zod-openapi";

/** Field types shared by many resources, each validated the same way everywhere. */

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.length > 0;
  } catch {
    return false;
  }
}

export const TimeZoneField = z
  .string()
  .max(64)
  .refine(isTimeZone, "must be an IANA time zone such as Europe/Stockholm")
  .openapi({ example: "Europe/Stockholm" });

export const LocaleField = z
  .string()
  .max(35)
  .refine((value) => {
    try {
      return Intl.getCanonicalLocales(value).length === 1;
    } catch {
      return false;
    }
  }, "must be a BCP 47 language tag such as sv-SE")
  .openapi({ example: "sv-SE" });

export const EmailField = z.string().trim().max(254).pipe(z.email("must be an e-mail address")).openapi({ example: "info@example.org" });

export const SlugField = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "must be 2–63 lowercase letters, digits or dashes, starting with a letter or digit")
  .openapi({ example: "demo" });

export const NameField = z.string().trim().min(1, "must not be empty").max(200);

export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-11-21T08:00:00.000Z" });
