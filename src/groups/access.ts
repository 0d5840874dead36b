import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { jsonValues } from "../db/sql.ts";
import { inGoodStandingSql } from "../members/status.ts";

/**
 * What a member may see or do because of a group role. A convener (or contact person)
 * of a group sees the contact details of its members and manages its roster; nobody else
 * sees another member's personal data. The role is a member's right: it counts only while
 * the leader's membership is current or in grace (`day`, the organisation's local day).
 * Belonging to a group (an open group membership, or the district group of one's address)
 * is what the events' visibility and a leader's sight of members both go by.
 */

const gm = schema.groupMemberships;
const leading = ["convener", "contact_person"] as const;

/** Groups the member leads on the day (convener or contact person, in good standing). */
export async function ledGroupIds(db: Db, orgId: string, memberId: string, day: string): Promise<string[]> {
  const rows = await db
    .select({ groupId: gm.groupId })
    .from(gm)
    .where(
      and(
        eq(gm.orgId, orgId),
        eq(gm.memberId, memberId),
        isNull(gm.leftOn),
        inArray(gm.role, [...leading]),
        inGoodStandingSql(memberId, day),
      ),
    );
  return rows.map((row) => row.groupId);
}

/** Whether the member leads the group on the day. Takes the database, not a request's context: the events' rules ask too. */
export async function leadsGroup(db: Db, options: { orgId: string; memberId: string; groupId: string; day: string }): Promise<boolean> {
  const { orgId, memberId, groupId, day } = options;
  return (await ledGroupIds(db, orgId, memberId, day)).includes(groupId);
}

/** The groups a member belongs to: open group memberships plus the district group of their address. */
export async function memberGroupIds(db: Db, orgId: string, memberId: string): Promise<string[]> {
  return (await groupIdsOfMembers(db, orgId, [memberId])).get(memberId) ?? [];
}

/** The same for many members at once (the recipients of a mailing), in two queries. */
export async function groupIdsOfMembers(db: Db, orgId: string, memberIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(memberIds.map((id) => [id, []]));
  if (memberIds.length === 0) return out;
  const [roster, districts] = await Promise.all([
    db
      .select({ memberId: gm.memberId, groupId: gm.groupId })
      .from(gm)
      .where(and(eq(gm.orgId, orgId), isNull(gm.leftOn), sql`${gm.memberId} IN ${jsonValues(memberIds)}`)),
    db
      .select({ memberId: schema.members.id, groupId: schema.members.districtGroupId })
      .from(schema.members)
      // The organisation with a unary plus: it is checked, but cannot lead SQLite (without
      // statistics) to walk the organisation's district index rather than look up the ids.
      .where(and(sql`+${schema.members.orgId} = ${orgId}`, sql`${schema.members.id} IN ${jsonValues(memberIds)}`)),
  ]);
  for (const { memberId, groupId } of [...roster, ...districts]) {
    const groups = out.get(memberId);
    if (groupId && groups && !groups.includes(groupId)) groups.push(groupId);
  }
  return out;
}

/** Whether `memberId` belongs (as `memberGroupIds` has it) to a group that `leaderId` leads. */
export async function isInGroupLedBy(
  db: Db,
  options: { orgId: string; leaderId: string; memberId: string; day: string },
): Promise<boolean> {
  const { orgId, leaderId, memberId, day } = options;
  const led = await ledGroupIds(db, orgId, leaderId, day);
  if (led.length === 0) return false;
  return (await memberGroupIds(db, orgId, memberId)).some((groupId) => led.includes(groupId));
}
