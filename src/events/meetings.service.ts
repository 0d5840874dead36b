/**
 * A member meeting in the room: the check-in code, check-in and check-out, and the voting
 * register fixed from those present. The meeting is one occurrence of a `member_meeting`
 * event; every other kind of event records attendance on its registrations as before.
 */
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { rowsAffected } from "../db/sql.ts";
import { timingSafeEqual } from "../lib/crypto.ts";
import { iso, localDay } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { ApiError, conflict, invalid, notFound } from "../lib/problems.ts";
import { requireActiveStanding } from "../members/status.ts";
import { getVisibleEvent } from "./events.service.ts";
import { type EventRow, occurrenceAt } from "./series.ts";
import { organises, requireOrganiser } from "./visibility.ts";

const mt = schema.meetings;
const att = schema.meetingAttendance;
const vr = schema.votingRegister;
const vc = schema.votingRegisterChanges;
const ms = schema.memberships;
const m = schema.members;

/** One meeting: the event, its occurrence key ('' for a single event) and the local day whose memberships count. */
export interface Meeting {
  event: EventRow;
  key: string;
  day: string;
}

/** Reads the meeting the caller may see; 409 when the event is no member meeting or this occurrence is cancelled. */
export async function meetingOf(
  ctx: Ctx,
  options: { eventId: string; occurrenceStart?: string | undefined; field?: string },
): Promise<Meeting> {
  const { db } = ctx;
  const field = options.field ?? "query.occurrenceStart";
  const event = await getVisibleEvent(ctx, options.eventId);
  if (event.kind !== "member_meeting") {
    throw conflict("Check-in and the voting register belong to member meetings; record attendance of this event on its registrations.", {
      reason: "not_a_member_meeting",
    });
  }
  if (event.status === "cancelled") throw conflict("The event is cancelled.", { reason: "event_cancelled" });
  let key = "";
  let start = Date.parse(event.startsAt);
  if (event.rrule) {
    if (options.occurrenceStart === undefined) throw invalid(field, "this meeting recurs; give the occurrence's original start");
    const original = Date.parse(options.occurrenceStart);
    const override = await db.query.eventOccurrenceOverrides.findFirst({
      where: and(eq(schema.eventOccurrenceOverrides.eventId, event.id), eq(schema.eventOccurrenceOverrides.originalStart, iso(original))),
    });
    const occurrence = occurrenceAt(event, override, original);
    if (!occurrence) throw invalid(field, "is not an occurrence of this meeting");
    if (occurrence.status === "cancelled") throw conflict("This occurrence is cancelled.", { reason: "occurrence_cancelled" });
    key = iso(original);
    start = occurrence.start;
  } else if (options.occurrenceStart !== undefined && Date.parse(options.occurrenceStart) !== start) {
    throw invalid(field, "is not the start of this meeting");
  }
  return { event, key, day: localDay(new Date(start), ctx.org.timeZone) };
}

const atMeeting = <T extends { eventId: unknown; occurrenceStart: unknown }>(table: T, meeting: Meeting) =>
  sql`${table.eventId} = ${meeting.event.id} AND ${table.occurrenceStart} = ${meeting.key}`;

/** A member in standing at the meeting: a membership of an active kind, current or in grace, on its day. */
function eligibleSql(memberId: unknown, day: string) {
  return sql`EXISTS (SELECT 1 FROM ${ms} WHERE ${ms.memberId} = ${memberId} AND ${ms.kind} = 'active'
    AND ${ms.startsOn} <= ${day} AND ${ms.graceUntil} >= ${day})
    AND EXISTS (SELECT 1 FROM ${m} WHERE ${m.id} = ${memberId} AND ${m.erasedAt} IS NULL)`;
}

async function meetingRow(db: Db, meeting: Meeting) {
  return db.query.meetings.findFirst({ where: and(eq(mt.eventId, meeting.event.id), eq(mt.occurrenceStart, meeting.key)) });
}

