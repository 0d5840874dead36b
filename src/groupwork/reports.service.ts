import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { allLong } from "../db/long-reads.ts";
import { endOfLocalDay, startOfLocalDay } from "../lib/dates.ts";
import { totalColumns } from "./actions.service.ts";
import { groupToRead } from "./group-rights.ts";
import { moneyFigures } from "./money.service.ts";
import { recruitmentFigures } from "./recruitment.service.ts";

/**
 * A group's year in figures, for one group or every group of the section. Each figure is
 * one aggregate query grouped by group, so the work grows with the organisation's rows but
 * nothing is pulled into JavaScript but one row of sums per group. The raw SQL names its
 * tables: its correlated subqueries need qualified columns.
 */

const g = schema.groups;
const ar = schema.actionReports;

type GroupRow = Pick<typeof g.$inferSelect, "id" | "name" | "kind" | "status">;

interface Year {
  year: number;
  /** First and last local day. */
  from: string;
  to: string;
  /** The year as instants: [start, end). */
  startAt: string;
  endAt: string;
}

function yearOf(ctx: Ctx, year: number): Year {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  return {
    year,
    from,
    to,
    startAt: startOfLocalDay(from, ctx.org.timeZone).toISOString(),
    endAt: endOfLocalDay(to, ctx.org.timeZone).toISOString(),
  };
}

const emptyFigures = () => ({
  membersAtYearEnd: 0,
  activeMembersAtYearEnd: 0,
  meetingsHeld: 0,
  meetingAttendance: 0,
  actionReports: 0,
  letters: 0,
  signatures: 0,
  politicianMeetings: 0,
  streetActivities: 0,
  reach: 0,
  recruited: 0,
  newMembers: 0,
  newSupporters: 0,
  stillMembersAfterAYear: 0,
  trainingsAttended: 0,
  money: [] as {
    currency: string;
    raisedMinor: number;
    grantedMinor: number;
    paidMinor: number;
    expensesMinor: number;
    balanceMinor: number;
  }[],
});
type Figures = ReturnType<typeof emptyFigures>;
type Counts = Omit<Figures, "money">;

/** Members of each group on the year's last day: open roster rows, and the district's members then. */
function yearEndMembers(ctx: Ctx, y: Year, only: SQL) {
  return sql`
    SELECT gm.group_id, gm.member_id FROM group_memberships AS gm
    WHERE gm.org_id = ${ctx.org.id} AND gm.joined_on <= ${y.to} AND (gm.left_on IS NULL OR gm.left_on > ${y.to})
      AND gm.group_id IN (SELECT id FROM groups WHERE ${only})
    UNION
    SELECT da.district_group_id, da.member_id FROM district_assignments AS da
    WHERE da.org_id = ${ctx.org.id} AND da.district_group_id IS NOT NULL AND da.from_at < ${y.endAt}
      AND (da.to_at IS NULL OR da.to_at >= ${y.endAt}) AND da.district_group_id IN (SELECT id FROM groups WHERE ${only})`;
}

/**
 * Members at year end, those of them with an active membership, and the trainings they
 * attended. For every group, the organisation's active members are found once, as a set the
 * query looks each member up in; for one group a lookup per member is cheaper than the set.
 * A long read (as the meetings' count): a district's year runs over thousands of members.
 */
async function memberCounts(ctx: Ctx, y: Year, only: SQL, oneGroup: boolean) {
  const activeAtYearEnd = oneGroup
    ? sql`EXISTS (SELECT 1 FROM memberships AS m WHERE m.member_id = y.member_id AND m.kind = 'active'
        AND m.starts_on <= ${y.to} AND m.grace_until >= ${y.to})`
    : sql`y.member_id IN (SELECT m.member_id FROM memberships AS m WHERE m.org_id = ${ctx.org.id} AND m.kind = 'active'
        AND m.starts_on <= ${y.to} AND m.grace_until >= ${y.to})`;
  return allLong<{ groupId: string; members: number; active: number; trainings: number }>(
    ctx.db,
    sql`
    WITH year_end (group_id, member_id) AS (${yearEndMembers(ctx, y, only)}),
    trained (member_id, n) AS (
      SELECT r.member_id, count(*) FROM event_registrations AS r JOIN events AS e ON e.id = r.event_id
      WHERE e.org_id = ${ctx.org.id} AND e.kind = 'training' AND r.status = 'attended'
        AND CASE WHEN r.occurrence_start = '' THEN e.starts_at ELSE r.occurrence_start END >= ${y.startAt}
        AND CASE WHEN r.occurrence_start = '' THEN e.starts_at ELSE r.occurrence_start END < ${y.endAt}
      GROUP BY r.member_id
    )
    SELECT y.group_id AS groupId, count(*) AS members,
      sum(${activeAtYearEnd}) AS active,
      coalesce(sum(t.n), 0) AS trainings
    FROM year_end AS y LEFT JOIN trained AS t ON t.member_id = y.member_id
    GROUP BY y.group_id`,
  );
}

