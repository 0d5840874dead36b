import { sql } from "drizzle-orm";
import type { monthlyRecipients, unreachedReasons } from "../../drizzle/mailings.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { statusSql } from "../members/status.ts";
import { type Category, suppressionReasonSql } from "./audience.ts";

/**
 * Whom the monthly group mailing of each active group goes to. Every active group is
 * mailed on its own (one message per group and recipient), so a member who convenes a
 * local group and a network gets both groups' mailings, each naming its group.
 *
 * - `conveners`: the group's conveners in good standing; when none of them can be mailed
 *   (all lapsed, left, or without a deliverable address), its contact persons instead.
 * - `members`: everyone in good standing who belongs to the group (its roster with every
 *   role, and for a district group everyone assigned to it).
 *
 * A group with nobody to mail is answered as unreached, with the reason, for the report.
 */
export type MonthlyRecipients = (typeof monthlyRecipients)[number];
export type UnreachedReason = (typeof unreachedReasons)[number];

export interface GroupRecipients {
  groupId: string;
  groupName: string;
  /** Everyone addressed, the undeliverable ones too (they get a suppressed delivery saying why). */
  memberIds: string[];
}

export interface GroupUnreached {
  groupId: string;
  reason: UnreachedReason;
}

type Tier = "convener" | "contact_person" | "member";

export async function monthlyRecipientsOf(
  db: Db,
  options: { orgId: string; day: string; category: Category; recipients: MonthlyRecipients },
): Promise<{ reached: GroupRecipients[]; unreached: GroupUnreached[] }> {
  const { orgId, day, category, recipients } = options;
  const m = schema.members;
  const g = schema.groups;
  const gm = schema.groupMemberships;
  const goodStanding = sql`(${statusSql(day)}) IN ('current', 'grace') AND ${m.erasedAt} IS NULL AND ${m.orgId} = ${orgId}`;
  const deliverable = sql`(${suppressionReasonSql(orgId, category)}) IS NULL`;
  const roles = recipients === "members" ? sql`` : sql`AND ${gm.role} IN ('convener', 'contact_person')`;
  const district =
    recipients === "members"
      ? sql`UNION SELECT ${m.districtGroupId}, ${m.id}, 'member', ${deliverable} FROM ${m}
          WHERE ${m.districtGroupId} IS NOT NULL AND ${goodStanding}`
      : sql``;
  const [groups, rows] = await Promise.all([
    db.all<{ id: string; name: string }>(
      sql`SELECT ${g.id} AS id, ${g.name} AS name FROM ${g} WHERE ${g.orgId} = ${orgId} AND ${g.status} = 'active' ORDER BY ${g.id}`,
    ),
    db.all<{ group_id: string; member_id: string; role: Tier; deliverable: number }>(
      sql`SELECT ${gm.groupId} AS group_id, ${m.id} AS member_id, ${gm.role} AS role, ${deliverable} AS deliverable
        FROM ${gm} JOIN ${m} ON ${m.id} = ${gm.memberId}
        WHERE ${gm.orgId} = ${orgId} AND ${gm.leftOn} IS NULL ${roles} AND ${goodStanding}
        ${district}
        ORDER BY member_id`,
    ),
  ]);
  const byGroup = new Map<string, typeof rows>();
  for (const row of rows) byGroup.set(row.group_id, [...(byGroup.get(row.group_id) ?? []), row]);
  const reached: GroupRecipients[] = [];
  const unreached: GroupUnreached[] = [];
  for (const group of groups) {
    const candidates = byGroup.get(group.id) ?? [];
    const tiers: Tier[][] = recipients === "members" ? [["convener", "contact_person", "member"]] : [["convener"], ["contact_person"]];
    // The first tier with anyone who can be mailed; everyone of that tier is addressed.
    const tier = tiers
      .map((roles) => candidates.filter((row) => roles.includes(row.role)))
      .find((rows) => rows.some((row) => Number(row.deliverable) === 1));
    if (tier) {
      reached.push({ groupId: group.id, groupName: group.name, memberIds: [...new Set(tier.map((row) => row.member_id))] });
    } else {
      unreached.push({ groupId: group.id, reason: candidates.length > 0 ? "no_address" : "no_recipients" });
    }
  }
  return { reached, unreached };
}
