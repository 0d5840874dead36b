import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { runLongBatch, type Statement } from "../db/sql.ts";

/**
 * District assignment: a member's area follows from their postal code, their district
 * group from their area (the active district group covering it). Reassignment is set-based
 * SQL so that changing an area's postal codes moves thousands of members in one batch, and
 * every move closes the member's open history row and opens a new one.
 */

/** Postal codes are compared without spaces and in upper case ("114 55" = "11455"). */
export function postalCodeKey(code: string | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  const key = code.replace(/\s+/g, "").toUpperCase();
  return key === "" ? null : key;
}

export type AssignmentReason = "created" | "address_changed" | "areas_changed" | "import";

/**
 * Which members to reassign. When postal codes change hands, the members at those codes are
 * all it can concern: a scope of codes reads only them, where a scope of areas reads every
 * member of the areas.
 */
export type ReassignScope = { memberIds: string[] } | { areaIds: string[] } | { postalCodes: string[] } | { all: true };

const mem = schema.members;
const apc = schema.areaPostalCodes;
const ga = schema.groupAreas;
const grp = schema.groups;

/** The area of the member's postal code, as SQL over `members`. */
const newArea = sql`(SELECT ${apc.areaId} FROM ${apc} WHERE ${apc.orgId} = ${mem.orgId} AND ${apc.postalCode} = ${mem.postalCodeKey})`;
/** The active district group covering that area. */
const newGroup = sql`(SELECT ${ga.groupId} FROM ${ga} JOIN ${grp} ON ${grp.id} = ${ga.groupId}
  WHERE ${ga.orgId} = ${mem.orgId} AND ${ga.areaId} = ${newArea} AND ${grp.kind} = 'district' AND ${grp.status} = 'active')`;
const changed = sql`(${mem.areaId} IS NOT ${newArea} OR ${mem.districtGroupId} IS NOT ${newGroup})`;

/**
 * Only members are assigned: a contact (never enrolled) belongs to no district group, so no
 * district roster or district mailing reaches them; enrolment assigns them.
 */
function scopeCondition(orgId: string, scope: ReassignScope): SQL {
  // Enrolment with a unary plus: without statistics SQLite would otherwise take the index on
  // organisation and enrolment, which holds every member, over the one on postal codes.
  const inOrg = sql`${mem.orgId} = ${orgId} AND ${mem.erasedAt} IS NULL AND +${mem.enrolled} = 1`;
  if ("all" in scope) return inOrg;
  if ("memberIds" in scope) {
    if (scope.memberIds.length === 0) return sql`0`;
    return sql`${inOrg} AND ${mem.id} IN (${sql.join(
      scope.memberIds.map((id) => sql`${id}`),
      sql`, `,
    )})`;
  }
  if ("postalCodes" in scope) {
    if (scope.postalCodes.length === 0) return sql`0`;
    return sql`${inOrg} AND ${mem.postalCodeKey} IN (${sql.join(
      scope.postalCodes.map((code) => sql`${code}`),
      sql`, `,
    )})`;
  }
  if (scope.areaIds.length === 0) return sql`0`;
  const areaList = sql.join(
    scope.areaIds.map((id) => sql`${id}`),
    sql`, `,
  );
  // Members now in one of the areas, and members whose postal code now lies in one. As a
  // union of two index searches (members_org_area_idx, members_org_postal_idx): written
  // as an OR, SQLite scans every member of the organisation and evaluates the rest per row.
  const inAreas = sql`SELECT s.id FROM members AS s WHERE s.org_id = ${orgId} AND s.area_id IN (${areaList})`;
  // From the areas' postal codes to the members at each: CROSS JOIN keeps that order, which
  // SQLite would otherwise give up, once it has statistics, for a walk over every member.
  const byCode = sql`SELECT s.id FROM area_postal_codes AS c CROSS JOIN members AS s
    WHERE c.org_id = ${orgId} AND c.area_id IN (${areaList}) AND s.org_id = ${orgId} AND s.postal_code_key = c.postal_code`;
  // The organisation is checked inside the union only: with it outside too, SQLite prefers
  // walking the organisation's index to looking up the few ids.
  return sql`${mem.erasedAt} IS NULL AND ${mem.enrolled} = 1 AND ${mem.id} IN (${inAreas} UNION ${byCode})`;
}

/** A UUID made by SQLite, for history rows written in bulk. */
const sqlUuid = sql`lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

/** What a reassignment covers: whose members, which of them, why, and the instant its history rows carry. */
export interface Reassignment {
  orgId: string;
  scope: ReassignScope;
  reason: AssignmentReason;
  now: Date;
  /** Every member in scope was created with these statements: none has a history row yet. */
  newMembers?: boolean;
}

/**
 * The statements that bring the members in scope to the area and district group their
 * postal code gives, recording each move. Run them in one batch with the write that made
 * them necessary (a new address, new postal codes), so both happen or neither. They take
 * the database and the organisation rather than a request's context: jobs and imports
 * reassign too.
 */
export function reassignStatements(db: Db, reassignment: Reassignment): [Statement, ...Statement[]] {
  const { orgId, scope, reason, now } = reassignment;
  const at = now.toISOString();
  const who = scopeCondition(orgId, scope);
  const da = schema.districtAssignments;
  const close = db.run(sql`UPDATE ${da} SET to_at = ${at}
      WHERE ${da.toAt} IS NULL AND ${da.memberId} IN (SELECT ${mem.id} FROM ${mem} WHERE ${who} AND ${changed})`);
  // A member's first history row, or a new one when the member moves.
  const opening = reassignment.newMembers ? sql`1` : sql`(${changed} OR NOT EXISTS (SELECT 1 FROM ${da} WHERE ${da.memberId} = ${mem.id}))`;
  const open = db.run(sql`INSERT INTO ${da} (id, org_id, member_id, area_id, district_group_id, postal_code, from_at, to_at, reason)
      SELECT ${sqlUuid}, ${mem.orgId}, ${mem.id}, ${newArea}, ${newGroup}, ${mem.postalCode}, ${at}, NULL, ${reason}
      FROM ${mem} WHERE ${who} AND ${opening}`);
  const move = db.run(sql`UPDATE ${mem} SET area_id = ${newArea}, district_group_id = ${newGroup} WHERE ${who} AND ${changed}`);
  return reassignment.newMembers ? [open, move] : [close, open, move];
}

/** Reassigns on its own, for changes that need nothing else written with them: a long batch, as the members in scope may be thousands. */
export async function reassign(db: Db, reassignment: Reassignment): Promise<void> {
  await runLongBatch(db, reassignStatements(db, reassignment));
}
