import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { inGoodStandingSql } from "../members/status.ts";

/**
 * What a member may see or do because of a group role. A convener (or contact person)
 * of a group sees the contact details of its members and manages its roster; nobody else
 * sees another member's personal data. The role is a member's right: it counts only while
 * the leader's membership is current or in grace (`day`, the organisation's local day).
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

export async function leadsGroup(db: Db, orgId: string, memberId: string, groupId: string, day: string): Promise<boolean> {
  return (await ledGroupIds(db, orgId, memberId, day)).includes(groupId);
}

/**
 * Whether `memberId` belongs to a group that `leaderId` leads: by an open group
 * membership, or, for district groups, by district assignment.
 */
export async function isInGroupLedBy(db: Db, orgId: string, leaderId: string, memberId: string, day: string): Promise<boolean> {
  const groups = await ledGroupIds(db, orgId, leaderId, day);
  if (groups.length === 0) return false;
  const [viaRoster] = await db
    .select({ n: sql<number>`1` })
    .from(gm)
    .where(and(eq(gm.memberId, memberId), isNull(gm.leftOn), inArray(gm.groupId, groups)))
    .limit(1);
  if (viaRoster) return true;
  const [viaDistrict] = await db
    .select({ n: sql<number>`1` })
    .from(schema.members)
    .where(and(eq(schema.members.id, memberId), eq(schema.members.orgId, orgId), inArray(schema.members.districtGroupId, groups)))
    .limit(1);
  return viaDistrict !== undefined;
}
