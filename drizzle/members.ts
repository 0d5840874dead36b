import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organisations } from "./platform.ts";

/** Dates (YYYY-MM-DD) and instants (ISO 8601 UTC) are text; both sort correctly as text. */

export const membershipTypes = sqliteTable(
  "membership_types",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** active: takes part in group work and votes; supporting: pays the fee only. */
    kind: text("kind", { enum: ["active", "supporting"] }).notNull(),
    /** Fee in minor units (öre, cents) so money is never a float. */
    feeMinor: integer("fee_minor").notNull(),
    currency: text("currency").notNull(),
    periodType: text("period_type", { enum: ["calendar_year", "rolling"] }).notNull(),
    /** Length of a rolling period; null for calendar years. */
    periodMonths: integer("period_months"),
    graceDays: integer("grace_days").notNull(),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("membership_types_org_name_unique").on(t.orgId, t.name)],
);

export const members = sqliteTable(
  "members",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /**
     * On the member register: true for members (current, lapsed or never paid yet), false for
     * contacts who have never been enrolled. A contact keeps their id, history and consents
     * when they become a member; a member whose membership ends stays on the register.
     */
    enrolled: integer("enrolled", { mode: "boolean" }).notNull().default(true),
    /**
     * The member number. A contact who was never enrolled holds their own id here, never
     * shown: the column is NOT NULL, and SQLite cannot relax that without rebuilding a table
     * that a dozen others cascade from. Ids contain letters, so the numbering ignores them.
     */
    memberNumber: text("member_number").notNull(),
    /** Null once the member's personal data has been erased. */
    name: text("name"),
    email: text("email"),
    /** Lower-cased e-mail: uniqueness and search are case-insensitive. */
    emailKey: text("email_key"),
    /** Lower-cased name, for prefix search with an index. */
    nameKey: text("name_key"),
    phone: text("phone"),
    street: text("street"),
    postalCode: text("postal_code"),
    /** The postal code without spaces, upper-cased: what areas are matched on. */
    postalCodeKey: text("postal_code_key"),
    city: text("city"),
    country: text("country"),
    preferredLanguage: text("preferred_language"),
    /** For statistics only (funders' participation figures); shown to staff and the person alone. */
    gender: text("gender", { enum: ["woman", "man", "other"] }),
    birthYear: integer("birth_year"),
    /** How the person came to the organisation. */
    source: text("source", { enum: ["staff", "import", "signup", "event"] })
      .notNull()
      .default("staff"),
    /** The external organisation (partner) the person belongs to, if any. */
    partnerId: text("partner_id"),
    consentNewsletters: integer("consent_newsletters", { mode: "boolean" }).notNull().default(true),
    consentMeetingSummons: integer("consent_meeting_summons", { mode: "boolean" }).notNull().default(true),
    consentCampaignNews: integer("consent_campaign_news", { mode: "boolean" }).notNull().default(true),
    /** Derived from the postal code; kept in step on every address change. */
    areaId: text("area_id"),
    districtGroupId: text("district_group_id"),
    erasedAt: text("erased_at"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("members_org_number_unique").on(t.orgId, t.memberNumber),
    // The highest numeric member number, found without a scan when the next one is assigned.
    index("members_org_number_value_idx")
      .on(t.orgId, sql`CAST(${t.memberNumber} AS INTEGER)`)
      .where(sql`member_number GLOB '[0-9]*' AND member_number NOT GLOB '*[^0-9]*'`),
    uniqueIndex("members_org_email_unique").on(t.orgId, t.emailKey),
    // A search by e-mail prefix reads members_org_share_email_idx, an index on an expression written in its
    // migration (0019), as drizzle-kit cannot write one with commas in it; see nameEmailShare in src/members.
    index("members_org_name_idx").on(t.orgId, t.nameKey, t.id),
    // Members alone or contacts alone, by name: a page of a few contacts among many members reads only itself.
    index("members_org_enrolled_name_idx").on(t.orgId, t.enrolled, t.nameKey, t.id),
    index("members_org_area_idx").on(t.orgId, t.areaId),
    // With id last, a district group's members come in id order: a roster page reads only itself.
    index("members_org_district_idx").on(t.orgId, t.districtGroupId, t.id),
    index("members_org_postal_idx").on(t.orgId, t.postalCodeKey),
    // A partner organisation's contact persons, without walking the organisation's people.
    index("members_partner_idx").on(t.partnerId).where(sql`partner_id IS NOT NULL`),
    // Whether a person on a roster counts, without reading their row: a page of groups counts its
    // rosters here. Whole, not partial on the state: with a partial index whose condition named
    // `enrolled`, every list and search binding `enrolled = ?` ran a fifth to a half slower on the
    // same plan, as SQLite prepares anew a statement whose use of such an index hangs on a bound value.
    index("members_state_idx").on(t.id, t.enrolled, t.erasedAt),
  ],
);

/** One paid (or free) period of membership. Status on a day follows from these rows alone. */
export const memberships = sqliteTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    typeId: text("type_id")
      .notNull()
      .references(() => membershipTypes.id),
    /** Copied from the type when the period is created, so later type changes do not rewrite history. */
    kind: text("kind", { enum: ["active", "supporting"] }).notNull(),
    startsOn: text("starts_on").notNull(),
    endsOn: text("ends_on").notNull(),
    /** Last day of the grace period: endsOn + the type's grace days. */
    graceUntil: text("grace_until").notNull(),
    feeMinor: integer("fee_minor").notNull(),
    currency: text("currency").notNull(),
    paidAt: text("paid_at"),
    paymentReference: text("payment_reference"),
    /** Bumped on every change: the ETag, for If-Match. */
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("memberships_member_idx").on(t.memberId, t.startsOn, t.endsOn), index("memberships_org_type_idx").on(t.orgId, t.typeId)],
);

/** Where a member was assigned, and when: a row per stay, closed when the address moves them. */
export const districtAssignments = sqliteTable(
  "district_assignments",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    areaId: text("area_id"),
    districtGroupId: text("district_group_id"),
    postalCode: text("postal_code"),
    fromAt: text("from_at").notNull(),
    toAt: text("to_at"),
    reason: text("reason", { enum: ["created", "address_changed", "areas_changed", "import", "erased"] }).notNull(),
  },
  (t) => [
    index("district_assignments_member_idx").on(t.memberId, t.fromAt),
    // A district group's membership history, page by page in (from_at, id) order.
    index("district_assignments_group_idx").on(t.districtGroupId, t.fromAt, t.id),
  ],
);

/** One-time sign-in codes sent by e-mail; only their hash is stored. */
export const signInCodes = sqliteTable(
  "sign_in_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    orgId: text("org_id").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("sign_in_codes_member_idx").on(t.memberId)],
);

/**
 * Secrets the deployment makes for itself on first use (the member-token signing key),
 * so the embedded default needs no configuration. A configured secret takes precedence.
 */
export const deploymentSecrets = sqliteTable("deployment_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
});