function ensureMeetingRow(db: Db, ctx: Ctx, meeting: Meeting) {
  const at = ctx.now.toISOString();
  return db.run(sql`INSERT INTO ${mt} (event_id, occurrence_start, org_id, check_in_code, register_fixed_at, created_at, updated_at)
    VALUES (${meeting.event.id}, ${meeting.key}, ${ctx.org.id}, NULL, NULL, ${at}, ${at}) ON CONFLICT DO NOTHING`);
}

// ---------------------------------------------------------------- check-in

/** Letters and digits that cannot be mistaken for one another when read off a screen. */
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const checkInCodeLength = 8;

function newCheckInCode(): string {
  // 256 is a multiple of 32, so every letter is equally likely.
  const out: string[] = [];
  while (out.length < checkInCodeLength) {
    for (const byte of crypto.getRandomValues(new Uint8Array(16))) {
      if (out.length < checkInCodeLength) out.push(codeAlphabet[byte % 32] as string);
    }
  }
  return out.join("");
}

/** A new code for the room (staff or the meeting's organisers); the previous one stops working. */
export async function newCheckInCodeFor(ctx: Ctx, options: { eventId: string; occurrenceStart?: string | undefined }) {
  const meeting = await meetingOf(ctx, { ...options, field: "body.occurrenceStart" });
  await requireOrganiser(ctx, meeting.event);
  const code = newCheckInCode();
  const at = ctx.now.toISOString();
  await ctx.db.batch([
    ensureMeetingRow(ctx.db, ctx, meeting),
    ctx.db.update(mt).set({ checkInCode: code, updatedAt: at }).where(atMeeting(mt, meeting)),
  ]);
  return { eventId: meeting.event.id, occurrenceStart: meeting.key || null, code };
}

type AttendanceRow = typeof att.$inferSelect;

export function toAttendancePublic(row: AttendanceRow & { name?: string | null }) {
  return {
    eventId: row.eventId,
    occurrenceStart: row.occurrenceStart || null,
    member: { id: row.memberId, name: row.name ?? null },
    checkedInAt: row.checkedInAt,
    checkedOutAt: row.checkedOutAt,
    present: row.checkedOutAt === null,
  };
}

/** Who is checked in or out: a member themselves (with the room's code for checking in) or an organiser for anyone. */
async function subjectOf(
  ctx: Ctx,
  meeting: Meeting,
  input: { memberId?: string | undefined; code?: string | undefined },
  checkingIn: boolean,
) {
  const { viewer, db } = ctx;
  if (viewer.kind === "member") {
    if (input.memberId !== undefined && input.memberId !== viewer.memberId)
      throw new ApiError("forbidden", "Members check themselves in and out only.");
    if (checkingIn) {
      const row = await meetingRow(db, meeting);
      if (!row?.checkInCode)
        throw conflict("Check-in has not opened: staff have not generated the room's code yet.", { reason: "check_in_not_open" });
      if (input.code === undefined) throw invalid("body.code", "is required: the code shown in the room");
      if (!timingSafeEqual(input.code.toUpperCase(), row.checkInCode)) throw invalid("body.code", "is not the code shown in the room");
    }
    return viewer.memberId;
  }
  if (!(await organises(ctx, meeting.event.groupId))) {
    throw new ApiError("forbidden", "Only staff and the meeting's organisers record others' presence.");
  }
  if (input.memberId === undefined) throw invalid("body.memberId", "is required when recording someone else's presence");
  const member = await db.query.members.findFirst({
    columns: { id: true },
    where: and(eq(m.orgId, ctx.org.id), eq(m.id, input.memberId), isNull(m.erasedAt)),
  });
  if (!member) throw invalid("body.memberId", "is not a member of this organisation");
  return input.memberId;
}

async function readAttendance(db: Db, meeting: Meeting, memberId: string) {
  const [row] = await db
    .select({ row: att, name: m.name })
    .from(att)
    .innerJoin(m, eq(m.id, att.memberId))
    .where(and(atMeeting(att, meeting), eq(att.memberId, memberId)))
    .limit(1);
  if (!row) throw notFound("Check-in");
  return { ...row.row, name: row.name };
}

/**
 * Checks a member in. Only members in standing on the meeting's day (a membership of an
 * active kind, current or in grace) are let in: 409 with the membership's reason otherwise.
 * Checking in again while present changes nothing (200); after a check-out it records the return.
 */
