import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/sqlite-core";
import type { Ctx } from "../access/context.ts";
import { memberIdOf } from "../access/viewer.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { allRows, queryShapes, rowShape } from "../db/rows.ts";
import { localDay } from "../lib/dates.ts";
import { notFound } from "../lib/problems.ts";
import type { GroupRole } from "./groups.schemas.ts";
import { groupsPublic } from "./groups.service.ts";

/** Reading rosters, membership history and a member's own groups. */

const gm = schema.groupMemberships;
const members = schema.members;
const da = schema.districtAssignments;

/** Compares in SQLite's order for the ASCII keys used here (ids, dates, instants). */
const byKeys = (a: string[], b: string[]) => {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] as string, b[i] as string];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/**
 * Two lists, each already in key order and limited, merged into one in key order: the
 * first `limit` rows, a row whose key both hold taken from the first list.
 */
function mergeByKey<Row>(first: Row[], second: Row[], key: (row: Row) => string[], limit: number): Row[] {
  const out: Row[] = [];
  let [i, j] = [0, 0];
  while (out.length < limit && (i < first.length || j < second.length)) {
    const [x, y] = [first[i], second[j]];
    const order = x === undefined ? 1 : y === undefined ? -1 : byKeys(key(x), key(y));
    if (order <= 0) out.push(first[i++] as Row);
    else out.push(second[j++] as Row);
    if (order === 0) j++;
  }
  return out;
}

const assignedAt = sql<
  string | null
>`(SELECT ${da.fromAt} FROM ${da} WHERE ${da.memberId} = ${members.id} AND ${da.toAt} IS NULL ORDER BY ${da.fromAt} DESC LIMIT 1)`;

interface RosterRow {
  memberId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** Null for a member the district assigns, with no row of their own. */
  role: GroupRole | null;
  joinedOn: string | null;
  assignedAt: string | null;
  createdAt: string;
}

const rosterRow = rowShape<RosterRow>({
  memberId: members.id,
  name: members.name,
  email: members.email,
  phone: members.phone,
  role: gm.role,
  joinedOn: gm.joinedOn,
  assignedAt,
  createdAt: members.createdAt,
});

const value = (name: string) => sql.placeholder(name);
const qb = new QueryBuilder();
/** The two roster queries, one per shape: which filters are given, and whether a cursor. */
const rosterQueries = queryShapes();

/**
 * A page of a group's members now, read from the roster side: its open rows in member
 * order (the partial index on open memberships) and, for a district group, the members
 * its areas assign (members_org_district_idx, in id order), each limited to the page and
 * merged. Starting from the organisation's members would cost the organisation, not the page.
 */
