import { and, asc, eq, gt, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { memberIdOf } from "../access/viewer.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { localDay } from "../lib/dates.ts";
import { notFound } from "../lib/problems.ts";
import type { GroupRole } from "./groups.schemas.ts";
import { groupsPublic } from "./groups.service.ts";

/** Reading rosters, membership history and a member's own groups. */

const gm = schema.groupMemberships;
const members = schema.members;
const da = schema.districtAssignments;

/** The members of a group now: open rows, and for a district group the members its areas assign. */
function inGroup(orgId: string, groupId: string): SQL {
  return sql`${members.id} IN (SELECT member_id FROM group_memberships WHERE group_id = ${groupId} AND left_on IS NULL
    UNION ALL SELECT id FROM members WHERE org_id = ${orgId} AND district_group_id = ${groupId})`;
}

const assignedAt = sql<
  string | null
>`(SELECT ${da.fromAt} FROM ${da} WHERE ${da.memberId} = ${members.id} AND ${da.toAt} IS NULL ORDER BY ${da.fromAt} DESC LIMIT 1)`;

export async function rosterOf(
  ctx: Ctx,
  options: { groupId: string; role?: GroupRole; memberId?: string; limit: number; cursor?: string },
) {
  const { db, org } = ctx;
  const { groupId, limit, cursor, ...filter } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const rows = await db
    .select({
      memberId: members.id,
      name: members.name,
      email: members.email,
      phone: members.phone,
      role: gm.role,
      joinedOn: gm.joinedOn,
      assignedAt,
      createdAt: members.createdAt,
    })
    .from(members)
    .leftJoin(gm, and(eq(gm.memberId, members.id), eq(gm.groupId, groupId), isNull(gm.leftOn)))
    .where(
      and(
        eq(members.orgId, org.id),
        isNull(members.erasedAt),
        inGroup(org.id, groupId),
        filter.role ? sql`coalesce(${gm.role}, 'member') = ${filter.role}` : undefined,
        filter.memberId ? eq(members.id, filter.memberId) : undefined,
        after === undefined ? undefined : gt(members.id, after),
      ),
    )
    .orderBy(asc(members.id))
    .limit(limit + 1);
  return page(
    rows,
    limit,
    (row) => ({
      memberId: row.memberId,
      name: row.name,
      email: row.email,
      phone: row.phone,
      role: row.role ?? ("member" as const),
      joinedOn: row.joinedOn ?? localDay(new Date(row.assignedAt ?? row.createdAt), org.timeZone),
      source: row.role ? ("explicit" as const) : ("district" as const),
    }),
    (row) => [row.memberId],
  );
}

interface HistoryRow {
  id: string;
  member_id: string;
  name: string | null;
  role: GroupRole;
  source: "explicit" | "district";
  started: string;
  ended: string | null;
  [key: string]: unknown;
}

/** A date column, or the local day of an instant column (district stays are instants). */
const dayOf = (value: string, timeZone: string) => (value.length > 10 ? localDay(new Date(value), timeZone) : value);

/**
 * Every membership record of a group, past and present, oldest first: explicit rows, and
 * for a district group each stay of a member assigned to it by address.
 */
export async function historyOf(ctx: Ctx, options: { groupId: string; memberId?: string; limit: number; cursor?: string }) {
  const { db, org } = ctx;
  const { groupId, limit, cursor, ...filter } = options;
  const after = cursor ? decodeCursor(cursor, ["string", "string"]) : undefined;
  const rows = await db.all<HistoryRow>(sql`SELECT h.*, m.name AS name FROM (
      SELECT id, member_id, role, 'explicit' AS source, joined_on AS started, left_on AS ended
        FROM group_memberships WHERE group_id = ${groupId}
      UNION ALL
      SELECT id, member_id, 'member', 'district', from_at, to_at
        FROM district_assignments WHERE org_id = ${org.id} AND district_group_id = ${groupId}
    ) h JOIN members m ON m.id = h.member_id
    WHERE 1 ${filter.memberId ? sql`AND h.member_id = ${filter.memberId}` : sql``}
      ${after ? sql`AND (h.started > ${after[0]} OR (h.started = ${after[0]} AND h.id > ${after[1]}))` : sql``}
    ORDER BY h.started, h.id LIMIT ${limit + 1}`);
  return page(
    rows,
    limit,
    (row) => ({
      memberId: row.member_id,
      name: row.name,
      role: row.role,
      source: row.source,
      joinedOn: dayOf(row.started, org.timeZone),
      leftOn: row.ended === null ? null : dayOf(row.ended, org.timeZone),
    }),
    (row) => [row.started, row.id],
  );
}

/** The caller's groups now (a member acting for themselves), with their role: open rows, and their district group by address. */
export async function myGroups(ctx: Ctx, options: { limit: number; cursor?: string; groupId?: string }) {
  const { db, org } = ctx;
  const { limit, cursor, groupId } = options;
  const memberId = memberIdOf(ctx.viewer);
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const member = await db.query.members.findFirst({ columns: { districtGroupId: true, createdAt: true }, where: eq(members.id, memberId) });
  if (!member) throw notFound("Member");
  const groups = schema.groups;
  const rows = await db
    .select({ group: groups, role: gm.role, joinedOn: gm.joinedOn })
    .from(groups)
    .leftJoin(gm, and(eq(gm.groupId, groups.id), eq(gm.memberId, memberId), isNull(gm.leftOn)))
    .where(
      and(
        eq(groups.orgId, org.id),
        or(sql`${gm.id} IS NOT NULL`, member.districtGroupId ? eq(groups.id, member.districtGroupId) : sql`0`),
        groupId === undefined ? undefined : eq(groups.id, groupId),
        after === undefined ? undefined : gt(groups.id, after),
      ),
    )
    .orderBy(asc(groups.id))
    .limit(limit + 1);
  const [assigned] = await db
    .select({ fromAt: da.fromAt })
    .from(da)
    .where(and(eq(da.memberId, memberId), isNull(da.toAt)))
    .limit(1);
  const assignedOn = localDay(new Date(assigned?.fromAt ?? member.createdAt), org.timeZone);
  const shown = await groupsPublic(
    ctx,
    rows.slice(0, limit).map((row) => row.group),
  );
  const byId = new Map(shown.map((group) => [group.id, group]));
  return page(
    rows,
    limit,
    (row) => ({
      group: byId.get(row.group.id) as (typeof shown)[number],
      role: row.role ?? ("member" as const),
      joinedOn: row.joinedOn ?? assignedOn,
      source: row.role ? ("explicit" as const) : ("district" as const),
    }),
    (row) => [row.group.id],
  );
}
