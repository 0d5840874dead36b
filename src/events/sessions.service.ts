import { and, asc, eq, gt, inArray, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { iso } from "../lib/dates.ts";
import { conflict, notFound } from "../lib/problems.ts";
import { effectiveScope, getVisibleEvent } from "./events.service.ts";
import { type EventRow, occurrenceAt } from "./series.ts";
import { requireOrganiser } from "./visibility.ts";

/**
 * Attendance per session of an event whose one registration covers all its sessions: a
 * course with dated sessions, or a training series. Who is on the list is who holds a
 * live place (accepted, or already marked attended / no-show on the registration).
 */

const reg = schema.eventRegistrations;
const att = schema.eventSessionAttendance;
const holding = ["accepted", "attended", "no_show"] as const;

/** The session of the event that starts (as planned) at `sessionStart`; 404 for none, 409 for an event without sessions. */
async function sessionOf(ctx: Ctx, event: EventRow, sessionStart: string) {
  if (!event.recurring || effectiveScope(event) !== "event") {
    throw conflict("This event has no sessions under one registration; record attendance on the registration itself.", {
      reason: "no_sessions",
    });
  }
  const original = Date.parse(sessionStart);
  const override = event.rrule
    ? await ctx.db.query.eventOccurrenceOverrides.findFirst({
        where: and(eq(schema.eventOccurrenceOverrides.eventId, event.id), eq(schema.eventOccurrenceOverrides.originalStart, iso(original))),
      })
    : undefined;
  const session = occurrenceAt(event, override, original);
  if (!session) throw notFound("Session");
  return session;
}

const entryColumns = {
  registrationId: reg.id,
  memberId: reg.memberId,
  name: schema.members.name,
  attended: att.attended,
  recordedAt: att.recordedAt,
};

type Entry = { registrationId: string; memberId: string; name: string | null; attended: boolean | null; recordedAt: string | null };

const toEntry = (row: Entry) => ({
  member: { id: row.memberId, name: row.name },
  registrationId: row.registrationId,
  attended: row.attended === null ? null : Boolean(row.attended),
  recordedAt: row.recordedAt,
});

/** Members holding a place on the event, with their attendance at the session keyed `sessionStart`. */
function holders(ctx: Ctx, eventId: string, sessionStart: string, only: SQL | undefined, limit: number) {
  return ctx.db
    .select(entryColumns)
    .from(reg)
    .innerJoin(schema.members, eq(schema.members.id, reg.memberId))
    .leftJoin(att, and(eq(att.eventId, reg.eventId), eq(att.sessionStart, sessionStart), eq(att.memberId, reg.memberId)))
    .where(and(eq(reg.eventId, eventId), eq(reg.occurrenceStart, ""), inArray(reg.status, [...holding]), only))
    .orderBy(asc(reg.id))
    .limit(limit);
}

/** The session's list: every member holding a place, with their attendance at it (null: not recorded). */
export async function sessionAttendance(ctx: Ctx, options: { eventId: string; sessionStart: string; limit: number; cursor?: string }) {
  const event = await getVisibleEvent(ctx, options.eventId);
  await requireOrganiser(ctx, event, { read: true });
  const session = await sessionOf(ctx, event, options.sessionStart);
  const after = options.cursor ? decodeCursor(options.cursor, ["string"])[0] : undefined;
  const rows = await holders(ctx, event.id, iso(session.originalStart), after ? gt(reg.id, after) : undefined, options.limit + 1);
  return page(rows, options.limit, toEntry, (r) => [r.registrationId]);
}

/** Records one member's attendance at one session, once it has begun; the member must hold a place. */
export async function recordSessionAttendance(
  ctx: Ctx,
  options: { eventId: string; sessionStart: string; memberId: string; attended: boolean },
) {
  const { db, now } = ctx;
  const event = await getVisibleEvent(ctx, options.eventId);
  await requireOrganiser(ctx, event);
  const session = await sessionOf(ctx, event, options.sessionStart);
  if (session.status === "cancelled") throw conflict("This session is cancelled.", { reason: "occurrence_cancelled" });
  if (session.start > now.getTime()) throw conflict("Attendance is recorded once the session has begun.", { reason: "event_not_started" });
  const key = iso(session.originalStart);
  // Written only while the member holds a place: a registration cancelled meanwhile writes nothing.
  const write = await db.run(sql`INSERT INTO ${att} (event_id, session_start, member_id, org_id, attended, recorded_at)
    SELECT ${event.id}, ${key}, ${options.memberId}, ${ctx.org.id}, ${options.attended ? 1 : 0}, ${now.toISOString()}
    WHERE EXISTS (SELECT 1 FROM ${reg} WHERE ${reg.eventId} = ${event.id} AND ${reg.occurrenceStart} = ''
      AND ${reg.memberId} = ${options.memberId} AND ${reg.status} IN ('accepted', 'attended', 'no_show'))
    ON CONFLICT (event_id, session_start, member_id) DO UPDATE SET attended = excluded.attended, recorded_at = excluded.recorded_at`);
  if (write.rowsAffected === 0) {
    throw conflict("The member holds no place on this event; accept their registration first.", { reason: "not_registered" });
  }
  const [row] = await holders(ctx, event.id, key, eq(reg.memberId, options.memberId), 1);
  return toEntry(row as Entry);
}
