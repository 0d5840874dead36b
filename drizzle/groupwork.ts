import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { campaigns, events } from "./events.ts";
import { groups } from "./groups.ts";
import { members } from "./members.ts";
import { organisations } from "./platform.ts";

/** What local groups achieve: actions they take part in, money they raise and are granted, members they recruit. */

export const actionKinds = ["urgent_action", "petition", "letter"] as const;

/** An action of a campaign (an urgent action, a petition, a letter to a minister): whom it presses, and when. */
export const campaignActions = sqliteTable(
  "campaign_actions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    campaignId: text("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: actionKinds }).notNull(),
    title: text("title").notNull(),
    /** Who is pressed: a minister, an embassy, a company. */
    target: text("target").notNull(),
    description: text("description"),
    /** Local dates, both inclusive. */
    startsOn: text("starts_on").notNull(),
    endsOn: text("ends_on").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("campaign_actions_campaign_idx").on(t.campaignId, t.startsOn, t.id)],
);

export const actionReportKinds = ["letters", "signatures", "politician_meeting", "street_activity"] as const;

/**
 * What a group did for an action on a day: letters written, signatures collected, a meeting
 * with a politician, a street activity with its estimated reach. A member's own letters are
 * reports of their group with the member kept. Never changed once made.
 */
export const actionReports = sqliteTable(
  "action_reports",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    actionId: text("action_id")
      .notNull()
      .references(() => campaignActions.id, { onDelete: "cascade" }),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    /** Set when a member reported their own letters. */
    memberId: text("member_id").references(() => members.id, { onDelete: "set null" }),
    kind: text("kind", { enum: actionReportKinds }).notNull(),
    /** Letters, signatures, meetings or activities. */
    quantity: integer("quantity").notNull(),
    /** People reached, as estimated by the group. */
    reach: integer("reach").notNull().default(0),
    doneOn: text("done_on").notNull(),
    note: text("note"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("action_reports_action_idx").on(t.actionId, t.groupId),
    index("action_reports_group_idx").on(t.groupId, t.doneOn, t.id),
    index("action_reports_org_day_idx").on(t.orgId, t.doneOn),
  ],
);

export const grantStatuses = ["applied", "granted", "declined", "paid"] as const;

/** A group's application to the section for a grant, decided and paid by staff. Amounts in minor units. */
export const grantApplications = sqliteTable(
  "grant_applications",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    purpose: text("purpose").notNull(),
    status: text("status", { enum: grantStatuses }).notNull(),
    appliedOn: text("applied_on").notNull(),
    decidedOn: text("decided_on"),
    paidOn: text("paid_on"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("grant_applications_group_idx").on(t.groupId, t.appliedOn, t.id),
    index("grant_applications_org_idx").on(t.orgId, t.status),
  ],
);

export const moneyEntryKinds = ["income", "expense"] as const;
export const incomeSources = ["street_collection", "event", "online", "other"] as const;

/** A group's fundraising income or a reported expense, in minor units of its own currency. Never changed once made. */
export const groupMoneyEntries = sqliteTable(
  "group_money_entries",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: moneyEntryKinds }).notNull(),
    onDay: text("on_day").notNull(),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    /** Income only: where the money came from. */
    source: text("source", { enum: incomeSources }),
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
    description: text("description"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("group_money_entries_group_idx").on(t.groupId, t.kind, t.onDay, t.id),
    index("group_money_entries_org_idx").on(t.orgId, t.onDay),
  ],
);

export const recruitmentSources = ["staff", "signup_form", "recruitment_link"] as const;

/** Which group (and event or campaign) recruited a member: one attribution per member. */
export const recruitments = sqliteTable(
  "recruitments",
  {
    memberId: text("member_id")
      .primaryKey()
      .references(() => members.id, { onDelete: "cascade" }),
    orgId: text("org_id").notNull(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    eventId: text("event_id").references(() => events.id, { onDelete: "set null" }),
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
    source: text("source", { enum: recruitmentSources }).notNull(),
    /** The sign-up form's or link's own reference, as the frontend sent it. */
    reference: text("reference"),
    recruitedOn: text("recruited_on").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("recruitments_group_idx").on(t.groupId, t.recruitedOn)],
);
