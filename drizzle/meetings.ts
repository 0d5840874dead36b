import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { events } from "./events.ts";
import { members } from "./members.ts";

/**
 * A member meeting in the room: its check-in code, who came and went, and the voting
 * register fixed from those present. One meeting is one occurrence of a member-meeting
 * event: `occurrence_start` is '' for a single event, else the occurrence's original start.
 */

/** One row per meeting held: the code shown in the room and when the register was fixed. */
export const meetings = sqliteTable(
  "meetings",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    occurrenceStart: text("occurrence_start").notNull(),
    orgId: text("org_id").notNull(),
    /** Shown in the room; a member checks in with it. Replaced when staff generate a new one. */
    checkInCode: text("check_in_code"),
    registerFixedAt: text("register_fixed_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.occurrenceStart] })],
);

/** Presence at a meeting: checked in, and when they left (null while present). */
export const meetingAttendance = sqliteTable(
  "meeting_attendance",
  {
    eventId: text("event_id").notNull(),
    occurrenceStart: text("occurrence_start").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    checkedInAt: text("checked_in_at").notNull(),
    checkedOutAt: text("checked_out_at"),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.occurrenceStart, t.memberId] })],
);

/** The voting register: who may vote at the meeting now (`removed_at` null). */
export const votingRegister = sqliteTable(
  "voting_register",
  {
    eventId: text("event_id").notNull(),
    occurrenceStart: text("occurrence_start").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    addedAt: text("added_at").notNull(),
    removedAt: text("removed_at"),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.occurrenceStart, t.memberId] })],
);

/** Every change of a voting register after it was fixed, in order: the minutes' record. */
export const votingRegisterChanges = sqliteTable(
  "voting_register_changes",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    occurrenceStart: text("occurrence_start").notNull(),
    /** Null for the fixing itself. */
    memberId: text("member_id").references(() => members.id, { onDelete: "set null" }),
    change: text("change", { enum: ["fixed", "added", "removed"] }).notNull(),
    note: text("note"),
    /** The register's size after the change. */
    sizeAfter: integer("size_after").notNull(),
    changedAt: text("changed_at").notNull(),
  },
  (t) => [index("voting_register_changes_meeting_idx").on(t.eventId, t.occurrenceStart, t.id)],
);
