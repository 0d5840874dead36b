import { z } from "@hono/zod-openapi";
import { mailCategories, mailingKinds, mailingStatuses } from "../../drizzle/mailings.ts";
import { IdSchema } from "../http/openapi.ts";
import { Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";

const Category = z.enum(mailCategories).openapi({
  description:
    "newsletters, meeting_summons and campaign_news follow the member's consent and carry an unsubscribe link; statutory and transactional go to everyone in the audience.",
});

export const AudienceSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("all_members") }).strict(),
    z.object({ type: z.literal("group"), groupId: IdSchema }).strict(),
    z.object({ type: z.literal("conveners") }).strict(),
    z.object({ type: z.literal("area"), areaId: IdSchema }).strict(),
    z.object({ type: z.literal("event_registrants"), eventId: IdSchema }).strict(),
    z.object({ type: z.literal("subscribers") }).strict(),
  ])
  .openapi("MailingAudience", {
    description:
      "all_members: members current or in grace; group: its members (roster and, for a district group, everyone assigned to it); conveners: the conveners of every active group; area: members living in the area; event_registrants: accepted registrants; subscribers: every person, member or contact, who consents to newsletters and has an e-mail address.",
  });

/**
 * The audience as a mailing shows it: one of those a request may choose, or the fixed list of
 * members an automatic mailing (a renewal reminder, a member list) was planned for.
 */
export const AudienceShownSchema = z
  .discriminatedUnion("type", [
    ...AudienceSchema.options,
    z
      .object({ type: z.literal("member_list") })
      .strict()
      .openapi({ description: "member_list: the members an automatic mailing was planned for, fixed when it was made." }),
  ])
  .openapi("MailingAudienceShown", {
    description:
      "The audience a mailing was made for: as in MailingAudience, or member_list for automatic mailings planned member by member.",
  });

export type AudienceShown = z.infer<typeof AudienceShownSchema>;

const Template = (max: number) => z.string().min(1, "must not be empty").max(max);
/** Mail bodies are multi-line; the subject, a header, is one line. */
const BodyTemplate = (max: number) => multiline(Template(max));

const Variants = z
  .record(
    z.string().regex(/^[a-z]{2,3}$/, "must be a language code such as sv or en"),
    z.object({ subject: Template(300), text: BodyTemplate(100_000), html: BodyTemplate(200_000).nullable().optional() }).strict(),
  )
  .refine((variants) => Object.keys(variants).length <= 20, "at most 20 languages")
  .openapi({
    description:
      "The mailing in other languages, by language code (the first part of a BCP 47 tag: `sv`, `en`). Each recipient gets the variant of their " +
      "`preferredLanguage`, else that of the organisation's `locale`, else `subject`/`text`/`html` as written. Variables are those of the mailing.",
    example: { en: { subject: "{{org.name}}: autumn campaign", text: "Hello {{member.firstName}},\n\n…" } },
  });

export const MailingCreate = z
  .object({
    subject: Template(300).openapi({ example: "{{org.name}}: autumn campaign" }),
    text: BodyTemplate(100_000).openapi({ example: "Hello {{member.firstName}},\n\n…\n\nUnsubscribe: {{unsubscribeUrl}}" }),
    html: BodyTemplate(200_000).optional(),
    variants: Variants.optional(),
    category: Category,
    audience: AudienceSchema,
    sendAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "When to send. Without it (and without recurrence) the mailing is a draft." }),
    recurrence: z.string().max(100).optional().openapi({
      description: "Cron expression in the organisation's time zone; each occurrence is sent as its own mailing.",
      example: "0 7 1 * *",
    }),
  })
  .strict()
  .openapi("MailingCreate");

export const MailingUpdate = MailingCreate.partial()
  .extend({
    sendAt: z.iso.datetime({ offset: true }).nullable().optional(),
    recurrence: z.string().max(100).nullable().optional(),
    status: z
      .enum(["draft", "scheduled"])
      .optional()
      .openapi({ description: "Move a draft to scheduled (it needs sendAt or recurrence), or back." }),
  })
  .strict()
  .openapi("MailingUpdate");

