import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { isSelf, isStaff } from "../access/viewer.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { constraintViolation } from "../db/errors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { preparedQuery } from "../db/prepared-queries.ts";
import { type Expected, lostRace, requireVersion } from "../db/versions.ts";
import { iso } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { ApiError, conflict, invalid, notFound } from "../lib/problems.ts";
import { livePersonId } from "../members/members.queries.ts";
import { requireActiveStanding } from "../members/status.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { hasRoom, nextWaitlistSeq, promoteWaitlisted } from "./capacity.ts";
import { requireEligible, requireOpenToPerson } from "./eligibility.ts";
import { effectiveScope, getVisibleEvent } from "./events.service.ts";
import type { RegistrationCreateInput } from "./registrations.schemas.ts";
import { type EventRow, occurrenceAt } from "./series.ts";
import { organises, requireOrganiser } from "./visibility.ts";

const reg = schema.eventRegistrations;
const ov = schema.eventOccurrenceOverrides;
type RegistrationRow = typeof reg.$inferSelect;
type Status = RegistrationRow["status"];

/** A registration with the member's name and, when waitlisted, its place in the queue. */
const listColumns = {
  row: reg,
  name: schema.members.name,
  position: sql<number | null>`CASE WHEN ${reg.status} = 'waitlisted' THEN (
    SELECT count(*) FROM ${reg} AS w WHERE w.event_id = ${reg.eventId} AND w.occurrence_start = ${reg.occurrenceStart} AND w.status = 'waitlisted'
      AND w.waitlist_seq <= ${reg.waitlistSeq}) END`,
};

type Listed = { row: RegistrationRow; name: string | null; position: number | null };

