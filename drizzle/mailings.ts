import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { members } from "./members.ts";
import { organisations } from "./platform.ts";

/**
 * Consent categories. The first three follow the member's consent flags and carry an
 * unsubscribe link; `statutory` (member-meeting notices, election calls, the conveners'
 * instructions) and `transactional` (sign-in codes, confirmations, renewal reminders)
 * ignore consent, as a member cannot opt out of them while a member.
 */
export const mailCategories = ["newsletters", "meeting_summons", "campaign_news", "statutory", "transactional"] as const;
export const mailingStatuses = ["draft", "scheduled", "sending", "sent", "cancelled"] as const;
export const audienceTypes = ["all_members", "group", "conveners", "area", "event_registrants", "member_list", "subscribers"] as const;
export const mailingKinds = [
  "manual",
  "monthly_group",
  "meeting_summons",
  "member_meeting_notice",
  "event_reminder",
  "training_announcement",
  "election_call",
  "renewal_reminder",
] as const;

export const mailings = sqliteTable(
  "mailings",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: mailingKinds }).notNull(),
    /**
     * What made this mailing, for automatic mailings and occurrences of a recurring one
     * (`summons:<event>:<start>`, `series:<id>:<occurrence>`). Unique per organisation,
     * so a planner that runs twice creates it once.
     */
    sourceKey: text("source_key"),
    /** The recurring mailing this one is an occurrence of. */
    seriesId: text("series_id"),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    category: text("category", { enum: mailCategories }).notNull(),
    audienceType: text("audience_type", { enum: audienceTypes }).notNull(),
    /** The group, area or event of the audience; null for all members and conveners. */
    audienceRef: text("audience_ref"),
    /** JSON object of extra template variables fixed when the mailing was made (event details, instructions). */
    variables: text("variables").notNull().default("{}"),
    /**
     * JSON object of the mailing in other languages, by language (`{"en": {"subject", "text", "html", "variables"}}`):
     * each recipient gets the variant of their preferred language, else the mailing as written above.
     */
    variants: text("variants").notNull().default("{}"),
    sendAt: text("send_at"),
    /** Cron expression in the organisation's time zone; a mailing with one is a series that never sends itself. */
    recurrence: text("recurrence"),
    nextOccurrenceAt: text("next_occurrence_at"),
    status: text("status", { enum: mailingStatuses }).notNull(),
    /** Set when recipients were written as deliveries: after that, the audience is fixed. */
    materialisedAt: text("materialised_at"),
    completedAt: text("completed_at"),
    createdBy: text("created_by"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("mailings_org_source_unique").on(t.orgId, t.sourceKey),
    index("mailings_org_idx").on(t.orgId, t.id),
    index("mailings_status_send_idx").on(t.status, t.sendAt),
    index("mailings_series_due_idx").on(t.nextOccurrenceAt),
  ],
);

export const deliveryStatuses = ["pending", "sending", "sent", "failed", "suppressed", "cancelled"] as const;

/**
 * One row per recipient of a mailing. The unique (mailing, member) pair is what makes
 * "nobody twice" hold across overlapping ticks; the lease is what makes "nobody skipped"
 * hold across dead ones.
 */
export const mailingDeliveries = sqliteTable(
  "mailing_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    mailingId: text("mailing_id")
      .notNull()
      .references(() => mailings.id, { onDelete: "cascade" }),
    orgId: text("org_id").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    /** The group the member is addressed as part of (their group, the group they convene), for {{group.name}}. */
    groupId: text("group_id"),
    status: text("status", { enum: deliveryStatuses }).notNull(),
    /** Why a row is suppressed or failed, or the last temporary error. */
    reason: text("reason"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    leaseUntil: text("lease_until"),
    claimedBy: text("claimed_by"),
    email: text("email"),
    messageId: text("message_id"),
    sentAt: text("sent_at"),
  },
  (t) => [
    uniqueIndex("mailing_deliveries_unique").on(t.mailingId, t.memberId),
    index("mailing_deliveries_work_idx").on(t.mailingId, t.status, t.id),
  ],
);

