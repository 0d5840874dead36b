import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { members } from "./members.ts";
import { organisations } from "./platform.ts";

export const areas = sqliteTable(
  "areas",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    code: text("code").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("areas_org_code_unique").on(t.orgId, t.code)],
);

/** A postal code lies in at most one area of an organisation. */
export const areaPostalCodes = sqliteTable(
  "area_postal_codes",
  {
    orgId: text("org_id").notNull(),
    /** Normalised: no spaces, upper case. */
    postalCode: text("postal_code").notNull(),
    areaId: text("area_id")
      .notNull()
      .references(() => areas.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.postalCode] }), index("area_postal_codes_area_idx").on(t.areaId, t.postalCode)],
);

export const groupKinds = ["local", "district", "network", "interest", "working", "committee", "region"] as const;
export const groupStatuses = ["proposed", "active", "closed", "declined"] as const;

export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: groupKinds }).notNull(),
    name: text("name").notNull(),
    description: text("description"),
    /** JSON array of short tags. */
    focusTags: text("focus_tags").notNull().default("[]"),
    contactEmail: text("contact_email"),
    parentId: text("parent_id"),
    /** Where a group is: a town (free text) and/or an area it works in (unlike a district group's covered areas, not exclusive). */
    town: text("town"),
    areaId: text("area_id"),
    /** Where the group meets: kept up to date by its conveners. */
    meetingPlace: text("meeting_place"),
    /** Networks have a political contact person: a member. */
    politicalContactId: text("political_contact_id").references(() => members.id, { onDelete: "set null" }),
    status: text("status", { enum: groupStatuses }).notNull(),
    /** A proposed group: who proposed it, why, and for which area. */
    proposedById: text("proposed_by_id").references(() => members.id, { onDelete: "set null" }),
    proposalPurpose: text("proposal_purpose"),
    proposalAreaId: text("proposal_area_id"),
    declineReason: text("decline_reason"),
    decidedAt: text("decided_at"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("groups_org_kind_idx").on(t.orgId, t.kind, t.id),
    index("groups_org_status_idx").on(t.orgId, t.status, t.id),
    // A region's groups, and a parent's children generally.
    index("groups_parent_idx").on(t.parentId, t.name, t.id),
  ],
);

/** The areas a district group covers; an area belongs to at most one district group. */
export const groupAreas = sqliteTable(
  "group_areas",
  {
    orgId: text("org_id").notNull(),
    areaId: text("area_id")
      .notNull()
      .references(() => areas.id, { onDelete: "cascade" }),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.areaId] }), index("group_areas_group_idx").on(t.groupId)],
);

export const groupRoles = ["member", "convener", "contact_person"] as const;

/**
 * Explicit group membership with a role, joined and left dates kept. A district group's
 * ordinary members come from the district assignment instead; its conveners are rows here.
 */
export const groupMemberships = sqliteTable(
  "group_memberships",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    role: text("role", { enum: groupRoles }).notNull(),
    joinedOn: text("joined_on").notNull(),
    leftOn: text("left_on"),
    /**
     * The version of the member's explicit membership of the group, carried from row to row:
     * a role change opens a row one above the row it closes, and ending a row bumps it, so the
     * ETag of /groups/{id}/members/{memberId} never comes back to an earlier value.
     */
    version: integer("version").notNull().default(1),
  },
  (t) => [
    // One open membership per member and group; history rows have leftOn set.
    uniqueIndex("group_memberships_open_unique").on(t.groupId, t.memberId).where(sql`left_on IS NULL`),
    index("group_memberships_group_idx").on(t.groupId, t.leftOn),
    // A member's open groups in group order (their own list of groups).
    index("group_memberships_member_idx").on(t.memberId, t.leftOn, t.groupId),
    // A group's membership history, page by page in (joined_on, id) order.
    index("group_memberships_history_idx").on(t.groupId, t.joinedOn, t.id),
  ],
);