async function meetingCounts(ctx: Ctx, y: Year, only: SQL) {
  return allLong<{ groupId: string; held: number; attendance: number }>(
    ctx.db,
    sql`
    SELECT group_id AS groupId, count(DISTINCT meeting) AS held, coalesce(sum(attended), 0) AS attendance FROM (
      SELECT e.group_id, e.id AS meeting,
        (SELECT count(*) FROM event_registrations AS r WHERE r.event_id = e.id AND r.status = 'attended') AS attended
      FROM events AS e
      WHERE e.org_id = ${ctx.org.id} AND e.group_id IS NOT NULL AND e.kind IN ('group_meeting', 'network_meeting')
        AND e.recurring = 0 AND e.status = 'scheduled' AND e.starts_at >= ${y.startAt} AND e.starts_at < ${y.endAt}
        AND e.group_id IN (SELECT id FROM groups WHERE ${only})
      UNION ALL
      SELECT e.group_id, e.id || '@' || r.occurrence_start, 1
      FROM event_registrations AS r JOIN events AS e ON e.id = r.event_id
      WHERE e.org_id = ${ctx.org.id} AND e.group_id IS NOT NULL AND e.kind IN ('group_meeting', 'network_meeting')
        AND e.recurring = 1 AND r.status = 'attended' AND r.occurrence_start >= ${y.startAt} AND r.occurrence_start < ${y.endAt}
        AND e.group_id IN (SELECT id FROM groups WHERE ${only})
    )
    GROUP BY group_id`,
  );
}

async function actionCounts(ctx: Ctx, y: Year, groupIds: string[] | undefined) {
  return ctx.db
    .select({ groupId: ar.groupId, ...totalColumns })
    .from(ar)
    .where(
      and(eq(ar.orgId, ctx.org.id), sql`${ar.doneOn} BETWEEN ${y.from} AND ${y.to}`, groupIds ? inArray(ar.groupId, groupIds) : undefined),
    )
    .groupBy(ar.groupId);
}

/** The figures of the given groups (every active or closed group when none is given) for the year. */
async function yearFigures(ctx: Ctx, year: number, group?: GroupRow) {
  const y = yearOf(ctx, year);
  const groups: GroupRow[] = group
    ? [group]
    : await ctx.db
        .select({ id: g.id, name: g.name, kind: g.kind, status: g.status })
        .from(g)
        .where(and(eq(g.orgId, ctx.org.id), inArray(g.status, ["active", "closed"])))
        .orderBy(asc(g.name), asc(g.id));
  const only = group ? sql`id = ${group.id}` : sql`org_id = ${ctx.org.id}`;
  const [members, meetings, actions, recruitment, money] = await Promise.all([
    memberCounts(ctx, y, only, group !== undefined),
    meetingCounts(ctx, y, only),
    actionCounts(ctx, y, group ? [group.id] : undefined),
    recruitmentFigures(ctx, { from: y.from, to: y.to, groupId: group?.id }),
    moneyFigures(ctx, { groupId: group?.id, from: y.from, to: y.to }),
  ]);
  const byGroup = new Map<string, Figures>(groups.map((row) => [row.id, emptyFigures()]));
  const at = (groupId: string) => byGroup.get(groupId);
  for (const row of members) {
    const f = at(row.groupId);
    if (f)
      Object.assign(f, {
        membersAtYearEnd: Number(row.members),
        activeMembersAtYearEnd: Number(row.active),
        trainingsAttended: Number(row.trainings),
      });
  }
  for (const row of meetings) {
    const f = at(row.groupId);
    if (f) Object.assign(f, { meetingsHeld: Number(row.held), meetingAttendance: Number(row.attendance) });
  }
  for (const row of actions) {
    const f = at(row.groupId);
    if (f) {
      Object.assign(f, {
        actionReports: Number(row.reports),
        letters: Number(row.letters),
        signatures: Number(row.signatures),
        politicianMeetings: Number(row.politicianMeetings),
        streetActivities: Number(row.streetActivities),
        reach: Number(row.reach),
      });
    }
  }
  for (const row of recruitment) {
    const f = at(row.groupId);
    if (f)
      Object.assign(f, {
        recruited: row.recruited,
        newMembers: row.newMembers,
        newSupporters: row.newSupporters,
        stillMembersAfterAYear: row.stillMembersAfterAYear,
      });
  }
  for (const row of money) {
    at(row.groupId)?.money.push({
      currency: row.currency,
      raisedMinor: row.incomeMinor,
      grantedMinor: row.grantedMinor,
      paidMinor: row.paidMinor,
      expensesMinor: row.expensesMinor,
      balanceMinor: row.balanceMinor,
    });
  }
  return groups.map((row) => ({
    groupId: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    ...(byGroup.get(row.id) as Figures),
  }));
}

/** Sums of the groups' figures; money per currency. */
function totalsOf(rows: Figures[]): Figures {
  const totals = emptyFigures();
  const money = new Map<string, Figures["money"][number]>();
  for (const row of rows) {
    for (const key of Object.keys(totals) as (keyof Counts)[]) {
      if (key !== ("money" as string)) totals[key] += row[key];
    }
    for (const m of row.money) {
      const sum = money.get(m.currency) ?? {
        currency: m.currency,
        raisedMinor: 0,
        grantedMinor: 0,
        paidMinor: 0,
        expensesMinor: 0,
        balanceMinor: 0,
      };
      for (const key of ["raisedMinor", "grantedMinor", "paidMinor", "expensesMinor", "balanceMinor"] as const) sum[key] += m[key];
      money.set(m.currency, sum);
    }
  }
  totals.money = [...money.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  return totals;
}

export async function groupYearReport(ctx: Ctx, options: { groupId: string; year: number }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's report", members: true });
  const [row] = await yearFigures(ctx, options.year, group);
  return { year: options.year, ...(row as Awaited<ReturnType<typeof yearFigures>>[number]) };
}

export async function sectionYearReport(ctx: Ctx, options: { year: number }) {
  const groups = await yearFigures(ctx, options.year);
  return { year: options.year, groups, totals: totalsOf(groups) };
}
