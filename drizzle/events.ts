import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { groups } from "./groups.ts";
import { members } from "./members.ts";
import { organisations } from "./platform.ts";

/** Instants are ISO 8601 UTC text (toISOString), so they compare and sort as text. */

export const campaigns = sqliteTable(
  "campaigns",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    focus: text("focus"),
    /** The campaign's period as local dates (YYYY-MM-DD), both inclusive. */
    startsOn: text("starts_on").notNull(),
    endsOn: text("ends_on").notNull(),
    /** JSON array of { title, url }. */
    materials: text("materials").notNull().default("[]"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("campaigns_org_period_idx").on(t.orgId, t.startsOn, t.id)],
);

export const eventKinds = [
  "group_meeting",
  "member_meeting",
  "training",
  "campaign_activity",
  "network_meeting",
  "lecture",
  "exchange",
  "politician_school",
  "other",
] as const;
export const eventVisibilities = ["public", "members", "group"] as const;
export const eventStatuses = ["scheduled", "cancelled"] as const;
export const registrationModes = ["none", "open", "application"] as const;
export const registrationScopes = ["event", "occurrence"] as const;

/**
 * Single events longer than this many days are rare (an exchange, a school abroad) and are
 * found by their end through `events_long_idx`; shorter ones by their start.
 */
export const longEventDays = 31;
/**
 * The condition of `events_long_idx`; a query must repeat it word for word for SQLite to use
 * the index. Only single events qualify: an occurrence of a series, and a course's first
 * session, last at most `longEventDays`. (A term on `recurring` here would lead the planner
 * to the wider `events_org_end_idx` instead.)
 */
export const isLongSingle = sql.raw(`julianday(ends_at) - julianday(starts_at) > ${longEventDays}`);

/**
 * The condition of `events_multiday_idx`, repeated word for word by the query that uses it:
 * events that last more than a day. A range finds the single events that began before it
 * and still run among these alone, back to `longEventDays`; the others that began more than
 * a day before it have ended.
 */
export const isMultiDay = sql.raw("julianday(ends_at) - julianday(starts_at) > 1");

/** The far end of an open-ended series: keeps "ends after" a plain text comparison on an index. */
export const openEnded = "9999-12-31T23:59:59.999Z";

/**
 * An event, single or recurring. A series is stored once (rule + exceptions + overrides),
 * never as one row per occurrence. `spanStart`/`spanEnd` bound every occurrence including
 * moved ones, so a range query reads only the rows that can meet the range.
 */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    kind: text("kind", { enum: eventKinds }).notNull(),
    /** The organising group; null when the organisation itself organises. */
    groupId: text("group_id").references(() => groups.id, { onDelete: "set null" }),
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
    /** The first occurrence (DTSTART / DTEND). */
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    timeZone: text("time_zone").notNull(),
    locationAddress: text("location_address"),
    /** ISO 3166-1 alpha-2 country the event takes place in; null: at home (the organisation's own country) or online. */
    country: text("country"),
    onlineUrl: text("online_url"),
    visibility: text("visibility", { enum: eventVisibilities }).notNull(),
    status: text("status", { enum: eventStatuses }).notNull(),
    /** Canonical RRULE text, or null for a single event. */
    rrule: text("rrule"),
    /** JSON array of original starts left out of the series (EXDATE). */
    exdates: text("exdates").notNull().default("[]"),
    /** A series: an RRULE, or explicitly dated sessions. */
    recurring: integer("recurring", { mode: "boolean" }).notNull(),
    /** All-day: starts and ends at local midnights of the event's zone, shown as dates (iCalendar VALUE=DATE). */
    allDay: integer("all_day", { mode: "boolean" }).notNull().default(false),
    /** JSON array of { startsAt, endsAt } in start order: a course's explicitly dated sessions (instead of an RRULE), or null. */
    sessions: text("sessions"),
    /** Earliest occurrence start and latest occurrence end, moved occurrences included; `openEnded` for series without end. */
    spanStart: text("span_start").notNull(),
    spanEnd: text("span_end").notNull(),
    registrationMode: text("registration_mode", { enum: registrationModes }).notNull(),
    /** event: one registration covers every session; occurrence: each occurrence is registered for on its own. */
    registrationScope: text("registration_scope", { enum: registrationScopes }).notNull(),
    /** Places per registration unit (the event, or each occurrence); null for no limit. */
    capacity: integer("capacity"),
    requiresActiveMembership: integer("requires_active_membership", { mode: "boolean" }).notNull(),
    /**
     * JSON { positionIds, groupIds } or null: who may register beyond the rules above — holders of a
     * current mandate on one of the positions, or members of one of the groups. Null: every member.
     */
    eligibility: text("eligibility"),
    /** Bumped on every change, overrides included: the ETag and the iCalendar SEQUENCE. */
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    // Single events by start; series by end: the two halves of a range query. A range reads
    // single events from a day before it here, and from the longest duration before it among
    // those of more than a day (events_multiday_idx); the end in both indexes passes over the
    // events that ended before the range without reading their rows.
    index("events_org_start_idx").on(t.orgId, t.recurring, t.spanStart, t.id, t.endsAt),
    index("events_org_end_idx").on(t.orgId, t.recurring, t.spanEnd),
    index("events_group_idx").on(t.groupId, t.recurring, t.spanStart),
    index("events_campaign_idx").on(t.campaignId, t.spanStart),
    index("events_long_idx").on(t.orgId, t.spanEnd).where(isLongSingle),
    index("events_multiday_idx").on(t.orgId, t.spanStart, t.id, t.endsAt).where(isMultiDay),
  ],
);

