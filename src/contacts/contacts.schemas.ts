import { z } from "@hono/zod-openapi";
import { PageQuery } from "../http/pagination.ts";
import { QueryBoolean } from "../http/query-fields.ts";
import { EmailField, LocaleField, NameField, Timestamp } from "../lib/fields.ts";
import {
  BirthYearField,
  CityField,
  Consents,
  CountryField,
  GenderField,
  MemberNumberField,
  MembershipSummary,
  PersonExportHistory,
  PhoneField,
  PostalCodeField,
  personSources,
  StreetField,
} from "../members/members.schemas.ts";
import { memberStatuses } from "../members/status.ts";

/** Every person of an organisation, members and contacts, as the `contacts` resource shows them. */

const statisticsNote = "Present only for staff and admin keys and for the person themselves (`/me`); never in rosters or to other members.";

export const ContactPublic = z
  .object({
    id: z.string(),
    isMember: z.boolean().openapi({ description: "On the member register (enrolled): a member, whatever the status of the membership." }),
    memberNumber: z.string().nullable().openapi({ description: "Null for a contact who was never enrolled." }),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    street: z.string().nullable(),
    postalCode: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    preferredLanguage: z.string().nullable(),
    consents: Consents,
    status: z
      .enum(memberStatuses)
      .openapi({ description: "Membership status today in the organisation's time zone; `none` for contacts." }),
    membership: z.union([MembershipSummary, z.null()]),
    source: z.enum(personSources).openapi({ description: "How the person came to the organisation." }),
    partnerId: z.string().nullable().openapi({ description: "The partner organisation the person belongs to; set through the partners." }),
    gender: GenderField.nullable().optional().openapi({ description: statisticsNote }),
    birthYear: z.number().int().nullable().optional().openapi({ description: statisticsNote }),
    areaId: z.string().nullable(),
    districtGroupId: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Contact");

/** The fields of a person staff set; a contact's address places them in no district (only members are assigned). */
const contactFields = {
  name: NameField,
  email: EmailField.nullable(),
  phone: PhoneField.nullable(),
  street: StreetField.nullable(),
  postalCode: PostalCodeField.nullable(),
  city: CityField.nullable(),
  country: CountryField.nullable(),
  preferredLanguage: LocaleField.nullable(),
  gender: GenderField.nullable(),
  birthYear: BirthYearField.nullable(),
  consents: Consents.partial().strict(),
};

export const ContactCreate = z
  .object(contactFields)
  .partial()
  .required({ name: true })
  .extend({ source: z.enum(personSources).default("staff").openapi({ description: "How the person came; `staff` when absent." }) })
  .strict()
  .openapi("ContactCreate", {
    description: "A consent category left out takes the organisation's default (`consentDefaults` of the organisation).",
  });

export const ContactUpdate = z
  .object(contactFields)
  .partial()
  .strict()
  .openapi("ContactUpdate", { description: "Fields left out stay as they are; null clears an optional field." });

export const EnrolBody = z
  .object({
    memberNumber: MemberNumberField.optional().openapi({ description: "Unique in the organisation; the next free number when absent." }),
  })
  .strict()
  .openapi("ContactEnrolment");

export const ContactFilterQuery = z.object({
  member: QueryBoolean.optional().openapi({ description: "true: only members (enrolled); false: only contacts who are not." }),
  source: z.enum(personSources).optional(),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: "Prefix of the name or the e-mail, case-insensitive." }),
});

export const ContactListQuery = PageQuery.extend(ContactFilterQuery.shape);

export const ContactExport = z
  .object({ exportedAt: Timestamp, person: ContactPublic, ...PersonExportHistory })
  .openapi("ContactExport", { description: "Everything held about a person, member or contact (GDPR article 15)." });

export type ContactCreateInput = z.infer<typeof ContactCreate>;
export type ContactUpdateInput = z.infer<typeof ContactUpdate>;
export type ContactFilter = z.infer<typeof ContactFilterQuery>;
