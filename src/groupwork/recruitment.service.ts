import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { allLongIf } from "../db/long-reads.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { invalid, notFound } from "../lib/problems.ts";
import { memberRow } from "../members/members.queries.ts";
import { groupToRead } from "./group-rights.ts";
import type { RecruitmentInput } from "./recruitment.schemas.ts";

const rc = schema.recruitments;
type RecruitmentRow = typeof rc.$inferSelect;

export function toRecruitmentPublic(row: RecruitmentRow) {
  const { orgId: _, ...rest } = row;
  return rest;
}

/** 422 naming the field unless the id is a row of this organisation in `table`. */
async function requireOwn(
  ctx: Ctx,
  table: typeof schema.groups | typeof schema.events | typeof schema.campaigns,
  id: string,
  field: string,
  what: string,
) {
  const [found] = await ctx.db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.orgId, ctx.org.id), eq(table.id, id)))
    .limit(1);
  if (!found) throw invalid(field, `is not ${what} of this organisation`);
}

export async function getRecruitment(ctx: Ctx, options: { memberId: string }) {
  const member = await memberRow(ctx, options.memberId);
  const row = await ctx.db.query.recruitments.findFirst({ where: eq(rc.memberId, member.id) });
  if (!row) throw notFound("Recruitment");
  return row;
}

/**
 * Attributes a member to the group (and event or campaign) that recruited them, or corrects
 * the attribution: one per member. `created` tells whether there was none before.
 */
export async function putRecruitment(
  ctx: Ctx,
  options: { memberId: string; input: RecruitmentInput; expected: Expected; mustExist: boolean },
) {
  const { input, expected } = options;
  const member = await memberRow(ctx, options.memberId);
  const current = await ctx.db.query.recruitments.findFirst({ where: eq(rc.memberId, member.id) });
  if (!current && options.mustExist) throw staleVersion();
  if (current) requireVersion(expected, current.version);
  await requireOwn(ctx, schema.groups, input.groupId, "body.groupId", "a group");
  if (input.eventId) await requireOwn(ctx, schema.events, input.eventId, "body.eventId", "an event");
  if (input.campaignId) await requireOwn(ctx, schema.campaigns, input.campaignId, "body.campaignId", "a campaign");
  const recruitedOn = input.recruitedOn ?? ctx.day;
  if (recruitedOn > ctx.day) throw invalid("body.recruitedOn", "must not be in the future");
  const at = ctx.now.toISOString();
  const fields = {
    groupId: input.groupId,
    eventId: input.eventId ?? null,
    campaignId: input.campaignId ?? null,
    source: input.source,
    reference: input.reference ?? null,
    recruitedOn,
    updatedAt: at,
  };
  if (!current) {
    const row: RecruitmentRow = { memberId: member.id, orgId: ctx.org.id, ...fields, version: 1, createdAt: at };
    const inserted = await ctx.db.insert(rc).values(row).onConflictDoNothing().returning({ memberId: rc.memberId });
    if (inserted.length === 0) throw staleVersion();
    return { row, created: true };
  }
  const [row] = await ctx.db
    .update(rc)
    .set({ ...fields, version: sql`${rc.version} + 1` })
    .where(and(eq(rc.memberId, member.id), versionMatches(rc.version, expected ?? [current.version])))
    .returning();
  if (!row) throw staleVersion();
  return { row, created: false };
}

export interface RecruitmentFigures {
  groupId: string;
  recruited: number;
  newMembers: number;
  newSupporters: number;
  yearPassed: number;
  stillMembersAfterAYear: number;
}

/**
 * Recruitment of groups in a period, as one aggregate: a recruit counts as a new member or a
 * new supporter by the kind of the membership that covers the day they were recruited, or
 * else their first after it; once a year has passed, whether they were still current or in
 * grace on the anniversary.
 */
export async function recruitmentFigures(ctx: Ctx, options: { from: string; to: string; groupId?: string }): Promise<RecruitmentFigures[]> {
  const { from, to, groupId } = options;
  // Written out in full: in a query's select list the ORM leaves columns unqualified, which the
  // correlated subqueries here cannot have.
  const rows = await allLongIf<Record<string, string | number>>(
    groupId === undefined,
    ctx.db,
    sql`
    SELECT group_id AS groupId, count(*) AS recruited,
      coalesce(sum(kind = 'active'), 0) AS newMembers,
      coalesce(sum(kind = 'supporting'), 0) AS newSupporters,
      coalesce(sum(anniversary <= ${ctx.day}), 0) AS yearPassed,
      coalesce(sum(anniversary <= ${ctx.day} AND still), 0) AS stillMembersAfterAYear
    FROM (
      SELECT r.group_id,
        (SELECT m.kind FROM memberships AS m WHERE m.member_id = r.member_id AND m.ends_on >= r.recruited_on
          ORDER BY m.starts_on LIMIT 1) AS kind,
        date(r.recruited_on, '+1 year') AS anniversary,
        EXISTS (SELECT 1 FROM memberships AS m WHERE m.member_id = r.member_id
          AND m.starts_on <= date(r.recruited_on, '+1 year') AND m.grace_until >= date(r.recruited_on, '+1 year')) AS still
      FROM recruitments AS r
      WHERE r.org_id = ${ctx.org.id} AND r.recruited_on BETWEEN ${from} AND ${to} ${groupId ? sql`AND r.group_id = ${groupId}` : sql``}
    )
    GROUP BY group_id
    ORDER BY group_id`,
  );
  return rows.map((row) => ({
    groupId: String(row.groupId),
    recruited: Number(row.recruited),
    newMembers: Number(row.newMembers),
    newSupporters: Number(row.newSupporters),
    yearPassed: Number(row.yearPassed),
    stillMembersAfterAYear: Number(row.stillMembersAfterAYear),
  }));
}

export async function groupRecruitment(ctx: Ctx, options: { groupId: string; from: string; to: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's recruitment", members: true });
  if (options.to < options.from) throw invalid("query.to", "must not be before from");
  const [figures] = await recruitmentFigures(ctx, { ...options, groupId: group.id });
  const { groupId: _, ...counts } = figures ?? {
    groupId: "",
    recruited: 0,
    newMembers: 0,
    newSupporters: 0,
    yearPassed: 0,
    stillMembersAfterAYear: 0,
  };
  return { groupId: group.id, from: options.from, to: options.to, ...counts };
}