export const monthlyRecipients = ["conveners", "members"] as const;

/** Per-organisation settings of the automatic mailings: when they go out and what they say. */
export const mailingAutomations = sqliteTable(
  "mailing_automations",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: mailingKinds }).notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
    /** Cron expression in the organisation's time zone: when the planner for this kind runs. */
    schedule: text("schedule").notNull(),
    /** Days before the event, meeting or expiry. */
    leadDays: integer("lead_days").notNull(),
    /** Renewal reminders: days into the grace period for the second reminder; null for none. */
    graceDays: integer("grace_days"),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    /** JSON object of the organisation's own templates by language (`{"sv": {"subject", "text", "html"}}`); other languages use the catalogue's. */
    templates: text("templates").notNull().default("{}"),
    /** The monthly group mailing: the staff-written instructions of the month. */
    instructions: text("instructions"),
    /** The monthly group mailing: each group's conveners (contact persons when it has none), or all its members. */
    recipients: text("recipients", { enum: monthlyRecipients }).notNull().default("conveners"),
    nextRunAt: text("next_run_at"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.kind] }), index("mailing_automations_due_idx").on(t.enabled, t.nextRunAt)],
);

/** Keys of things already mailed about per member (a renewal reminder per period and stage), unique per organisation. */
export const mailingTriggers = sqliteTable(
  "mailing_triggers",
  {
    orgId: text("org_id").notNull(),
    key: text("key").notNull(),
    mailingId: text("mailing_id")
      .notNull()
      .references(() => mailings.id, { onDelete: "cascade" }),
    memberId: text("member_id"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key] }), index("mailing_triggers_mailing_member_idx").on(t.mailingId, t.memberId)],
);

export const unreachedReasons = ["no_recipients", "no_address"] as const;

/**
 * The delivery report of an automatic run: the groups it could not reach (no convener,
 * contact person or member in good standing, or none of them with an address to mail),
 * so a group left without mail is listed rather than silently skipped.
 */
export const mailingUnreachedGroups = sqliteTable(
  "mailing_unreached_groups",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: mailingKinds }).notNull(),
    /** The run's scheduled instant (UTC ISO): one report per run. */
    runAt: text("run_at").notNull(),
    groupId: text("group_id").notNull(),
    reason: text("reason", { enum: unreachedReasons }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.kind, t.runAt, t.groupId] })],
);

export const suppressionReasons = ["hard_bounce", "complaint", "manual", "smtp_permanent", "provider_inactive"] as const;

/** Addresses not to mail: bounces, complaints, staff decisions. Per organisation, lower-cased. */
export const mailSuppressions = sqliteTable(
  "mail_suppressions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    emailKey: text("email_key").notNull(),
    reason: text("reason", { enum: suppressionReasons }).notNull(),
    detail: text("detail"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("mail_suppressions_org_email_unique").on(t.orgId, t.emailKey), index("mail_suppressions_org_idx").on(t.orgId, t.id)],
);

/** Proof of each unsubscribe (the consent flag on the member is what sending obeys). */
export const mailUnsubscribes = sqliteTable(
  "mail_unsubscribes",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    category: text("category", { enum: mailCategories }).notNull(),
    deliveryId: integer("delivery_id"),
    via: text("via", { enum: ["one_click", "page"] }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("mail_unsubscribes_member_idx").on(t.memberId)],
);

/** The local transport: every message as it would have left, headers and bodies, readable through the API. */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    /** Null for messages sent outside any organisation's context. */
    orgId: text("org_id"),
    to: text("to").notNull(),
    from: text("from").notNull(),
    subject: text("subject").notNull(),
    messageId: text("message_id").notNull(),
    /** JSON object of every header of the message. */
    headers: text("headers").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    /** The whole message (RFC 5322, MIME), as an .eml file would hold it. */
    raw: text("raw").notNull(),
    /**
     * JSON array of values in the message that only its recipient may read (a sign-in code):
     * the outbox shows them to no one but an admin. Null: nothing to hide.
     */
    secrets: text("secrets"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("mail_outbox_org_idx").on(t.orgId, t.id)],
);
