import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { contactView } from "../contacts/contacts.queries.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { memberRow, memberView, type Reach } from "./members.queries.ts";
import { noContactDetails } from "./members.service.ts";
import { toDistrictAssignmentPublic, toMembershipPublic } from "./memberships.service.ts";

/**
 * The member's rights over their personal data: a copy of everything held (access,
 * GDPR art. 15) and erasure (art. 17). Erasure keeps what the organisation must keep
 * without identity — the periods and fees for its accounts, group histories for counts —
 * and removes everything that identifies the person.
 */

/** The histories held about a person, member or contact: periods, district moves, groups, sign-in codes. */
async function historiesOf(ctx: Ctx, memberId: string) {
  const { db } = ctx;
  const orgId = ctx.org.id;
  const gm = schema.groupMemberships;
  const [memberships, districtHistory, groupMemberships, signInCodes] = await Promise.all([
    db.select().from(schema.memberships).where(eq(schema.memberships.memberId, memberId)).orderBy(asc(schema.memberships.startsOn)),
    db
      .select()
      .from(schema.districtAssignments)
      .where(eq(schema.districtAssignments.memberId, memberId))
      .orderBy(asc(schema.districtAssignments.fromAt)),
    db
      .select({ groupId: gm.groupId, groupName: schema.groups.name, role: gm.role, joinedOn: gm.joinedOn, leftOn: gm.leftOn })
      .from(gm)
      .leftJoin(schema.groups, eq(schema.groups.id, gm.groupId))
      .where(and(eq(gm.orgId, orgId), eq(gm.memberId, memberId)))
      .orderBy(asc(gm.joinedOn)),
    db
      .select({ createdAt: schema.signInCodes.createdAt, expiresAt: schema.signInCodes.expiresAt, usedAt: schema.signInCodes.usedAt })
      .from(schema.signInCodes)
      .where(eq(schema.signInCodes.memberId, memberId))
      .orderBy(asc(schema.signInCodes.createdAt)),
  ]);
  return {
    memberships: memberships.map(toMembershipPublic),
    districtHistory: districtHistory.map(toDistrictAssignmentPublic),
    groupMemberships,
    signInCodes,
  };
}

/** Everything held about a member, statistics fields included; `reach: "people"` for a contact's own export. */
export async function exportMember(ctx: Ctx, memberId: string, reach: Reach = "members") {
  const { row, view } = await memberView(ctx, memberId, reach);
  return {
    exportedAt: ctx.now.toISOString(),
    member: view,
    statistics: { gender: row.gender, birthYear: row.birthYear, source: row.source },
    ...(await historiesOf(ctx, memberId)),
  };
}

/** Everything held about a person, member or contact, in the contact's shape with the statistics fields. */
export async function exportPerson(ctx: Ctx, personId: string) {
  const { view } = await contactView(ctx, personId, { statistics: true });
  return { exportedAt: ctx.now.toISOString(), person: view, ...(await historiesOf(ctx, personId)) };
}

/**
 * Erases a person's personal data in one batch (a member, or with `reach: "people"` anyone). The row stays (memberships and group
 * histories point at it) under a number that identifies nobody: `erased-` and the member's
 * id — not a prefix of it, as time-ordered ids share their first characters for a minute.
 */
export async function eraseMember(ctx: Ctx, options: { id: string; expected: Expected; reach?: Reach }) {
  const { db, now, day } = ctx;
  const orgId = ctx.org.id;
  const { id: memberId, expected } = options;
  requireVersion(expected, (await memberRow(ctx, memberId, options.reach)).version);
  const at = now.toISOString();
  const m = schema.members;
  const da = schema.districtAssignments;
  const gm = schema.groupMemberships;
  const keys = schema.idempotencyKeys;
  const erased = db
    .update(m)
    .set({
      memberNumber: `erased-${memberId}`,
      name: null,
      nameKey: null,
      ...noContactDetails,
      consentNewsletters: false,
      consentMeetingSummons: false,
      consentCampaignNews: false,
      gender: null,
      birthYear: null,
      partnerId: null,
      areaId: null,
      districtGroupId: null,
      erasedAt: at,
      version: sql`${m.version} + 1`,
      updatedAt: at,
    })
    .where(and(eq(m.orgId, orgId), eq(m.id, memberId), isNull(m.erasedAt), versionMatches(m.version, expected)))
    .returning({ id: m.id });
  // Every statement waits for the member still to be at the version If-Match names; the erasure
  // itself, which changes that version, runs last. A stale If-Match thus erases nothing at all.
  const unchanged = versionMatches(sql`(SELECT ${m.version} FROM ${m} WHERE ${m.id} = ${memberId} AND ${m.erasedAt} IS NULL)`, expected);
  const ms = schema.memberships;
  const results = await db.batch([
    db
      .update(da)
      .set({ toAt: at })
      .where(and(eq(da.memberId, memberId), isNull(da.toAt), unchanged)),
    db
      .update(da)
      .set({ postalCode: null })
      .where(and(eq(da.memberId, memberId), unchanged)),
    db
      .update(ms)
      .set({ paymentReference: null, version: sql`${ms.version} + 1` })
      .where(and(eq(ms.memberId, memberId), unchanged)),
    db.delete(schema.signInCodes).where(and(eq(schema.signInCodes.memberId, memberId), unchanged)),
    // Sign-ups keep the address and name they were made with: those of the person, and any still pending for the address.
    db
      .delete(schema.signups)
      .where(
        and(
          or(
            eq(schema.signups.personId, memberId),
            sql`${schema.signups.orgId} = ${orgId} AND ${schema.signups.emailKey} = (SELECT ${m.emailKey} FROM ${m} WHERE ${m.id} = ${memberId})`,
          ),
          unchanged,
        ),
      ),
    // An erased person is in no group any more; the rows stay, closed, so group counts over time hold.
    db
      .update(gm)
      .set({ leftOn: day, version: sql`${gm.version} + 1` })
      .where(and(eq(gm.memberId, memberId), isNull(gm.leftOn), unchanged)),
    // Replayable responses of creating requests may hold the member's data (the created member itself).
    db.delete(keys).where(and(or(eq(keys.scope, `member:${memberId}`), sql`instr(${keys.body}, ${memberId}) > 0`), unchanged)),
    erased,
    ...webhookEvent({ db, orgId, now }, "member.erased", memberId, { ifChanged: true }),
  ]);
  const done = results[results.length - 3] as unknown[];
  if (done.length === 0 && expected !== undefined) throw staleVersion();
  return done.length > 0;
}