export const Progress = z
  .object({
    total: z.number().int(),
    pending: z.number().int(),
    sending: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    suppressed: z.number().int(),
    cancelled: z.number().int(),
  })
  .openapi("MailingProgress");

const About = z
  .object({
    type: z.enum(["event", "group", "election", "month"]),
    id: z.string().nullable().openapi({ description: "The event, group or election; null for a month." }),
    occurrenceStart: Timestamp.nullable().openapi({ description: "The occurrence of a recurring event it is about (its original start)." }),
    month: z
      .string()
      .nullable()
      .openapi({ description: "The monthly group mailing: its month (YYYY-MM, local to the organisation).", example: "2026-12" }),
    href: z.string().nullable().openapi({ description: "The API path of what it is about.", example: "/v1/orgs/demo/events/…" }),
  })
  .openapi("MailingAbout");

export const MailingPublic = z
  .object({
    id: z.string(),
    kind: z.enum(mailingKinds),
    subject: z.string().openapi({ description: "The subject template, as written." }),
    resolvedSubject: z.string().openapi({
      description:
        "The subject with what the mailing itself knows filled in (an automatic mailing's event title, month and group, the organisation's name); " +
        "variables that differ per recipient, such as {{member.firstName}}, stay as written.",
      example: "Summons: Annual meeting, Tuesday 27 April 2027",
    }),
    about: About.nullable().openapi({ description: "What the mailing is about; null for a mailing to all members or an area." }),
    text: z.string(),
    html: z.string().nullable(),
    variants: z
      .record(z.string(), z.object({ subject: z.string(), text: z.string(), html: z.string().nullable() }))
      .openapi({ description: "The mailing in other languages, by language code; empty for a mailing in one language." }),
    category: Category,
    audience: AudienceShownSchema,
    sendAt: Timestamp.nullable(),
    recurrence: z.string().nullable(),
    nextOccurrenceAt: Timestamp.nullable(),
    seriesId: z.string().nullable(),
    status: z.enum(mailingStatuses),
    // A union with null rather than .nullable(), which would make the MailingProgress component itself nullable.
    progress: z
      .union([Progress, z.null()])
      .openapi({ description: "Counts per delivery status; null in lists and before recipients are fixed." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    completedAt: Timestamp.nullable(),
  })
  .openapi("Mailing");

export const MailingListQuery = z.object({
  status: z.enum(mailingStatuses).optional(),
  kind: z.enum(mailingKinds).optional(),
});

export const DeliveryPublic = z
  .object({
    id: z.number().int(),
    memberId: z.string(),
    email: z.string().nullable(),
    status: z.enum(["pending", "sending", "sent", "failed", "suppressed", "cancelled"]),
    reason: z.string().nullable(),
    attempts: z.number().int(),
    nextAttemptAt: Timestamp.nullable(),
    messageId: z.string().nullable(),
    sentAt: Timestamp.nullable(),
  })
  .openapi("MailingDelivery");

export const DeliveryQuery = z.object({
  status: z.enum(["pending", "sending", "sent", "failed", "suppressed", "cancelled"]).optional(),
});

export const Preview = z
  .object({
    recipients: z.number().int().openapi({ description: "Members who would be mailed if it were sent now." }),
    audienceSize: z
      .number()
      .int()
      .openapi({ description: "Members of the audience, including those left out for consent, a suppressed address or none." }),
    sample: z
      .object({
        to: z.string(),
        subject: z.string(),
        text: z.string(),
        html: z.string().nullable(),
        headers: z.record(z.string(), z.string()),
      })
      .nullable(),
  })
  .openapi("MailingPreview");

export type MailingCreateInput = z.infer<typeof MailingCreate>;
export type MailingUpdateInput = z.infer<typeof MailingUpdate>;
export type AudienceInput = z.infer<typeof AudienceSchema>;
