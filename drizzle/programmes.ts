import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { campaigns, events } from "./events.ts";
import { groups } from "./groups.ts";
import { organisations } from "./platform.ts";

/**
 * Programme areas (what a forum's work is organised by), the external organisations it works
 * with, and the links that tie events, campaigns and groups to both. Links are plain rows with
 * cascades on both sides, so deleting an event, a campaign, a group, an area or a partner takes
 * its links with it and nothing else.
 */

export const programmeAreas = sqliteTable(
  "programme_areas",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    /** The area's period as local dates (YYYY-MM-DD), both inclusive; null: open. */
    startsOn: text("starts_on"),
    endsOn: text("ends_on"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("programme_areas_org_name_idx").on(t.orgId, t.name, t.id)],
);

export const partnerKinds = ["party", "movement", "ngo", "network", "authority", "funder", "other"] as const;
export const partnerRelationKinds = ["partner", "network_membership", "funder"] as const;

export const partners = sqliteTable(
  "partners",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind", { enum: partnerKinds }).notNull(),
    /** ISO 3166-1 alpha-2. */
    country: text("country"),
    website: text("website"),
    notes: text("notes"),
    /** JSON array of { kind, from, to }: partner, a network we are a member of, a funder; dates inclusive, null open. */
    relations: text("relations").notNull().default("[]"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("partners_org_name_idx").on(t.orgId, t.name, t.id)],
);

/** The programme areas a partner works in. */
export const partnerProgrammeAreas = sqliteTable(
  "partner_programme_areas",
  {
    partnerId: text("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
    programmeAreaId: text("programme_area_id")
      .notNull()
      .references(() => programmeAreas.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.programmeAreaId] }), index("partner_programme_areas_area_idx").on(t.programmeAreaId)],
);

export const eventProgrammeAreas = sqliteTable(
  "event_programme_areas",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    programmeAreaId: text("programme_area_id")
      .notNull()
      .references(() => programmeAreas.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.programmeAreaId] }), index("event_programme_areas_area_idx").on(t.programmeAreaId)],
);

export const campaignProgrammeAreas = sqliteTable(
  "campaign_programme_areas",
  {
    campaignId: text("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    programmeAreaId: text("programme_area_id")
      .notNull()
      .references(() => programmeAreas.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.programmeAreaId] }), index("campaign_programme_areas_area_idx").on(t.programmeAreaId)],
);

export const groupProgrammeAreas = sqliteTable(
  "group_programme_areas",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    programmeAreaId: text("programme_area_id")
      .notNull()
      .references(() => programmeAreas.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.programmeAreaId] }), index("group_programme_areas_area_idx").on(t.programmeAreaId)],
);

/** Co-organising partners of an event. */
export const eventPartners = sqliteTable(
  "event_partners",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    partnerId: text("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.partnerId] }), index("event_partners_partner_idx").on(t.partnerId)],
);

/** Co-organising partners of a campaign. */
export const campaignPartners = sqliteTable(
  "campaign_partners",
  {
    campaignId: text("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    partnerId: text("partner_id")
      .notNull()
      .references(() => partners.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.partnerId] }), index("campaign_partners_partner_idx").on(t.partnerId)],
);

/** How an organisation's participation report is cut: its age bands and the smallest count it shows. */
export const participationSettings = sqliteTable("participation_settings", {
  orgId: text("org_id")
    .primaryKey()
    .references(() => organisations.id, { onDelete: "cascade" }),
  /** JSON array of ascending ages where a band begins: [30] is "under 30" and "30 and over". */
  ageLimits: text("age_limits").notNull(),
  /** Counts below this are suppressed, so no cell points at fewer people. */
  minimumCount: integer("minimum_count").notNull(),
  version: integer("version").notNull().default(1),
  updatedAt: text("updated_at").notNull(),
});