export function toRegistrationPublic({ row, name, position }: Listed) {
  return {
    id: row.id,
    eventId: row.eventId,
    occurrenceStart: row.occurrenceStart || null,
    member: { id: row.memberId, name },
    status: row.status,
    waitlistPosition: position === null ? null : Number(position),
    note: row.note,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** One registration of an event, as lists show it; built once, as every registration and change answers with it. */
const registrationOfEvent = preparedQuery((db) =>
  db
    .select(listColumns)
    .from(reg)
    .innerJoin(schema.members, eq(schema.members.id, reg.memberId))
    .where(and(eq(reg.eventId, sql.placeholder("eventId")), eq(reg.id, sql.placeholder("id"))))
    .limit(1)
    .prepare(),
);

async function readRegistration(db: Db, eventId: string, id: string): Promise<Listed> {
  const [found] = await registrationOfEvent(db).all({ eventId, id });
  if (!found) throw notFound("Registration");
  return found;
}

/**
 * The unit a registration is for and when it begins: the whole event (key '') from its
 * first session, or one occurrence (key: its original start). Refuses units that cannot be
 * registered for: not an occurrence (422), cancelled or already begun (409).
 */
async function unitOf(db: Db, event: EventRow, occurrenceStart: string | undefined, field: string) {
  if (event.status === "cancelled") throw conflict("The event is cancelled.", { reason: "event_cancelled" });
  if (effectiveScope(event) === "event") {
    if (occurrenceStart !== undefined && Date.parse(occurrenceStart) !== Date.parse(event.startsAt)) {
      throw invalid(field, "this event takes one registration for all its sessions; leave occurrenceStart out");
    }
    return { key: "", begins: Date.parse(event.spanStart) };
  }
  if (occurrenceStart === undefined)
    throw invalid(field, "this event is registered for occurrence by occurrence; give the occurrence's original start");
  const original = Date.parse(occurrenceStart);
  const override = await db.query.eventOccurrenceOverrides.findFirst({
    where: and(eq(ov.eventId, event.id), eq(ov.originalStart, iso(original))),
  });
  const occurrence = occurrenceAt(event, override, original);
  if (!occurrence) throw invalid(field, "is not an occurrence of this event");
  if (occurrence.status === "cancelled") throw conflict("This occurrence is cancelled.", { reason: "occurrence_cancelled" });
  return { key: iso(original), begins: occurrence.start };
}

/**
 * The unit of an event one may register for now: registration taken, the occurrence real and
 * not cancelled, not yet begun. What follows from the event alone, before anyone is named.
 */
export async function openUnit(ctx: Ctx, options: { event: EventRow; occurrenceStart: string | undefined; field: string }) {
  const { event } = options;
  if (event.registrationMode === "none") throw conflict("This event takes no registrations.", { reason: "registration_closed" });
  const unit = await unitOf(ctx.db, event, options.occurrenceStart, options.field);
  if (unit.begins <= ctx.now.getTime()) throw conflict("Registration has closed: the event has already begun.", { reason: "event_past" });
  return unit;
}

/** The unit this person may register for, or a 409 saying why not: the event's rules, then the person's. */
export async function registrableUnit(
  ctx: Ctx,
  options: { event: EventRow; occurrenceStart: string | undefined; field: string; memberId: string },
) {
  const { event, memberId } = options;
  const unit = await openUnit(ctx, options);
  if (event.requiresActiveMembership) await requireActiveStanding(ctx.db, memberId, ctx.day, "register for this event");
  await requireEligible(ctx, { eligibility: event.eligibility, memberId });
  await requireOpenToPerson(ctx, { visibility: event.visibility, memberId });
  return unit;
}

/**
 * The statement that registers a person for a unit: the place decision and the insert are one
 * statement. `ifAbsent`: a person already registered is left as they are (a sign-up confirmed
 * twice), instead of the unique index's error.
 */
export function registrationInsert(
  ctx: Ctx,
  options: { id: string; event: EventRow; unitKey: string; memberId: string; note: string | null; ifAbsent?: boolean },
) {
  const { db, org, now } = ctx;
  const { id, event, unitKey, memberId } = options;
  const stamp = now.toISOString();
  const status =
    event.registrationMode === "application"
      ? sql`'applied'`
      : sql`CASE WHEN ${hasRoom(event.id, unitKey)} THEN 'accepted' ELSE 'waitlisted' END`;
  return db.run(sql`INSERT INTO ${reg} (id, org_id, event_id, occurrence_start, member_id, status, waitlisted_at, waitlist_seq, note, created_at, updated_at)
      SELECT ${id}, ${org.id}, ${event.id}, ${unitKey}, ${memberId}, s.status, CASE WHEN s.status = 'waitlisted' THEN ${stamp} END,
        CASE WHEN s.status = 'waitlisted' THEN ${nextWaitlistSeq(event.id)} END, ${options.note}, ${stamp}, ${stamp}
      FROM (SELECT ${status} AS status) AS s${options.ifAbsent ? sql` WHERE true ON CONFLICT DO NOTHING` : sql``}`);
}

/**
 * Registers a member. Open events give a place while there is one and put the rest on the
 * waiting list; application events record an application for organisers to decide. The
 * place decision and the insert are one statement, and a partial unique index turns a
 * second registration into a 409, also when both arrive at once.
 */
export async function register(ctx: Ctx, options: { eventId: string; input: RegistrationCreateInput }) {
  const { db, org, viewer, now } = ctx;
  const { eventId, input } = options;
  const event = await getVisibleEvent(ctx, eventId);
  let memberId: string;
  if (viewer.kind === "member") {
    if (input.memberId !== undefined && input.memberId !== viewer.memberId)
      throw new ApiError("forbidden", "Members register themselves only.");
    memberId = viewer.memberId;
  } else {
    if (!isStaff(viewer)) throw new ApiError("forbidden", "Registering others needs a staff key.");
    if (input.memberId === undefined) throw invalid("body.memberId", "is required when registering with an API key");
    const [member] = await livePersonId(db).all({ orgId: org.id, id: input.memberId });
    if (!member) throw invalid("body.memberId", "is not a member of this organisation");
    memberId = input.memberId;
  }
  const unit = await registrableUnit(ctx, { event, occurrenceStart: input.occurrenceStart, field: "body.occurrenceStart", memberId });

  const id = newId(now);
  try {
    await db.batch([
      registrationInsert(ctx, { id, event, unitKey: unit.key, memberId, note: input.note ?? null }),
      ...webhookEvent({ db, orgId: org.id, now }, "registration.created", id),
    ]);
  } catch (error) {
    // The unique index event_registrations_once, as a rule; an event or member deleted meanwhile
    // (a foreign key) is refused as a conflict too rather than a 500.
    if (constraintViolation(error) !== undefined)
      throw conflict("The member is already registered for this event.", { reason: "already_registered" });
    throw error;
  }
  return readRegistration(db, eventId, id);
}

/** Which status changes are possible, from where, and who may make them. */
const transitions: Record<Exclude<Status, "applied">, { from: Status[]; self: boolean }> = {
  accepted: { from: ["applied", "waitlisted"], self: false },
  waitlisted: { from: ["applied"], self: false },
  declined: { from: ["applied", "waitlisted"], self: false },
  cancelled: { from: ["applied", "accepted", "waitlisted"], self: true },
  attended: { from: ["accepted", "no_show"], self: false },
  no_show: { from: ["accepted", "attended"], self: false },
};

export async function changeRegistration(
  ctx: Ctx,
  options: { eventId: string; id: string; target: Exclude<Status, "applied">; expected: Expected },
) {
  const { db, viewer, now } = ctx;
  const { eventId, id, target, expected } = options;
  const event = await getVisibleEvent(ctx, eventId);
  const current = await readRegistration(db, eventId, id);
  const own = isSelf(viewer, current.row.memberId);
  const organiser = await organises(ctx, event.groupId);
  if (!organiser && !own) {
    if (viewer.kind === "key") throw new ApiError("forbidden", "Changing registrations needs a staff key.");
    throw notFound("Registration");
  }
  const rule = transitions[target];
  if (!organiser && !rule.self)
    throw new ApiError("forbidden", "Members may only cancel their own registration; organisers decide the rest.");
  requireVersion(expected, current.row.version);
  const from = current.row.status;
  if (from === target) return current;
  if (!rule.from.includes(from))
    throw conflict(`A registration cannot go from '${from}' to '${target}'.`, { reason: "invalid_transition" });

  const begins = await beginning(db, event, current.row.occurrenceStart);
  const started = begins <= now.getTime();
  if ((target === "attended" || target === "no_show") && !started) {
    throw conflict("Attendance is recorded once the event has begun.", { reason: "event_not_started" });
  }
  if (target === "cancelled" && started)
    throw conflict("The event has already begun; record attendance instead.", { reason: "event_past" });

  const stamp = now.toISOString();
  // The version read is the compare-and-swap: If-Match, and whatever else changed the registration meanwhile.
  const guard: SQL[] = [sql`${reg.id} = ${id}`, sql`${reg.status} = ${from}`, sql`${reg.version} = ${current.row.version}`];
  if (target === "accepted") guard.push(hasRoom(eventId, current.row.occurrenceStart));
  const update = db.run(
    sql`UPDATE ${reg} SET status = ${target}, updated_at = ${stamp}, version = version + 1,
      waitlisted_at = ${target === "waitlisted" ? sql`${stamp}` : sql`NULL`},
      waitlist_seq = ${target === "waitlisted" ? nextWaitlistSeq(eventId) : sql`NULL`}
      WHERE ${sql.join(guard, sql` AND `)}`,
  );
  // A place given back goes to the first on the waiting list, in the same transaction.
  // The event right after the update, so it is recorded only if the update took.
  const told = webhookEvent({ db, orgId: ctx.org.id, now }, "registration.changed", id, { ifChanged: true });
  const results = await db.batch([update, ...told, ...(from === "accepted" ? [promoteWaitlisted(db, eventId, now)] : [])]);
  if (results[0]?.rowsAffected === 0) {
    if (target === "accepted") {
      const latest = await readRegistration(db, eventId, id);
      if (latest.row.version === current.row.version)
        throw conflict("The event is full; raise its capacity or put the registration on the waiting list.", { reason: "full" });
    }
    throw lostRace(expected, () => conflict("The registration changed meanwhile; read it again and retry.", { reason: "changed" }));
  }
  return readRegistration(db, eventId, id);
}

async function beginning(db: Db, event: EventRow, occurrenceStart: string): Promise<number> {
  if (occurrenceStart === "") return Date.parse(event.spanStart);
  const override = await db.query.eventOccurrenceOverrides.findFirst({
    where: and(eq(ov.eventId, event.id), eq(ov.originalStart, occurrenceStart)),
  });
  return override ? Date.parse(override.startsAt) : Date.parse(occurrenceStart);
}

/** A registration as its member or an organiser sees it; 404 for anyone else. */
export async function getRegistration(ctx: Ctx, options: { eventId: string; id: string }) {
  const { db, viewer } = ctx;
  const { eventId, id } = options;
  const event = await getVisibleEvent(ctx, eventId);
  const found = await readRegistration(db, eventId, id);
  const own = isSelf(viewer, found.row.memberId);
  if (!own && viewer.kind !== "key" && !(await organises(ctx, event.groupId))) throw notFound("Registration");
  return found;
}

export async function listRegistrations(
  ctx: Ctx,
  options: { eventId: string; status?: Status; occurrenceStart?: string; limit: number; cursor?: string },
) {
  const { db } = ctx;
  const { eventId, ...query } = options;
  const event = await getVisibleEvent(ctx, eventId);
  await requireOrganiser(ctx, event, { read: true });
  const after = query.cursor ? decodeCursor(query.cursor, ["string"])[0] : undefined;
  const rows = await db
    .select(listColumns)
    .from(reg)
    .innerJoin(schema.members, eq(schema.members.id, reg.memberId))
    .where(
      and(
        eq(reg.eventId, eventId),
        query.status ? eq(reg.status, query.status) : undefined,
        query.occurrenceStart ? eq(reg.occurrenceStart, iso(Date.parse(query.occurrenceStart))) : undefined,
        after ? gt(reg.id, after) : undefined,
      ),
    )
    .orderBy(asc(reg.id))
    .limit(query.limit + 1);
  return page(rows, query.limit, toRegistrationPublic, (r) => [r.row.id]);
}

const emptyCounts = () => ({ applied: 0, accepted: 0, waitlisted: 0, declined: 0, cancelled: 0, attended: 0, noShow: 0 });
const countKey = (status: Status) => (status === "no_show" ? "noShow" : status);

/** Counts per registration unit and in total, for organisers' attendance lists. */
export async function attendanceSummary(ctx: Ctx, options: { eventId: string; occurrenceStart?: string | undefined }) {
  const { db } = ctx;
  const { eventId, occurrenceStart } = options;
  const event = await getVisibleEvent(ctx, eventId);
  await requireOrganiser(ctx, event, { read: true });
  const rows = await db
    .select({ unit: reg.occurrenceStart, status: reg.status, n: sql<number>`count(*)` })
    .from(reg)
    .where(and(eq(reg.eventId, eventId), occurrenceStart ? eq(reg.occurrenceStart, iso(Date.parse(occurrenceStart))) : undefined))
    .groupBy(reg.occurrenceStart, reg.status)
    .orderBy(asc(reg.occurrenceStart));
  const units = new Map<string, ReturnType<typeof emptyCounts>>();
  const totals = emptyCounts();
  for (const { unit, status, n } of rows) {
    const counts = units.get(unit) ?? emptyCounts();
    counts[countKey(status)] += Number(n);
    totals[countKey(status)] += Number(n);
    units.set(unit, counts);
  }
  return {
    eventId,
    capacity: event.capacity,
    units: [...units].map(([unit, counts]) => ({
      occurrenceStart: unit || null,
      ...counts,
      placesLeft: event.capacity === null ? null : Math.max(0, event.capacity - counts.accepted - counts.attended - counts.noShow),
    })),
    totals,
  };
}

/** A member's own registrations, newest first. */
export async function myRegistrations(ctx: Ctx, options: { memberId: string; limit: number; cursor?: string }) {
  const { db, org } = ctx;
  const { memberId, ...query } = options;
  const before = query.cursor ? decodeCursor(query.cursor, ["string"])[0] : undefined;
  const rows = await db
    .select(listColumns)
    .from(reg)
    .innerJoin(schema.members, eq(schema.members.id, reg.memberId))
    .where(and(eq(reg.orgId, org.id), eq(reg.memberId, memberId), before ? sql`${reg.id} < ${before}` : undefined))
    .orderBy(sql`${reg.id} DESC`)
    .limit(query.limit + 1);
  return page(rows, query.limit, toRegistrationPublic, (r) => [r.row.id]);
}