export async function checkIn(
  ctx: Ctx,
  options: { eventId: string; input: { memberId?: string; code?: string; occurrenceStart?: string } },
) {
  const { db, now } = ctx;
  const meeting = await meetingOf(ctx, {
    eventId: options.eventId,
    occurrenceStart: options.input.occurrenceStart,
    field: "body.occurrenceStart",
  });
  const memberId = await subjectOf(ctx, meeting, options.input, true);
  await requireActiveStanding(db, memberId, meeting.day, "check in to the member meeting");
  const at = now.toISOString();
  const [inserted, returned] = await db.batch([
    db.run(sql`INSERT INTO ${att} (event_id, occurrence_start, member_id, checked_in_at, checked_out_at)
      VALUES (${meeting.event.id}, ${meeting.key}, ${memberId}, ${at}, NULL) ON CONFLICT DO NOTHING`),
    db.run(sql`UPDATE ${att} SET checked_in_at = ${at}, checked_out_at = NULL
      WHERE ${atMeeting(att, meeting)} AND ${att.memberId} = ${memberId} AND ${att.checkedOutAt} IS NOT NULL`),
  ]);
  const created = rowsAffected(inserted) > 0 || rowsAffected(returned) > 0;
  return { created, attendance: await readAttendance(db, meeting, memberId) };
}

/** Records that a member left; leaving twice changes nothing. The voting register is adjusted by staff apart. */
export async function checkOut(ctx: Ctx, options: { eventId: string; input: { memberId?: string; occurrenceStart?: string } }) {
  const { db, now } = ctx;
  const meeting = await meetingOf(ctx, {
    eventId: options.eventId,
    occurrenceStart: options.input.occurrenceStart,
    field: "body.occurrenceStart",
  });
  const memberId = await subjectOf(ctx, meeting, options.input, false);
  const found = await db.query.meetingAttendance.findFirst({ where: and(atMeeting(att, meeting), eq(att.memberId, memberId)) });
  if (!found) throw conflict("The member has not checked in to this meeting.", { reason: "not_checked_in" });
  await db
    .update(att)
    .set({ checkedOutAt: now.toISOString() })
    .where(and(atMeeting(att, meeting), eq(att.memberId, memberId), isNull(att.checkedOutAt)));
  return readAttendance(db, meeting, memberId);
}

