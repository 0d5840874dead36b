import { and, eq, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { isSelf, isStaff, memberIdOf, type Viewer } from "../access/viewer.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { runBatch } from "../db/sql.ts";
import { type Expected, lostRace, requireVersion, staleVersion } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { ApiError, conflict, invalid, notFound } from "../lib/problems.ts";
import { requireActiveStanding } from "../members/status.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { leadsGroup } from "./access.ts";
import type { GroupRole } from "./groups.schemas.ts";
import type { GroupRow } from "./groups.service.ts";

/**
 * Group membership. Explicit rows (joined, or given a role) keep joined and left dates;
 * leaving closes the row and rejoining opens a new one, so the history stays. A district
 * group's ordinary members are not rows: they follow from the address (members.district_group_id).
 */

const gm = schema.groupMemberships;
const members = schema.members;

const forbidden = (detail: string) => new ApiError("forbidden", detail);

/**
 * What the caller may do with a group's roster: staff manage it, leaders (in good standing
 * on the organisation's day) manage most of it, readonly keys read it.
 */
export async function rosterAccess(ctx: Ctx, options: { group: GroupRow; write: boolean }): Promise<"staff" | "leader" | "reader"> {
  const { viewer } = ctx;
  const { group, write } = options;
  if (isStaff(viewer)) return "staff";
  if (viewer.kind === "key") {
    if (write) throw forbidden("Changing a roster needs a key with the 'staff' role; this key is 'readonly'.");
    return "reader";
  }
  const leads =
    viewer.kind === "member" &&
    (await leadsGroup(ctx.db, { orgId: ctx.org.id, memberId: viewer.memberId, groupId: group.id, day: ctx.day }));
  if (leads) return "leader";
  throw forbidden("Only the group's conveners and contact persons (and staff) see and manage its roster.");
}

/** Rules for leaders who are not staff: committees and conveners are the organisation's to appoint. */
export function checkLeaderChange(group: GroupRow, actor: Viewer, target: { memberId: string; from?: GroupRole; to?: GroupRole }) {
  if (isStaff(actor)) return;
  if (group.kind === "committee") throw forbidden("Committee members are appointed by staff.");
  const self = isSelf(actor, target.memberId) && target.to === undefined;
  if ((target.from === "convener" || target.to === "convener") && !self) {
    throw forbidden("Only staff appoint or remove conveners; conveners and contact persons manage members and contact persons.");
  }
}

async function openRow(db: Db, groupId: string, memberId: string) {
  return db.query.groupMemberships.findFirst({ where: and(eq(gm.groupId, groupId), eq(gm.memberId, memberId), isNull(gm.leftOn)) });
}

/** The highest version of the member's explicit rows in the group: the next row takes the one above it. */
const latestVersion = (groupId: string, memberId: string) =>
  sql<number>`(SELECT coalesce(max(${gm.version}), 0) FROM ${gm} WHERE ${gm.groupId} = ${groupId} AND ${gm.memberId} = ${memberId})`;

/**
 * The version of a roster entry (its ETag): that of the member's open explicit row, which is
 * always their newest; for a member the group has by address only, that of their last
 * explicit row, or 0. Read before the entry itself, so an ETag is never newer than what it is sent with.
 */
export async function entryVersion(ctx: Ctx, options: { groupId: string; memberId: string }): Promise<number> {
  const { groupId, memberId } = options;
  const [row] = await ctx.db.all<{ version: number }>(sql`SELECT ${latestVersion(groupId, memberId)} AS version`);
  return Number(row?.version ?? 0);
}

async function memberOf(db: Db, orgId: string, memberId: string) {
  return db.query.members.findFirst({
    columns: { id: true, districtGroupId: true },
    where: and(eq(members.orgId, orgId), eq(members.id, memberId), isNull(members.erasedAt)),
  });
}

const districtRefusal = () =>
  new ApiError(
    "conflict",
    "Members of a district group are assigned by their address (postal code → area → district group), not added; " +
      "only the roles convener and contact_person are given explicitly.",
    { extra: { reason: "district_assigned" } },
  );

/**
 * Adds a member with a role: the group must be active, the member in active standing
 * (a current or in-grace membership of an active kind), and not already in it.
 */
export async function addToGroup(ctx: Ctx, options: { group: GroupRow; memberId: string; role: GroupRole }) {
  const { db, org, now, day: today } = ctx;
  const { group, memberId, role } = options;
  if (group.status !== "active") {
    throw new ApiError("conflict", `The group is ${group.status}; only active groups take members.`, {
      extra: { reason: "group_not_active" },
    });
  }
  const member = await memberOf(db, org.id, memberId);
  if (!member) throw invalid("body.memberId", "is no member of this organisation");
  if (group.kind === "district" && role === "member") throw districtRefusal();
  await requireActiveStanding(db, memberId, today, "join a group");
  const existing = await openRow(db, group.id, memberId);
  if (existing) {
    throw new ApiError("conflict", `The member is already in this group (as ${existing.role} since ${existing.joinedOn}).`, {
      extra: { reason: "already_member" },
    });
  }
  const row = { id: newId(now), orgId: org.id, groupId: group.id, memberId, role, joinedOn: today, leftOn: null };
  // The partial unique index refuses a second open row if two requests race past the check.
  await db.batch([
    db.insert(gm).values({ ...row, version: sql`${latestVersion(group.id, memberId)} + 1` }),
    ...webhookEvent({ db, orgId: org.id, now }, "group_membership.changed", row.id, { detail: { change: "joined" } }),
  ]);
  return row;
}

/**
 * A role change ends the row and opens one with the new role today, so the history shows
 * who was convener when. A district group has no `member` rows: there, removing the role
 * is how a convener goes back to being an ordinary (assigned) member.
 */
export async function changeRole(ctx: Ctx, options: { group: GroupRow; memberId: string; role: GroupRole; expected: Expected }) {
  const { db, org, now, day: today } = ctx;
  const { group, memberId, role, expected } = options;
  const current = await openRow(db, group.id, memberId);
  if (!current) throw notFound("An explicit membership of this member in the group");
  requireVersion(expected, current.version);
  if (current.role === role) return current;
  if (group.status !== "active") throw conflict(`The group is ${group.status}; its roster cannot change.`);
  if (group.kind === "district" && role === "member") throw districtRefusal();
  await requireActiveStanding(db, memberId, today, "take on a group role");
  const row = { id: newId(now), orgId: org.id, groupId: group.id, memberId, role, joinedOn: today, leftOn: null };
  // Closing the row read is the compare-and-swap (rows change only by being closed); the new
  // row is written only if that close took (`changes()`), so a concurrent change wins whole.
  const [closed] = await runBatch(db, [
    db
      .update(gm)
      .set({ leftOn: today })
      .where(and(eq(gm.id, current.id), isNull(gm.leftOn)))
      .returning({ id: gm.id }),
    db.run(sql`INSERT INTO ${gm} (id, org_id, group_id, member_id, role, joined_on, left_on, version)
      SELECT ${row.id}, ${row.orgId}, ${row.groupId}, ${row.memberId}, ${row.role}, ${row.joinedOn}, NULL, ${current.version + 1}
      WHERE changes() = 1`),
    ...webhookEvent({ db, orgId: org.id, now }, "group_membership.changed", row.id, {
      detail: { change: "role_changed" },
      ifChanged: true,
    }),
  ]);
  if ((closed as unknown[]).length === 0) {
    throw lostRace(expected, () => conflict("The membership changed meanwhile; read it again and retry."));
  }
  return row;
}

/** Ends the member's explicit membership today. Being assigned by address is not ended here: that follows the address. */
export async function endMembership(ctx: Ctx, options: { group: GroupRow; memberId: string; expected: Expected }) {
  const { db, org, now } = ctx;
  const { group, memberId, expected } = options;
  const current = await openRow(db, group.id, memberId);
  if (!current) {
    const member = await memberOf(db, org.id, memberId);
    if (member && group.kind === "district" && member.districtGroupId === group.id) {
      throw new ApiError("conflict", "The member belongs to this district group by their address; a change of address moves them.", {
        extra: { reason: "district_assigned" },
      });
    }
    throw notFound("A membership of this member in the group");
  }
  requireVersion(expected, current.version);
  // Ending bumps the row's version, so the entry's ETag moves on even when the member stays (by address).
  const [endedRows] = await db.batch([
    db
      .update(gm)
      .set({ leftOn: ctx.day, version: sql`${gm.version} + 1` })
      .where(and(eq(gm.id, current.id), isNull(gm.leftOn)))
      .returning({ id: gm.id }),
    ...webhookEvent({ db, orgId: org.id, now }, "group_membership.changed", current.id, { detail: { change: "left" }, ifChanged: true }),
  ]);
  const [ended] = endedRows;
  // Without If-Match, ending what a concurrent request ended is done all the same.
  if (!ended && expected !== undefined) throw staleVersion();
  return current;
}

export async function currentRole(ctx: Ctx, options: { groupId: string; memberId: string }): Promise<GroupRole | undefined> {
  return (await openRow(ctx.db, options.groupId, options.memberId))?.role;
}

/**
 * The caller, a member acting for themselves, joins: local groups, networks, interest and
 * working groups. District groups follow the address and committees are appointed by staff.
 */
export async function joinSelf(ctx: Ctx, group: GroupRow) {
  if (group.kind === "district") throw districtRefusal();
  if (group.kind === "committee") throw forbidden("Committee members are appointed by staff; a member cannot join a committee.");
  return addToGroup(ctx, { group, memberId: memberIdOf(ctx.viewer), role: "member" });
}
