import { z } from "@hono/zod-openapi";
import { mailCategories, monthlyRecipients, unreachedReasons } from "../../drizzle/mailings.ts";
import type { Language } from "../i18n/index.ts";
import { Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { type AutomationKind, automationKinds } from "./automation-templates.ts";

/** The variables templates may use, documented once for the API reference. */
const variablesDoc =
  "Templates use `{{variable}}`. Every kind: `member.name`, `member.firstName`, `member.email`, `member.number`, `org.name`, `group.name`, `unsubscribeUrl`. " +
  "Events (meeting_summons, member_meeting_notice, event_reminder, training_announcement): `event.title`, `event.location`, `event.timeZone`, " +
  "`event.startsAt` (the raw instant, ISO 8601 UTC), and beside it, written in the event's time zone and the reader's language: `event.date` " +
  '("tisdag 8 december 2026"), `event.time` ("18:30"), `event.dateTime` ("tisdag 8 december 2026 kl. 18:30"); `event.url`. ' +
  "election_call: `election.title`, `election.phase` (in the reader's language), `election.opensAt` and `election.closesAt` (raw instants), " +
  "`election.opensAtLocal` and `election.closesAtLocal` (in the organisation's time zone and the reader's language), `election.url`. " +
  "renewal_reminder: `membership.endsOn` and `membership.graceUntil` (YYYY-MM-DD), `membership.endsOnLocal` and `membership.graceUntilLocal` " +
  '("15 december 2026"), `membership.stage`. monthly_group: `month`, `lastMonth`, `instructions`, `campaigns`, `actions`, `events`, `figures`, ' +
  "`figures.letters`, `figures.signatures`, `figures.raised`, `figures.recruited`. Links (`event.url`, `election.url`) follow the organisation's " +
  "`frontendUrls`; without a pattern they point to the resource in this API, so they are never empty.";

const TemplatePublic = z.object({
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  custom: z.boolean().openapi({ description: "True: the organisation's own; false: the built-in template." }),
});

const TemplateUpdate = z
  .object({
    subject: z.string().min(1).max(300),
    text: multiline(z.string().min(1).max(100_000)),
    html: multiline(z.string().min(1).max(200_000)).nullable(),
  })
  .partial()
  .strict();

export const Kind = z.enum(automationKinds as [AutomationKind, ...AutomationKind[]]);

export const AutomationPublic = z
  .object({
    kind: Kind,
    configured: z.boolean().openapi({ description: "False: the defaults shown are not stored yet, and the automation is off." }),
    enabled: z.boolean(),
    schedule: z.string().openapi({
      description:
        "Cron expression in the organisation's time zone: when the planner runs (election_call: triggered by elections instead).",
    }),
    leadDays: z.number().int().openapi({
      description:
        "Days ahead: of the meeting or event (summons, notices, reminders, trainings), of the expiry (renewals), of the events listed (monthly).",
    }),
    graceDays: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Renewal reminders: days into the grace period for the second reminder; null for none." }),
    category: z.enum(mailCategories),
    subject: z
      .string()
      .openapi({ description: "The template in the organisation's language (its `locale`): `templates` of that language." }),
    text: z.string(),
    html: z.string().nullable(),
    templates: z.object({ sv: TemplatePublic, en: TemplatePublic } satisfies Record<Language, unknown>).openapi({
      description:
        "The template of each language Grasrot writes in. Each recipient gets the one of their `preferredLanguage`, else the organisation's `locale`'s, else English. " +
        "`custom: false`: the built-in template of that language, which follows Grasrot's catalogue. " +
        variablesDoc,
    }),
    instructions: z
      .string()
      .nullable()
      .openapi({ description: "The monthly group mailing: the staff-written instructions of the month ({{instructions}})." }),
    recipients: z.enum(monthlyRecipients).openapi({
      description:
        "The monthly group mailing: whom each active group's mailing goes to. `conveners` (the default): its conveners in good standing, " +
        "or its contact persons when none of them can be mailed; `members`: everyone in good standing who belongs to the group. " +
        "Other kinds ignore it.",
    }),
    nextRunAt: Timestamp.nullable(),
    version: z
      .number()
      .int()
      .openapi({ description: "The ETag; 0 while the defaults are not stored yet. The planner's runs do not change it." }),
    updatedAt: Timestamp.nullable(),
  })
  .openapi("MailingAutomation");

export const AutomationUpdate = z
  .object({
    enabled: z.boolean(),
    schedule: z.string().max(100),
    leadDays: z.number().int().min(0).max(366),
    graceDays: z.number().int().min(1).max(366).nullable(),
    subject: z
      .string()
      .min(1)
      .max(300)
      .openapi({ description: "The template of the organisation's own language; `templates` sets any language's." }),
    text: multiline(z.string().min(1).max(100_000)),
    html: multiline(z.string().min(1).max(200_000)).nullable(),
    templates: z
      .object({ sv: TemplateUpdate.nullable(), en: TemplateUpdate.nullable() } satisfies Record<Language, unknown>)
      .partial()
      .strict()
      .openapi({
        description:
          "The organisation's own template per language: fields left out keep the current template of that language; `null` returns the language to the built-in template. " +
          variablesDoc,
        example: { sv: { subject: "Kallelse: {{event.title}}, {{event.date}}" } },
      }),
    instructions: multiline(z.string().max(100_000)).nullable(),
    recipients: z.enum(monthlyRecipients),
  })
  .partial()
  .strict()
  .openapi("MailingAutomationUpdate");

export const MonthlyReportSchema = z
  .object({
    runAt: Timestamp.nullable().openapi({ description: "The run reported on; null when the mailing has never run." }),
    mailings: z.number().int().openapi({ description: "Mailings the run made (one per group and set of events listed)." }),
    groupsReached: z.number().int().openapi({ description: "Groups with at least one recipient to be mailed." }),
    unreached: z.array(z.object({ groupId: z.string(), name: z.string(), reason: z.enum(unreachedReasons) })).openapi({
      description:
        "Active groups the run could not reach. no_recipients: no convener or contact person (or, with `recipients: members`, no member) in good standing; " +
        "no_address: none of them can be mailed (no address, or a suppressed one).",
    }),
  })
  .openapi("MonthlyGroupReport");
