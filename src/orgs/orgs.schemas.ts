import { z } from "@hono/zod-openapi";
import { ApiKeyCreated } from "../keys/keys.schemas.ts";
import { EmailField, LocaleField, NameField, SlugField, Timestamp, TimeZoneField } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { FrontendUrlsField } from "./frontend-urls.ts";

const Contact = z.object({
  email: EmailField.nullable(),
  phone: z.string().trim().max(40).nullable(),
  address: multiline(z.string().trim().max(500)).nullable(),
  website: z.url().max(500).nullable(),
});

/** What a person created without consents consents to, per mailing category. */
export const ConsentDefaults = z
  .object({
    newsletters: z.boolean(),
    meetingSummons: z.boolean(),
    campaignNews: z.boolean(),
  })
  .openapi("ConsentDefaults", {
    description:
      "The consent each mailing category starts with for a person (member or contact) created through the API or a CSV import without that consent given. " +
      "A new organisation starts opting in: `newsletters` and `campaignNews` false, `meetingSummons` true (members are summoned to their meetings). " +
      "Organisations that existed before this setting keep consent to all three.",
  });

export const OrganisationPublic = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    timeZone: z.string(),
    locale: z.string().openapi({
      description:
        "The organisation's language and conventions (BCP 47): mail to members without a preferred language Grasrot speaks is in its language.",
    }),
    contact: Contact,
    consentDefaults: ConsentDefaults,
    frontendUrls: FrontendUrlsField,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Organisation");

export const OrganisationUpdate = z
  .object({
    name: NameField,
    timeZone: TimeZoneField,
    locale: LocaleField,
    contact: Contact.partial(),
    consentDefaults: ConsentDefaults.partial().strict(),
    frontendUrls: FrontendUrlsField,
  })
  .partial()
  .strict()
  .openapi("OrganisationUpdate");

export const OrganisationCreate = z
  .object({
    slug: SlugField,
    name: NameField,
    timeZone: TimeZoneField.default("UTC"),
    locale: LocaleField.default("en"),
    contact: Contact.partial().optional(),
    consentDefaults: ConsentDefaults.partial().strict().optional(),
    frontendUrls: FrontendUrlsField.optional(),
    adminKeyName: NameField.default("Initial admin key").openapi({
      description: "Name of the admin API key created with the organisation.",
    }),
  })
  .strict()
  .openapi("OrganisationCreate");

export const OrganisationCreated = z.object({ organisation: OrganisationPublic, adminKey: ApiKeyCreated }).openapi("OrganisationCreated");

export type OrganisationCreateInput = z.infer<typeof OrganisationCreate>;
export type OrganisationUpdateInput = z.infer<typeof OrganisationUpdate>;
