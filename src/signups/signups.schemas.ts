import { z } from "@hono/zod-openapi";
import { registrationStatuses } from "../../drizzle/events.ts";
import { signupPurposes } from "../../drizzle/signups.ts";
import { Instant } from "../events/events.schemas.ts";
import { IdSchema } from "../http/openapi.ts";
import { EmailField, LocaleField, NameField } from "../lib/fields.ts";

const SignupConsents = z
  .object({
    newsletters: z.boolean(),
    meetingSummons: z.boolean(),
    campaignNews: z.boolean(),
  })
  .partial()
  .strict()
  .openapi("SignupConsents", {
    description:
      "The mail the person asks for; `true` asks for a category, nothing is ever withdrawn here. A newsletter sign-up always asks " +
      "for `newsletters`. Stored only once the sign-up is confirmed.",
  });

export const SignupCreate = z
  .object({
    email: EmailField,
    name: NameField.optional(),
    preferredLanguage: LocaleField.optional().openapi({
      description: "The language of the confirmation mail (Swedish or English); default: the organisation's locale.",
    }),
    purpose: z.enum(signupPurposes).openapi({ description: "newsletter: the newsletter; event: an event open to the public." }),
    eventId: IdSchema.optional().openapi({ description: "For `event`: a public event that takes registrations." }),
    occurrenceStart: Instant.optional().openapi({
      description: "For events registered per occurrence: the original start of the occurrence.",
    }),
    consents: SignupConsents.optional(),
    ref: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "The code of a group's recruitment link (`?ref=` of the link given out)." }),
    returnTo: z
      .string()
      .max(2000)
      .optional()
      .openapi({
        description:
          "Frontend URL the e-mailed link opens, with `?token=…` added, for a frontend that confirms with `POST …/signups/confirm`. " +
          "Must be https (http only on localhost), on this deployment's origin or one of GRASROT_CORS_ORIGINS. Default: the API's own " +
          "confirmation page.",
        example: "https://forum.example.org/confirm",
      }),
  })
  .strict()
  .openapi("SignupCreate");

export const SignupAccepted = z.object({ status: z.literal("accepted") }).openapi("SignupAccepted");

export const SignupConfirm = z
  .object({ token: z.string().min(1).max(200).openapi({ description: "The token of the e-mailed link." }) })
  .strict()
  .openapi("SignupConfirm");

export const SignupConfirmed = z
  .object({
    status: z.literal("confirmed"),
    purpose: z.enum(signupPurposes),
    eventId: z.string().nullable(),
    occurrenceStart: z.string().nullable(),
    registrationStatus: z
      .enum(registrationStatuses)
      .nullable()
      .openapi({ description: "For an event: the registration's status now (accepted, waitlisted, applied, …)." }),
    confirmedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("SignupConfirmed");

export type SignupInput = z.infer<typeof SignupCreate>;
export type SignupConsentsInput = z.infer<typeof SignupConsents>;
