import { sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";

/**
 * Places and the waiting list. Every decision that depends on how many places are taken is
 * made inside one SQL statement that counts and writes together, so concurrent requests are
 * serialised by the database and capacity is never exceeded.
 */

/** Registrations that hold a place: accepted ones, and after the event those marked attended or no-show. */
export const takenStatuses = ["accepted", "attended", "no_show"] as const;
/** Registrations that still count as someone taking part or waiting to. */
export const liveStatuses = ["applied", "accepted", "waitlisted", "attended", "no_show"] as const;

const reg = schema.eventRegistrations;
const ev = schema.events;
const taken = sql.raw(takenStatuses.map((s) => `'${s}'`).join(", "));

/** Places taken in the unit (event, or occurrence) of the registration row aliased `r`. */
export const takenIn = (eventId: string, occurrenceStart: string) =>
  sql`(SELECT count(*) FROM ${reg} WHERE ${reg.eventId} = ${eventId} AND ${reg.occurrenceStart} = ${occurrenceStart} AND ${reg.status} IN (${taken}))`;

export const capacityOf = (eventId: string) => sql`(SELECT ${ev.capacity} FROM ${ev} WHERE ${ev.id} = ${eventId})`;

/** Whether one more place can be given in the unit, evaluated where it is used. */
export const hasRoom = (eventId: string, occurrenceStart: string) =>
  sql`(${capacityOf(eventId)} IS NULL OR ${takenIn(eventId, occurrenceStart)} < ${capacityOf(eventId)})`;

/** The most places taken in any one unit of the event: what a new capacity may not go below. */
export const mostTaken = (eventId: string) =>
  sql`(SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM ${reg} WHERE ${reg.eventId} = ${eventId} AND ${reg.status} IN (${taken}) GROUP BY ${reg.occurrenceStart}))`;

/**
 * Moves the first waitlisted registrations of every unit of the event up to accepted, as
 * many as there are free places: after a cancellation, or when the capacity is raised.
 * One statement; usable inside a batch.
 */
export function promoteWaitlisted(db: Db, eventId: string, now: Date) {
  return db.run(sql`UPDATE ${reg} SET status = 'accepted', waitlisted_at = NULL, waitlist_seq = NULL, version = version + 1,
      updated_at = ${now.toISOString()}
    WHERE id IN (
      SELECT w.id FROM (
        SELECT id, occurrence_start,
          row_number() OVER (PARTITION BY occurrence_start ORDER BY waitlist_seq) AS position
        FROM ${reg} WHERE event_id = ${eventId} AND status = 'waitlisted'
      ) AS w
      WHERE ${capacityOf(eventId)} IS NULL
        OR w.position <= ${capacityOf(eventId)} - (
          SELECT count(*) FROM ${reg} AS t WHERE t.event_id = ${eventId} AND t.occurrence_start = w.occurrence_start AND t.status IN (${taken})
        )
    )`);
}

/** The next place at the end of the event's waiting list; evaluated inside the statement that uses it. */
export const nextWaitlistSeq = (eventId: string) =>
  sql`(SELECT coalesce(max(${reg.waitlistSeq}), 0) + 1 FROM ${reg} WHERE ${reg.eventId} = ${eventId})`;
