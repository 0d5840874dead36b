import { and, asc, eq, gt, or, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { getCampaign } from "../campaigns/campaigns.service.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { memberGroupIds } from "../groups/access.ts";
import { visibleGroup } from "../groups/groups.service.ts";
import { newId } from "../lib/ids.ts";
import { ApiError, invalid, notFound } from "../lib/problems.ts";
import { standingOf } from "../members/status.ts";
import type { ActionCreateInput, ActionReportInput, ActionUpdateInput, MyLettersInput } from "./actions.schemas.ts";
import { groupToRead, groupToRecordFor } from "./group-rights.ts";

const ca = schema.campaignActions;
const ar = schema.actionReports;
type ActionRow = typeof ca.$inferSelect;
type ReportRow = typeof ar.$inferSelect;

export function toActionPublic(row: ActionRow) {
  const { orgId: _, ...rest } = row;
  return rest;
}

export function toReportPublic(row: ReportRow) {
  const { orgId: _, ...rest } = row;
  return rest;
}

function checkPeriod(startsOn: string, endsOn: string) {
  if (endsOn < startsOn) throw invalid("body.endsOn", "must not be before startsOn");
}

export async function createAction(ctx: Ctx, options: { campaignId: string; input: ActionCreateInput }) {
  const { input } = options;
  const campaign = await getCampaign(ctx, options.campaignId);
  checkPeriod(input.startsOn, input.endsOn);
  const at = ctx.now.toISOString();
  const row: ActionRow = {
    id: newId(ctx.now),
    orgId: ctx.org.id,
    campaignId: campaign.id,
    kind: input.kind,
    title: input.title,
    target: input.target,
    description: input.description ?? null,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await ctx.db.insert(ca).values(row);
  return row;
}

export async function getAction(ctx: Ctx, options: { id: string }): Promise<ActionRow> {
  const row = await ctx.db.query.campaignActions.findFirst({ where: and(eq(ca.orgId, ctx.org.id), eq(ca.id, options.id)) });
  if (!row) throw notFound("Action");
  return row;
}

export async function listActions(ctx: Ctx, options: { campaignId: string; limit: number; cursor?: string }) {
  const campaign = await getCampaign(ctx, options.campaignId);
  const after = options.cursor ? decodeCursor(options.cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select()
    .from(ca)
    .where(
      and(
        eq(ca.orgId, ctx.org.id),
        eq(ca.campaignId, campaign.id),
        after ? or(gt(ca.startsOn, after[0]), and(eq(ca.startsOn, after[0]), gt(ca.id, after[1]))) : undefined,
      ),
    )
    .orderBy(asc(ca.startsOn), asc(ca.id))
    .limit(options.limit + 1);
  return page(rows, options.limit, toActionPublic, (row) => [row.startsOn, row.id]);
}

export async function updateAction(ctx: Ctx, options: { id: string; input: ActionUpdateInput; expected: Expected }) {
  const { id, input, expected } = options;
  const current = await getAction(ctx, { id });
  requireVersion(expected, current.version);
  checkPeriod(input.startsOn ?? current.startsOn, input.endsOn ?? current.endsOn);
  const [row] = await ctx.db
    .update(ca)
    .set({
      ...(input.kind !== undefined && { kind: input.kind }),
      ...(input.title !== undefined && { title: input.title }),
      ...(input.target !== undefined && { target: input.target }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.startsOn !== undefined && { startsOn: input.startsOn }),
      ...(input.endsOn !== undefined && { endsOn: input.endsOn }),
      version: sql`${ca.version} + 1`,
      updatedAt: ctx.now.toISOString(),
    })
    .where(and(eq(ca.orgId, ctx.org.id), eq(ca.id, id), versionMatches(ca.version, expected ?? [current.version])))
    .returning();
  if (!row) throw staleVersion();
  return row;
}

/**
 * The action a report is for, if groups may still report on it today and on `doneOn`: an
 * action that has ended, or not begun, takes no reports, and nothing is done in the future.
 */
async function actionOpenFor(ctx: Ctx, actionId: string, doneOn: string, doneOnField: string): Promise<ActionRow> {
  const action = await ctx.db.query.campaignActions.findFirst({ where: and(eq(ca.orgId, ctx.org.id), eq(ca.id, actionId)) });
  if (!action) throw invalid("body.actionId", "is not an action of this organisation");
  if (action.endsOn < ctx.day) throw invalid("body.actionId", `the action ended on ${action.endsOn}; it takes no more reports`);
  if (action.startsOn > ctx.day) throw invalid("body.actionId", `the action begins on ${action.startsOn}`);
  if (doneOn > ctx.day) throw invalid(doneOnField, "must not be in the future");
  if (doneOn < action.startsOn) throw invalid(doneOnField, `must not be before the action began (${action.startsOn})`);
  return action;
}

function requireActiveGroup(group: { status: string }, field: string) {
  if (group.status !== "active") throw invalid(field, `the group is ${group.status}, not active; only active groups report`);
}

export async function reportForGroup(ctx: Ctx, options: { groupId: string; input: ActionReportInput }) {
  const { input } = options;
  const group = await groupToRecordFor(ctx, options.groupId, "report what the group did");
  requireActiveGroup(group, "path.id");
  const action = await actionOpenFor(ctx, input.actionId, input.doneOn, "body.doneOn");
  const row: ReportRow = {
    id: newId(ctx.now),
    orgId: ctx.org.id,
    actionId: action.id,
    groupId: group.id,
    memberId: null,
    kind: input.kind,
    quantity: input.quantity,
    reach: input.reach ?? 0,
    doneOn: input.doneOn,
    note: input.note ?? null,
    createdAt: ctx.now.toISOString(),
  };
  await ctx.db.insert(ar).values(row);
  return row;
}

/** A member's own letters, counted for their group: the one they are in, or the one they name. */
export async function reportMyLetters(ctx: Ctx, options: { memberId: string; input: MyLettersInput }) {
  const { memberId, input } = options;
  const { status } = await standingOf(ctx.db, memberId, ctx.day);
  if (status !== "current" && status !== "grace") {
    throw new ApiError("forbidden", "Letters count for a group only while the membership is current or in its grace period.");
  }
  const mine = await memberGroupIds(ctx.db, ctx.org.id, memberId);
  let groupId = input.groupId;
  if (groupId === undefined) {
    if (mine.length === 0) throw invalid("body.groupId", "the member is in no group to count the letters for");
    if (mine.length > 1) throw invalid("body.groupId", "the member is in several groups: name the one the letters count for");
    groupId = mine[0] as string;
  } else if (!mine.includes(groupId)) {
    throw invalid("body.groupId", "must be a group the member is in");
  }
  const group = await visibleGroup(ctx, groupId);
  requireActiveGroup(group, "body.groupId");
  const doneOn = input.doneOn ?? ctx.day;
  const action = await actionOpenFor(ctx, input.actionId, doneOn, "body.doneOn");
  const row: ReportRow = {
    id: newId(ctx.now),
    orgId: ctx.org.id,
    actionId: action.id,
    groupId: group.id,
    memberId,
    kind: "letters",
    quantity: input.letters,
    reach: 0,
    doneOn,
    note: null,
    createdAt: ctx.now.toISOString(),
  };
  await ctx.db.insert(ar).values(row);
  return row;
}

export async function listGroupReports(ctx: Ctx, options: { groupId: string; limit: number; cursor?: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's action reports", members: true });
  const after = options.cursor ? decodeCursor(options.cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select()
    .from(ar)
    .where(
      and(eq(ar.groupId, group.id), after ? or(gt(ar.doneOn, after[0]), and(eq(ar.doneOn, after[0]), gt(ar.id, after[1]))) : undefined),
    )
    .orderBy(asc(ar.doneOn), asc(ar.id))
    .limit(options.limit + 1);
  return page(rows, options.limit, toReportPublic, (row) => [row.doneOn, row.id]);
}

export async function getGroupReport(ctx: Ctx, options: { groupId: string; id: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's action reports", members: true });
  const row = await ctx.db.query.actionReports.findFirst({ where: and(eq(ar.groupId, group.id), eq(ar.id, options.id)) });
  if (!row) throw notFound("Action report");
  return row;
}

/** The sums every total has, in one aggregate over the reports a filter selects. */
export const totalColumns = {
  reports: sql<number>`count(*)`,
  groups: sql<number>`count(DISTINCT ${ar.groupId})`,
  letters: sql<number>`coalesce(sum(CASE WHEN ${ar.kind} = 'letters' THEN ${ar.quantity} END), 0)`,
  signatures: sql<number>`coalesce(sum(CASE WHEN ${ar.kind} = 'signatures' THEN ${ar.quantity} END), 0)`,
  politicianMeetings: sql<number>`coalesce(sum(CASE WHEN ${ar.kind} = 'politician_meeting' THEN ${ar.quantity} END), 0)`,
  streetActivities: sql<number>`coalesce(sum(CASE WHEN ${ar.kind} = 'street_activity' THEN ${ar.quantity} END), 0)`,
  reach: sql<number>`coalesce(sum(${ar.reach}), 0)`,
};

const numbers = <T extends Record<string, unknown>>(row: T) =>
  Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, typeof value === "string" && key.endsWith("Id") ? value : Number(value)]),
  ) as {
    [K in keyof T]: K extends `${string}Id` ? string : number;
  };

/** Totals of the reports of an action, a group, a campaign, or any mix of them; with no filter, the whole organisation's. */
export async function actionTotals(ctx: Ctx, options: { campaignId?: string; actionId?: string; groupId?: string }) {
  const { campaignId, actionId, groupId } = options;
  if (campaignId) await getCampaign(ctx, campaignId);
  if (actionId) await getAction(ctx, { id: actionId });
  if (groupId) await visibleGroup(ctx, groupId);
  const filter: SQL | undefined = and(
    eq(ar.orgId, ctx.org.id),
    actionId ? eq(ar.actionId, actionId) : undefined,
    groupId ? eq(ar.groupId, groupId) : undefined,
    campaignId ? sql`${ar.actionId} IN (SELECT ${ca.id} FROM ${ca} WHERE ${ca.campaignId} = ${campaignId})` : undefined,
  );
  const [totals] = await ctx.db.select(totalColumns).from(ar).where(filter);
  const byAction = await ctx.db
    .select({ actionId: ar.actionId, ...totalColumns })
    .from(ar)
    .where(filter)
    .groupBy(ar.actionId)
    .orderBy(asc(ar.actionId));
  const byGroup = await ctx.db
    .select({ groupId: ar.groupId, ...totalColumns })
    .from(ar)
    .where(filter)
    .groupBy(ar.groupId)
    .orderBy(asc(ar.groupId));
  return {
    totals: numbers(totals ?? { reports: 0, groups: 0, letters: 0, signatures: 0, politicianMeetings: 0, streetActivities: 0, reach: 0 }),
    byAction: byAction.map(numbers),
    byGroup: byGroup.map(numbers),
  };
}
