import { z } from "@hono/zod-openapi";
import { IdSchema, OrgIdParams } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { QueryBoolean } from "../http/query-fields.ts";
import { isRealDay } from "../lib/dates.ts";
import { EmailField, LocaleField, NameField, Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { memberStatuses } from "./status.ts";
import { Money } from "./types.schemas.ts";

/** Field validators of members; the CSV import validates its cells with the same ones. */

export const DayField = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine(isRealDay, "must be a real date")
  .openapi({ format: "date", example: "2026-01-01" });

/** When a fee was paid: a date-time (stored in UTC) or just the day, as bank statements give it. */
export const PaidAtField = z
  .string()
  .trim()
  .max(40)
  .transform((value, ctx) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      if (isRealDay(value)) return value;
    } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && isRealDay(value.slice(0, 10))) {
      const instant = new Date(value);
      if (!Number.isNaN(instant.getTime())) return instant.toISOString();
    }
    ctx.addIssue({ code: "custom", message: "must be a date (YYYY-MM-DD) or an ISO 8601 date-time with an offset" });
    return z.NEVER;
  })
  .openapi({ type: "string", example: "2026-11-21T08:00:00.000Z", description: "A date-time (normalised to UTC) or a date." });

export const MemberNumberField = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/, "must be 1–32 letters, digits, '.', '_', '/' or '-', starting with a letter or digit")
  .refine((value) => !/^\d{13,}$/.test(value), "a purely numeric member number has at most 12 digits")
  .refine((value) => !value.toLowerCase().startsWith("erased-"), "numbers starting with 'erased-' mark erased members")
  .openapi({ example: "1042" });

export const PhoneField = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()./-]{3,40}$/, "must be a phone number: digits, spaces and + ( ) . / -")
  .openapi({ example: "+46 70 123 45 67" });

export const PostalCodeField = z.string().trim().min(1, "must not be empty").max(20).openapi({ example: "114 55" });
/** A street address may take more than one line (c/o, flat, building). */
export const StreetField = multiline(z.string().trim().min(1, "must not be empty").max(200));
export const CityField = z.string().trim().min(1, "must not be empty").max(100);
export const CountryField = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code such as SE"))
  .openapi({ type: "string", example: "SE" });
export const PaymentReferenceField = z.string().trim().min(1, "must not be empty").max(200);

export const genders = ["woman", "man", "other"] as const;
export const personSources = ["staff", "import", "signup", "event"] as const;

export const GenderField = z.enum(genders).openapi({ description: "For statistics only." });

/** A plausible year of birth: none in the future, none before 1900. */
export const BirthYearField = z
  .number()
  .int("must be a whole year")
  .min(1900, "must be 1900 or later")
  .refine((year) => year <= new Date().getUTCFullYear(), "must not be in the future")
  .openapi({ example: 1994 });

export const Consents = z
  .object({
    newsletters: z.boolean(),
    meetingSummons: z.boolean(),
    campaignNews: z.boolean(),
  })
  .openapi("MemberConsents");

/** The personal fields a member may change themselves; staff may also change the member number. */
const ownFields = {
  name: NameField,
  email: EmailField.nullable(),
  phone: PhoneField.nullable(),
  street: StreetField.nullable(),
  postalCode: PostalCodeField.nullable(),
  city: CityField.nullable(),
  country: CountryField.nullable(),
  preferredLanguage: LocaleField.nullable(),
  consents: Consents.partial().strict(),
};

export const MemberCreate = z
  .object({
    ...ownFields,
    memberNumber: MemberNumberField.optional().openapi({ description: "Unique in the organisation; the next free number when absent." }),
  })
  .partial()
  .required({ name: true })
  .strict()
  .openapi("MemberCreate");

export const MemberUpdate = z
  .object({ ...ownFields, memberNumber: MemberNumberField })
  .partial()
  .strict()
  .openapi("MemberUpdate", { description: "Fields left out stay as they are; null clears an optional field." });

export const OwnProfileUpdate = z
  .object({ ...ownFields, gender: GenderField.nullable(), birthYear: BirthYearField.nullable() })
  .partial()
  .strict()
  .openapi("OwnProfileUpdate");

export const MembershipSummary = z
  .object({
    id: z.string(),
    typeId: z.string(),
    kind: z.enum(["active", "supporting"]),
    startsOn: z.string(),
    endsOn: z.string(),
    graceUntil: z.string(),
  })
  .openapi("MembershipSummary", { description: "The membership covering today, or else the most recent one." });

