import { and, desc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { addDays } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { conflict, invalid, notFound } from "../lib/problems.ts";
import { webhookEvent } from "../webhooks/events.ts";
import type { MembershipRow } from "./members.queries.ts";
import { periodEnd } from "./periods.ts";
import { type MembershipTypeRow, periodOf, toMajor } from "./types.service.ts";

const ms = schema.memberships;

export function toMembershipPublic(row: MembershipRow) {
  return {
    id: row.id,
    memberId: row.memberId,
    typeId: row.typeId,
    kind: row.kind,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    graceUntil: row.graceUntil,
    fee: { amount: toMajor(row.feeMinor), currency: row.currency },
    paidAt: row.paidAt,
    paymentReference: row.paymentReference,
    createdAt: row.createdAt,
  };
}

/** A period of a type from its first day: end and grace follow from the type; kind and fee are copied from it. */
export function newMembershipRow(
  input: {
    orgId: string;
    memberId: string;
    type: MembershipTypeRow;
    startsOn: string;
    paidAt?: string | null;
    paymentReference?: string | null;
  },
  now: Date,
): MembershipRow {
  const endsOn = periodEnd(input.startsOn, periodOf(input.type));
  return {
    id: newId(now),
    orgId: input.orgId,
    memberId: input.memberId,
    typeId: input.type.id,
    kind: input.type.kind,
    startsOn: input.startsOn,
    endsOn,
    graceUntil: addDays(endsOn, input.type.graceDays),
    feeMinor: input.type.feeMinor,
    currency: input.type.currency,
    paidAt: input.paidAt ?? null,
    paymentReference: input.paymentReference ?? null,
    version: 1,
    createdAt: now.toISOString(),
  };
}

/**
 * Where a renewal starts: the day after the latest period ends, so a member who renews
 * early or during grace keeps an unbroken membership; a lapsed member starts today.
 */
export async function renewalStart(db: Db, memberId: string, today: string): Promise<string> {
  const [latest] = await db
    .select({ endsOn: ms.endsOn, graceUntil: ms.graceUntil })
    .from(ms)
    .where(eq(ms.memberId, memberId))
    .orderBy(desc(ms.endsOn))
    .limit(1);
  if (!latest || latest.graceUntil < today) return today;
  return addDays(latest.endsOn, 1);
}

/** A type that can take new memberships: 422 for an unknown id (it is a body field), 409 when archived. */
export async function usableType(db: Db, orgId: string, typeId: string): Promise<MembershipTypeRow> {
  const type = await db.query.membershipTypes.findFirst({
    where: and(eq(schema.membershipTypes.orgId, orgId), eq(schema.membershipTypes.id, typeId)),
  });
  if (!type) throw invalid("body.typeId", "no membership type of this organisation has this id");
  if (type.archived) throw conflict(`The membership type '${type.name}' is archived and takes no new memberships.`);
  return type;
}

export async function addMembership(
  ctx: Ctx,
  options: { memberId: string; input: { typeId: string; startsOn?: string; paidAt?: string; paymentReference?: string } },
) {
  const { db, now, day: today } = ctx;
  const orgId = ctx.org.id;
  const { memberId, input } = options;
  const type = await usableType(db, orgId, input.typeId);
  const startsOn = input.startsOn ?? (await renewalStart(db, memberId, today));
  const twin = await db.query.memberships.findFirst({
    columns: { id: true },
    where: and(eq(ms.memberId, memberId), eq(ms.typeId, type.id), eq(ms.startsOn, startsOn)),
  });
  if (twin) throw conflict(`The member already has a '${type.name}' membership starting on ${startsOn}.`, { membershipId: twin.id });
  const row = newMembershipRow({ orgId, memberId, type, startsOn, paidAt: input.paidAt, paymentReference: input.paymentReference }, now);
  await db.batch([db.insert(ms).values(row), ...webhookEvent({ db, orgId, now }, "membership.started", row.id)]);
  return row;
}

export async function getMembership(ctx: Ctx, options: { memberId: string; id: string }): Promise<MembershipRow> {
  const { memberId, id } = options;
  const row = await ctx.db.query.memberships.findFirst({ where: and(eq(ms.memberId, memberId), eq(ms.id, id)) });
  if (!row) throw notFound("Membership");
  return row;
}

/** Records (or corrects) a payment; the period itself never changes. With If-Match, only on that version. */
export async function updatePayment(
  ctx: Ctx,
  options: { memberId: string; id: string; input: { paidAt?: string | null; paymentReference?: string | null }; expected: Expected },
): Promise<MembershipRow> {
  const { db } = ctx;
  const { memberId, id, input, expected } = options;
  const current = await getMembership(ctx, { memberId, id });
  requireVersion(expected, current.version);
  if (input.paidAt === undefined && input.paymentReference === undefined) return current;
  const [row] = await db
    .update(ms)
    .set({
      ...(input.paidAt !== undefined && { paidAt: input.paidAt }),
      ...(input.paymentReference !== undefined && { paymentReference: input.paymentReference }),
      version: sql`${ms.version} + 1`,
    })
    .where(and(eq(ms.memberId, memberId), eq(ms.id, id), versionMatches(ms.version, expected)))
    .returning();
  if (!row) throw expected === undefined ? notFound("Membership") : staleVersion();
  return row;
}

/** A member's periods, newest first. */
export async function listMemberships(ctx: Ctx, options: { memberId: string; limit: number; cursor?: string }) {
  const { memberId, limit, cursor } = options;
  const after = cursor ? decodeCursor(cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select()
    .from(ms)
    .where(and(eq(ms.memberId, memberId), after ? sql`(${ms.startsOn}, ${ms.id}) < (${after[0]}, ${after[1]})` : undefined))
    .orderBy(desc(ms.startsOn), desc(ms.id))
    .limit(limit + 1);
  return page(rows, limit, toMembershipPublic, (row) => [row.startsOn, row.id]);
}

const da = schema.districtAssignments;

export function toDistrictAssignmentPublic(row: typeof da.$inferSelect) {
  return {
    id: row.id,
    areaId: row.areaId,
    districtGroupId: row.districtGroupId,
    postalCode: row.postalCode,
    from: row.fromAt,
    to: row.toAt,
    reason: row.reason,
  };
}

/**
 * A member's district assignments, newest first. History rows written in one batch share
 * a timestamp, so the open row (to_at null) sorts before closed ones at the same instant.
 */
export async function listDistrictHistory(ctx: Ctx, options: { memberId: string; limit: number; cursor?: string }) {
  const { memberId, limit, cursor } = options;
  const open = sql<number>`(${da.toAt} IS NULL)`;
  const after = cursor ? decodeCursor(cursor, ["string", "number", "string"]) : undefined;
  const rows = await ctx.db
    .select({ row: da, open })
    .from(da)
    .where(
      and(eq(da.memberId, memberId), after ? sql`(${da.fromAt}, ${open}, ${da.id}) < (${after[0]}, ${after[1]}, ${after[2]})` : undefined),
    )
    .orderBy(desc(da.fromAt), desc(open), desc(da.id))
    .limit(limit + 1);
  return page(
    rows,
    limit,
    ({ row }) => toDistrictAssignmentPublic(row),
    ({ row, open }) => [row.fromAt, Number(open), row.id],
  );
}