export async function rosterOf(
  ctx: Ctx,
  options: { groupId: string; role?: GroupRole; memberId?: string; limit: number; cursor?: string },
) {
  const { db, org } = ctx;
  const { groupId, limit, cursor, ...filter } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const shape = `${filter.role ? "role" : ""} ${filter.memberId ? "member" : ""} ${after === undefined ? "" : "after"}`;
  const values = { orgId: org.id, groupId, role: filter.role, memberId: filter.memberId, after, limit: limit + 1 };
  const explicit = rosterQueries(`explicit ${shape}`, () =>
    qb
      .select(rosterRow.selection)
      .from(gm)
      .innerJoin(members, eq(members.id, gm.memberId))
      .where(
        and(
          eq(gm.groupId, value("groupId")),
          isNull(gm.leftOn),
          eq(members.orgId, value("orgId")),
          isNull(members.erasedAt),
          filter.role ? eq(gm.role, value("role")) : undefined,
          filter.memberId ? eq(gm.memberId, value("memberId")) : undefined,
          after === undefined ? undefined : gt(gm.memberId, value("after")),
        ),
      )
      .orderBy(asc(gm.memberId))
      .limit(value("limit")),
  );
  const assigned = rosterQueries(`assigned ${shape}`, () =>
    qb
      .select(rosterRow.selection)
      .from(members)
      .leftJoin(gm, and(eq(gm.memberId, members.id), eq(gm.groupId, value("groupId")), isNull(gm.leftOn)))
      .where(
        and(
          eq(members.orgId, value("orgId")),
          eq(members.districtGroupId, value("groupId")),
          isNull(members.erasedAt),
          filter.role ? sql`coalesce(${gm.role}, 'member') = ${value("role")}` : undefined,
          filter.memberId ? eq(members.id, value("memberId")) : undefined,
          after === undefined ? undefined : gt(members.id, value("after")),
        ),
      )
      .orderBy(asc(members.id))
      .limit(value("limit")),
  );
  const [explicitRows, assignedRows] = await Promise.all([
    allRows(db, explicit, rosterRow, values),
    // Only members with the plain role come by address alone; others have an open row too.
    filter.role && filter.role !== "member" ? [] : allRows(db, assigned, rosterRow, values),
  ]);
  const rows = mergeByKey(explicitRows, assignedRows, (row) => [row.memberId], limit + 1);
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
  // Each side walks its own index in (start, id) order from the cursor on, limited to the
  // page, and the two are merged: explicit rows by group_memberships_history_idx, district
  // stays by district_assignments_group_idx. Only the page is read, whatever the group's past.
  const only = (column: string) => (filter.memberId ? sql`AND ${sql.raw(column)} = ${filter.memberId}` : sql``);
  const from = (started: string) => (after ? sql`AND (${sql.raw(started)}, h.id) > (${after[0]}, ${after[1]})` : sql``);
  const [explicit, district] = await Promise.all([
    db.all<HistoryRow>(sql`SELECT h.id, h.member_id, h.role, 'explicit' AS source, h.joined_on AS started, h.left_on AS ended, m.name AS name
      FROM group_memberships AS h JOIN members AS m ON m.id = h.member_id
      WHERE h.group_id = ${groupId} ${only("h.member_id")} ${from("h.joined_on")}
      ORDER BY h.joined_on, h.id LIMIT ${limit + 1}`),
    db.all<HistoryRow>(sql`SELECT h.id, h.member_id, 'member' AS role, 'district' AS source, h.from_at AS started, h.to_at AS ended, m.name AS name
      FROM district_assignments AS h JOIN members AS m ON m.id = h.member_id
      WHERE h.district_group_id = ${groupId} AND h.org_id = ${org.id} ${only("h.member_id")} ${from("h.from_at")}
      ORDER BY h.from_at, h.id LIMIT ${limit + 1}`),
  ]);
  const rows = mergeByKey(explicit, district, (row) => [row.started, row.id], limit + 1);
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

/** The member's groups now, with their role: open rows, and their district group by address. */
export async function myGroups(ctx: Ctx, options: { limit: number; cursor?: string; groupId?: string }) {
  const { db, org } = ctx;
  const { limit, cursor, groupId } = options;
  const memberId = memberIdOf(ctx.viewer);
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const member = await db.query.members.findFirst({ columns: { districtGroupId: true, createdAt: true }, where: eq(members.id, memberId) });
  if (!member) throw notFound("Member");
  const groups = schema.groups;
  // From the member's side: their open rows (group_memberships_member_idx, in group order)
  // and their district group, rather than every group of the organisation tested in turn.
  const columns = { group: groups, role: gm.role, joinedOn: gm.joinedOn };
  const wanted = (column: typeof gm.groupId | typeof groups.id) =>
    and(groupId === undefined ? undefined : eq(column, groupId), after === undefined ? undefined : gt(column, after));
  const [explicit, district] = await Promise.all([
    db
      .select(columns)
      .from(gm)
      .innerJoin(groups, eq(groups.id, gm.groupId))
      .where(and(eq(gm.memberId, memberId), isNull(gm.leftOn), eq(groups.orgId, org.id), wanted(gm.groupId)))
      .orderBy(asc(gm.groupId))
      .limit(limit + 1),
    member.districtGroupId
      ? db
          .select(columns)
          .from(groups)
          .leftJoin(gm, and(eq(gm.groupId, groups.id), eq(gm.memberId, memberId), isNull(gm.leftOn)))
          .where(and(eq(groups.id, member.districtGroupId), eq(groups.orgId, org.id), wanted(groups.id)))
      : [],
  ]);
  const rows = mergeByKey(explicit, district, (row) => [row.group.id], limit + 1);
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