/**
 * A number per organisation that changes whenever one of its recurring events is added,
 * changed or removed: triggers on `events` raise it (migration 0020), so no writer can
 * forget. Processes keep the expanded series while it stays the same (src/events/kept-series.ts).
 * No foreign key: a trigger may raise it while its organisation is being deleted.
 */
export const eventSeriesMarks = sqliteTable("event_series_marks", {
  orgId: text("org_id").primaryKey(),
  mark: integer("mark").notNull(),
});

/** One occurrence of a series moved or cancelled, keyed by its original start. */
export const eventOccurrenceOverrides = sqliteTable(
  "event_occurrence_overrides",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    originalStart: text("original_start").notNull(),
    orgId: text("org_id").notNull(),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    status: text("status", { enum: eventStatuses }).notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.originalStart] }), index("event_overrides_moved_idx").on(t.eventId, t.startsAt)],
);

export const registrationStatuses = ["applied", "accepted", "waitlisted", "declined", "cancelled", "attended", "no_show"] as const;

/**
 * A member's registration for an event (occurrenceStart '') or for one occurrence of a
 * series (its original start). The partial unique index is what makes "registering twice"
 * a conflict even under concurrent requests; a cancelled registration does not block a new one.
 */
export const eventRegistrations = sqliteTable(
  "event_registrations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    occurrenceStart: text("occurrence_start").notNull().default(""),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    status: text("status", { enum: registrationStatuses }).notNull(),
    /** When the registration joined the waiting list. */
    waitlistedAt: text("waitlisted_at"),
    /**
     * Its place in the event's waiting list, drawn from a per-event counter in the same
     * statement that puts it there: strict arrival order, even within one millisecond.
     */
    waitlistSeq: integer("waitlist_seq"),
    note: text("note"),
    /** Bumped on every change: the ETag, for If-Match. */
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("event_registrations_once").on(t.eventId, t.occurrenceStart, t.memberId).where(sql`status != 'cancelled'`),
    index("event_registrations_event_idx").on(t.eventId, t.occurrenceStart, t.status, t.waitlistSeq),
    index("event_registrations_member_idx").on(t.memberId, t.status),
  ],
);

/** A member's personal feed token; only its hash is kept. One per member: rotating replaces it. */
export const calendarFeedTokens = sqliteTable(
  "calendar_feed_tokens",
  {
    memberId: text("member_id")
      .primaryKey()
      .references(() => members.id, { onDelete: "cascade" }),
    orgId: text("org_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: text("created_at").notNull(),
    /** Set when the member revokes the URL; the row stays so its version keeps counting. */
    revokedAt: text("revoked_at"),
    /** Bumped by every rotation and revocation: the ETag of /me/calendar-token, which never repeats. */
    version: integer("version").notNull().default(1),
  },
  (t) => [uniqueIndex("calendar_feed_tokens_hash_unique").on(t.tokenHash)],
);

/**
 * Attendance at one session of an event whose one registration covers all its sessions (a
 * course): per member and session (its original start), present or absent.
 */
export const eventSessionAttendance = sqliteTable(
  "event_session_attendance",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    sessionStart: text("session_start").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    orgId: text("org_id").notNull(),
    attended: integer("attended", { mode: "boolean" }).notNull(),
    recordedAt: text("recorded_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.sessionStart, t.memberId] }), index("event_session_attendance_member_idx").on(t.memberId)],
);