export const MemberPublic = z
  .object({
    view: z.literal("full"),
    id: z.string(),
    memberNumber: z
      .string()
      .nullable()
      .openapi({ description: "Null only for a person who is not a member (a contact), as their own `/me` shows them." }),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    street: z.string().nullable(),
    postalCode: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    preferredLanguage: z.string().nullable(),
    consents: Consents,
    status: z.enum(memberStatuses).openapi({ description: "On today's date in the organisation's time zone." }),
    // A union with null rather than .nullable(), which would make the MembershipSummary component itself nullable.
    membership: z.union([MembershipSummary, z.null()]),
    areaId: z.string().nullable().openapi({ description: "Area of the postal code; null when it lies in no area." }),
    districtGroupId: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Member");

/** The signed-in person's own record: the member record with whether they are a member and the statistics fields. */
export const OwnProfile = MemberPublic.extend({
  isMember: z.boolean().openapi({ description: "On the member register; false for a contact who signed in." }),
  gender: GenderField.nullable(),
  birthYear: z.number().int().nullable(),
}).openapi("OwnProfile");

/** What a group's convener sees of the group's members: how to reach them, nothing more. */
export const MemberContact = z
  .object({
    view: z.literal("contact"),
    id: z.string(),
    memberNumber: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  })
  .openapi("MemberContact");

export const MemberFilterQuery = z.object({
  status: z.enum(memberStatuses).optional().openapi({ description: "Status today in the organisation's time zone." }),
  typeId: IdSchema.optional().openapi({ description: "Type of the membership covering today, or else of the most recent one." }),
  areaId: IdSchema.optional(),
  districtGroupId: IdSchema.optional(),
  unassigned: QueryBoolean.optional().openapi({
    description: "true: members in no area (postal code missing or in no area), the list to resolve.",
  }),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: "Prefix of the name or the e-mail, case-insensitive." }),
  memberNumber: z.string().max(40).optional().openapi({ description: "Exact member number." }),
});

export const MemberListQuery = PageQuery.extend(MemberFilterQuery.shape);

export type MemberFilter = z.infer<typeof MemberFilterQuery>;
export type MemberCreateInput = z.infer<typeof MemberCreate>;
export type MemberUpdateInput = z.infer<typeof MemberUpdate>;

export const MembershipPublic = z
  .object({
    id: z.string(),
    memberId: z.string(),
    typeId: z.string(),
    kind: z.enum(["active", "supporting"]),
    startsOn: z.string().openapi({ format: "date" }),
    endsOn: z.string().openapi({ format: "date" }),
    graceUntil: z.string().openapi({ format: "date", description: "Last day of the grace period after endsOn." }),
    fee: Money,
    paidAt: z.string().nullable(),
    paymentReference: z.string().nullable(),
    createdAt: Timestamp,
  })
  .openapi("Membership");

export const MembershipCreate = z
  .object({
    typeId: IdSchema,
    startsOn: DayField.optional().openapi({
      description: "First day. Absent: a renewal, starting the day after the latest period ends (or today when the member has lapsed).",
    }),
    paidAt: PaidAtField.optional(),
    paymentReference: PaymentReferenceField.optional(),
  })
  .strict()
  .openapi("MembershipCreate");

export const MembershipPaymentUpdate = z
  .object({ paidAt: PaidAtField.nullable(), paymentReference: PaymentReferenceField.nullable() })
  .partial()
  .strict()
  .openapi("MembershipPaymentUpdate");

export const MembershipParams = OrgIdParams.extend({
  membershipId: IdSchema.openapi({ param: { name: "membershipId", in: "path" } }),
});

export const DistrictAssignmentPublic = z
  .object({
    id: z.string(),
    areaId: z.string().nullable(),
    districtGroupId: z.string().nullable(),
    postalCode: z.string().nullable(),
    from: Timestamp,
    to: Timestamp.nullable(),
    reason: z.enum(["created", "address_changed", "areas_changed", "import", "erased"]),
  })
  .openapi("DistrictAssignment");

/** What a person's export holds beside the person: the histories kept about them. */
export const PersonExportHistory = {
  memberships: z.array(MembershipPublic),
  districtHistory: z.array(DistrictAssignmentPublic),
  groupMemberships: z.array(
    z.object({
      groupId: z.string(),
      groupName: z.string().nullable(),
      role: z.string(),
      joinedOn: z.string(),
      leftOn: z.string().nullable(),
    }),
  ),
  signInCodes: z
    .array(z.object({ createdAt: Timestamp, expiresAt: Timestamp, usedAt: Timestamp.nullable() }))
    .openapi({ description: "When sign-in codes were sent and used; the codes themselves are never kept." }),
};

export const MemberExport = z
  .object({
    exportedAt: Timestamp,
    member: MemberPublic,
    statistics: z
      .object({ gender: GenderField.nullable(), birthYear: z.number().int().nullable(), source: z.enum(personSources) })
      .openapi({ description: "The fields kept for statistics, and how the person came." }),
    ...PersonExportHistory,
  })
  .openapi("MemberExport", { description: "Everything held about a member (GDPR article 15)." });

export const ImportResult = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    memberships: z.number().int().openapi({ description: "Memberships added." }),
    payments: z.number().int().openapi({ description: "Existing memberships whose payment date or reference was recorded." }),
    dryRun: z.boolean(),
  })
  .openapi("MemberImportResult");