/** Everyone who checked in, present or gone, by member id (organisers and keys). */
export async function listCheckIns(
  ctx: Ctx,
  options: {
    eventId: string;
    occurrenceStart?: string | undefined;
    present?: boolean | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const meeting = await meetingOf(ctx, options);
  await requireOrganiser(ctx, meeting.event, { read: true });
  const after = options.cursor ? decodeCursor(options.cursor, ["string"])[0] : undefined;
  const rows = await ctx.db
    .select({ row: att, name: m.name })
    .from(att)
    .innerJoin(m, eq(m.id, att.memberId))
    .where(
      and(
        atMeeting(att, meeting),
        options.present === undefined ? undefined : options.present ? isNull(att.checkedOutAt) : sql`${att.checkedOutAt} IS NOT NULL`,
        after ? gt(att.memberId, after) : undefined,
      ),
    )
    .orderBy(asc(att.memberId))
    .limit(options.limit + 1);
  return page(
    rows,
    options.limit,
    (r) => toAttendancePublic({ ...r.row, name: r.name }),
    (r) => [r.row.memberId],
  );
}

// ---------------------------------------------------------------- the voting register

const registerSize = (meeting: Meeting) => sql`(SELECT count(*) FROM ${vr} WHERE ${atMeeting(vr, meeting)} AND ${vr.removedAt} IS NULL)`;

/**
 * Fixes the voting register from those present and in standing on the meeting's day, once:
 * the meeting's mark, the register and the log entry are one transaction, and of two
 * concurrent fixings only the first writes anything (409 for the other).
 */
export async function fixRegister(ctx: Ctx, options: { eventId: string; occurrenceStart?: string | undefined }) {
  const { db, now } = ctx;
  const meeting = await meetingOf(ctx, { ...options, field: "body.occurrenceStart" });
  await requireOrganiser(ctx, meeting.event);
  const at = now.toISOString();
  const [, fixing] = await db.batch([
    ensureMeetingRow(db, ctx, meeting),
    db.run(
      sql`UPDATE ${mt} SET register_fixed_at = ${at}, updated_at = ${at} WHERE ${atMeeting(mt, meeting)} AND ${mt.registerFixedAt} IS NULL`,
    ),
    // Only if this request's mark, just before, took.
    db.run(sql`INSERT INTO ${vr} (event_id, occurrence_start, member_id, added_at, removed_at)
      SELECT ${meeting.event.id}, ${meeting.key}, ${att.memberId}, ${at}, NULL FROM ${att}
      WHERE ${atMeeting(att, meeting)} AND ${att.checkedOutAt} IS NULL AND ${eligibleSql(att.memberId, meeting.day)} AND changes() = 1`),
    db.run(sql`INSERT INTO ${vc} (id, event_id, occurrence_start, member_id, change, note, size_after, changed_at)
      SELECT ${newId(now)}, ${meeting.event.id}, ${meeting.key}, NULL, 'fixed', NULL, ${registerSize(meeting)}, ${at}
      WHERE NOT EXISTS (SELECT 1 FROM ${vc} WHERE ${atMeeting(vc, meeting)} AND ${vc.change} = 'fixed')`),
  ]);
  if (rowsAffected(fixing) === 0)
    throw conflict("The voting register is already fixed; adjust it instead.", { reason: "register_already_fixed" });
  return registerOf(ctx, meeting, { limit: 0 });
}

/**
 * A staff adjustment of a fixed register: a late arrival added (present and in standing),
 * someone who left removed. Each change and its log entry are one transaction; polls
 * already open keep the electorate they opened with.
 */
export async function adjustRegister(
  ctx: Ctx,
  options: {
    eventId: string;
    input: { memberId: string; change: "add" | "remove"; note?: string | undefined; occurrenceStart?: string | undefined };
  },
) {
  const { db, now } = ctx;
  const { input } = options;
  const meeting = await meetingOf(ctx, { eventId: options.eventId, occurrenceStart: input.occurrenceStart, field: "body.occurrenceStart" });
  await requireOrganiser(ctx, meeting.event);
  const row = await meetingRow(db, meeting);
  if (!row?.registerFixedAt) throw conflict("The voting register has not been fixed yet; fix it first.", { reason: "register_not_fixed" });
  const member = await db.query.members.findFirst({ columns: { id: true }, where: and(eq(m.orgId, ctx.org.id), eq(m.id, input.memberId)) });
  if (!member) throw invalid("body.memberId", "is not a member of this organisation");
  const at = now.toISOString();
  const on = await db.query.votingRegister.findFirst({ where: and(atMeeting(vr, meeting), eq(vr.memberId, input.memberId)) });
  const onRegister = on !== undefined && on.removedAt === null;
  let write: ReturnType<Db["run"]>;
  if (input.change === "add") {
    if (onRegister) throw conflict("The member is already on the voting register.", { reason: "already_on_register" });
    const present = await db.query.meetingAttendance.findFirst({
      where: and(atMeeting(att, meeting), eq(att.memberId, input.memberId), isNull(att.checkedOutAt)),
    });
    if (!present) throw conflict("The member is not checked in; check them in first.", { reason: "not_checked_in" });
    await requireActiveStanding(db, input.memberId, meeting.day, "be entered on the voting register");
    write = db.run(sql`INSERT INTO ${vr} (event_id, occurrence_start, member_id, added_at, removed_at)
      VALUES (${meeting.event.id}, ${meeting.key}, ${input.memberId}, ${at}, NULL)
      ON CONFLICT DO UPDATE SET added_at = excluded.added_at, removed_at = NULL WHERE ${vr.removedAt} IS NOT NULL`);
  } else {
    if (!onRegister) throw conflict("The member is not on the voting register.", { reason: "not_on_register" });
    write = db.run(sql`UPDATE ${vr} SET removed_at = ${at}
      WHERE ${atMeeting(vr, meeting)} AND ${vr.memberId} = ${input.memberId} AND ${vr.removedAt} IS NULL`);
  }
  const changeId = newId(now);
  await db.batch([
    write,
    db.run(sql`INSERT INTO ${vc} (id, event_id, occurrence_start, member_id, change, note, size_after, changed_at)
      SELECT ${changeId}, ${meeting.event.id}, ${meeting.key}, ${input.memberId}, ${input.change === "add" ? "added" : "removed"},
        ${input.note ?? null}, ${registerSize(meeting)}, ${at} WHERE changes() = 1`),
  ]);
  const logged = await db.query.votingRegisterChanges.findFirst({ where: eq(vc.id, changeId) });
  if (!logged) throw conflict("The register changed meanwhile; read it again and retry.", { reason: "changed" });
  return toChangePublic(logged);
}

type ChangeRow = typeof vc.$inferSelect;

export const toChangePublic = (row: ChangeRow) => ({
  id: row.id,
  memberId: row.memberId,
  change: row.change,
  note: row.note,
  sizeAfter: row.sizeAfter,
  changedAt: row.changedAt,
});

/** The register's size for everyone who may see the meeting; the names for keys and organisers. */
async function registerOf(ctx: Ctx, meeting: Meeting, options: { limit: number; cursor?: string | undefined }) {
  const { db } = ctx;
  const row = await meetingRow(db, meeting);
  const [size] = await db
    .select({ n: sql<number>`count(*)` })
    .from(vr)
    .where(and(atMeeting(vr, meeting), isNull(vr.removedAt)));
  const mayList = ctx.viewer.kind === "key" || (await organises(ctx, meeting.event.groupId));
  let listed: { data: { id: string; name: string | null; addedAt: string }[]; nextCursor: string | null } | null = null;
  if (mayList) {
    const after = options.cursor ? decodeCursor(options.cursor, ["string"])[0] : undefined;
    const rows =
      options.limit === 0
        ? []
        : await db
            .select({ id: vr.memberId, name: m.name, addedAt: vr.addedAt })
            .from(vr)
            .innerJoin(m, eq(m.id, vr.memberId))
            .where(and(atMeeting(vr, meeting), isNull(vr.removedAt), after ? gt(vr.memberId, after) : undefined))
            .orderBy(asc(vr.memberId))
            .limit(options.limit + 1);
    listed = page(
      rows,
      options.limit,
      (r) => r,
      (r) => [r.id],
    );
  }
  return {
    eventId: meeting.event.id,
    occurrenceStart: meeting.key || null,
    fixed: Boolean(row?.registerFixedAt),
    fixedAt: row?.registerFixedAt ?? null,
    count: Number(size?.n ?? 0),
    members: listed?.data ?? null,
    nextCursor: listed?.nextCursor ?? null,
  };
}

export async function getRegister(
  ctx: Ctx,
  options: { eventId: string; occurrenceStart?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const meeting = await meetingOf(ctx, options);
  return registerOf(ctx, meeting, options);
}

/** The register's log, oldest first (keys and organisers). */
export async function listRegisterChanges(
  ctx: Ctx,
  options: { eventId: string; occurrenceStart?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const meeting = await meetingOf(ctx, options);
  await requireOrganiser(ctx, meeting.event, { read: true });
  // The rowid follows the order of writing, also for changes within one millisecond.
  const seq = sql<number>`${vc}.rowid`;
  const after = options.cursor ? decodeCursor(options.cursor, ["number"])[0] : undefined;
  const rows = await ctx.db
    .select({ row: vc, seq })
    .from(vc)
    .where(and(atMeeting(vc, meeting), after !== undefined ? sql`${seq} > ${after}` : undefined))
    .orderBy(asc(seq))
    .limit(options.limit + 1);
  return page(
    rows,
    options.limit,
    (r) => toChangePublic(r.row),
    (r) => [Number(r.seq)],
  );
}

/** For the elections of a meeting: the register's members now (a poll's electorate when it opens). */
export function registerMembersSql(eventId: string, occurrenceStart: string) {
  return sql`SELECT ${vr.memberId} FROM ${vr} WHERE ${vr.eventId} = ${eventId} AND ${vr.occurrenceStart} = ${occurrenceStart} AND ${vr.removedAt} IS NULL`;
}
