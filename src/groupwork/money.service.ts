import { and, asc, eq, gt, or, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { allLongIf } from "../db/long-reads.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { conflict, invalid, notFound } from "../lib/problems.ts";
import { toMajorUnits, toMinorUnits } from "./amounts.ts";
import { groupToRead, groupToRecordFor } from "./group-rights.ts";
import type { ExpenseInput, GrantCreateInput, GrantDecisionInput, IncomeInput } from "./money.schemas.ts";

const ga = schema.grantApplications;
const me = schema.groupMoneyEntries;
type GrantRow = typeof ga.$inferSelect;
type EntryRow = typeof me.$inferSelect;
type EntryKind = EntryRow["kind"];

export function toGrantPublic(row: GrantRow) {
  const { orgId: _, amountMinor, ...rest } = row;
  return { ...rest, amount: toMajorUnits(amountMinor, row.currency), amountMinor };
}

export function toEntryPublic(row: EntryRow) {
  return {
    id: row.id,
    groupId: row.groupId,
    kind: row.kind,
    on: row.onDay,
    amount: toMajorUnits(row.amountMinor, row.currency),
    amountMinor: row.amountMinor,
    currency: row.currency,
    source: row.source,
    campaignId: row.campaignId,
    description: row.description,
    createdAt: row.createdAt,
  };
}

function notInFuture(ctx: Ctx, day: string, field: string) {
  if (day > ctx.day) throw invalid(field, "must not be in the future");
}

async function campaignOf(ctx: Ctx, campaignId: string | null | undefined) {
  if (!campaignId) return null;
  const found = await ctx.db.query.campaigns.findFirst({
    columns: { id: true },
    where: and(eq(schema.campaigns.orgId, ctx.org.id), eq(schema.campaigns.id, campaignId)),
  });
  if (!found) throw invalid("body.campaignId", "is not a campaign of this organisation");
  return found.id;
}

export async function applyForGrant(ctx: Ctx, options: { groupId: string; input: GrantCreateInput }) {
  const { input } = options;
  const group = await groupToRecordFor(ctx, options.groupId, "apply for the group's grants");
  const appliedOn = input.appliedOn ?? ctx.day;
  notInFuture(ctx, appliedOn, "body.appliedOn");
  const at = ctx.now.toISOString();
  const row: GrantRow = {
    id: newId(ctx.now),
    orgId: ctx.org.id,
    groupId: group.id,
    amountMinor: toMinorUnits(input.amount, input.currency),
    currency: input.currency,
    purpose: input.purpose,
    status: "applied",
    appliedOn,
    decidedOn: null,
    paidOn: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await ctx.db.insert(ga).values(row);
  return row;
}

export async function getGrant(ctx: Ctx, options: { groupId: string; id: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's grants", members: false });
  const row = await ctx.db.query.grantApplications.findFirst({ where: and(eq(ga.groupId, group.id), eq(ga.id, options.id)) });
  if (!row) throw notFound("Grant application");
  return row;
}

export async function listGrants(ctx: Ctx, options: { groupId: string; limit: number; cursor?: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's grants", members: false });
  const after = options.cursor ? decodeCursor(options.cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select()
    .from(ga)
    .where(
      and(
        eq(ga.groupId, group.id),
        after ? or(gt(ga.appliedOn, after[0]), and(eq(ga.appliedOn, after[0]), gt(ga.id, after[1]))) : undefined,
      ),
    )
    .orderBy(asc(ga.appliedOn), asc(ga.id))
    .limit(options.limit + 1);
  return page(rows, options.limit, toGrantPublic, (row) => [row.appliedOn, row.id]);
}

/** Which decision may follow which status: an application is granted or declined, a grant is paid. */
const nextStatuses: Record<GrantRow["status"], GrantDecisionInput["status"][]> = {
  applied: ["granted", "declined"],
  granted: ["paid"],
  declined: [],
  paid: [],
};

/** Staff decide a group's application, and record its payment. */
export async function decideGrant(ctx: Ctx, options: { groupId: string; id: string; input: GrantDecisionInput; expected: Expected }) {
  const { input, expected } = options;
  const current = await getGrant(ctx, options);
  requireVersion(expected, current.version);
  if (!nextStatuses[current.status].includes(input.status)) {
    throw conflict(`A grant application that is ${current.status} cannot become ${input.status}.`, { grantStatus: current.status });
  }
  const on = input.on ?? ctx.day;
  notInFuture(ctx, on, "body.on");
  const since = input.status === "paid" ? current.decidedOn : current.appliedOn;
  if (since && on < since) throw invalid("body.on", `must not be before ${since}`);
  const [row] = await ctx.db
    .update(ga)
    .set({
      status: input.status,
      ...(input.status === "paid" ? { paidOn: on } : { decidedOn: on }),
      version: sql`${ga.version} + 1`,
      updatedAt: ctx.now.toISOString(),
    })
    .where(and(eq(ga.id, current.id), versionMatches(ga.version, expected ?? [current.version])))
    .returning();
  if (!row) throw staleVersion();
  return row;
}

async function recordEntry(
  ctx: Ctx,
  groupId: string,
  entry: {
    kind: EntryKind;
    on: string;
    onField: string;
    amount: number;
    currency: string;
    source: EntryRow["source"];
    campaignId?: string | null;
    description?: string | null;
  },
) {
  const group = await groupToRecordFor(ctx, groupId, "record the group's money");
  notInFuture(ctx, entry.on, entry.onField);
  const row: EntryRow = {
    id: newId(ctx.now),
    orgId: ctx.org.id,
    groupId: group.id,
    kind: entry.kind,
    onDay: entry.on,
    amountMinor: toMinorUnits(entry.amount, entry.currency),
    currency: entry.currency,
    source: entry.source,
    campaignId: await campaignOf(ctx, entry.campaignId),
    description: entry.description ?? null,
    createdAt: ctx.now.toISOString(),
  };
  await ctx.db.insert(me).values(row);
  return row;
}

export const recordIncome = (ctx: Ctx, options: { groupId: string; input: IncomeInput }) =>
  recordEntry(ctx, options.groupId, { ...options.input, kind: "income", on: options.input.receivedOn, onField: "body.receivedOn" });

export const recordExpense = (ctx: Ctx, options: { groupId: string; input: ExpenseInput }) =>
  recordEntry(ctx, options.groupId, {
    ...options.input,
    kind: "expense",
    source: null,
    on: options.input.spentOn,
    onField: "body.spentOn",
  });

export async function getEntry(ctx: Ctx, options: { groupId: string; kind: EntryKind; id: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's accounts", members: false });
  const row = await ctx.db.query.groupMoneyEntries.findFirst({
    where: and(eq(me.groupId, group.id), eq(me.kind, options.kind), eq(me.id, options.id)),
  });
  if (!row) throw notFound(options.kind === "income" ? "Income" : "Expense");
  return row;
}

export async function listEntries(ctx: Ctx, options: { groupId: string; kind: EntryKind; limit: number; cursor?: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's accounts", members: false });
  const after = options.cursor ? decodeCursor(options.cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select()
    .from(me)
    .where(
      and(
        eq(me.groupId, group.id),
        eq(me.kind, options.kind),
        after ? or(gt(me.onDay, after[0]), and(eq(me.onDay, after[0]), gt(me.id, after[1]))) : undefined,
      ),
    )
    .orderBy(asc(me.onDay), asc(me.id))
    .limit(options.limit + 1);
  return page(rows, options.limit, toEntryPublic, (row) => [row.onDay, row.id]);
}

export interface MoneyFigures {
  groupId: string;
  currency: string;
  appliedMinor: number;
  grantedMinor: number;
  paidMinor: number;
  incomeMinor: number;
  expensesMinor: number;
  balanceMinor: number;
}

/**
 * The money figures of groups per currency, as one aggregate: grants by the day they were
 * applied for, decided and paid, income and expenses by their day; with `from`/`to`
 * (local days, inclusive), only what happened in that period. `groups` narrows to some groups.
 */
export async function moneyFigures(ctx: Ctx, options: { groupId?: string; from?: string; to?: string }): Promise<MoneyFigures[]> {
  const { groupId, from = "0000-01-01", to = "9999-12-31" } = options;
  const within = (column: SQL) => sql`(${column} BETWEEN ${from} AND ${to})`;
  const ofGroup = (column: SQL) => (groupId ? sql`${column} = ${groupId}` : sql`1`);
  const rows = await allLongIf<Record<string, number | string>>(
    groupId === undefined,
    ctx.db,
    sql`
    SELECT group_id AS groupId, currency,
      sum(applied) AS appliedMinor, sum(granted) AS grantedMinor, sum(paid) AS paidMinor,
      sum(income) AS incomeMinor, sum(expenses) AS expensesMinor
    FROM (
      SELECT ${ga.groupId} AS group_id, ${ga.currency} AS currency,
        CASE WHEN ${ga.status} = 'applied' AND ${within(sql`${ga.appliedOn}`)} THEN ${ga.amountMinor} ELSE 0 END AS applied,
        CASE WHEN ${ga.status} IN ('granted', 'paid') AND ${within(sql`${ga.decidedOn}`)} THEN ${ga.amountMinor} ELSE 0 END AS granted,
        CASE WHEN ${ga.status} = 'paid' AND ${within(sql`${ga.paidOn}`)} THEN ${ga.amountMinor} ELSE 0 END AS paid,
        0 AS income, 0 AS expenses
      FROM ${ga} WHERE ${ga.orgId} = ${ctx.org.id} AND ${ofGroup(sql`${ga.groupId}`)}
      UNION ALL
      SELECT ${me.groupId}, ${me.currency}, 0, 0, 0,
        CASE WHEN ${me.kind} = 'income' THEN ${me.amountMinor} ELSE 0 END,
        CASE WHEN ${me.kind} = 'expense' THEN ${me.amountMinor} ELSE 0 END
      FROM ${me} WHERE ${me.orgId} = ${ctx.org.id} AND ${ofGroup(sql`${me.groupId}`)} AND ${within(sql`${me.onDay}`)}
    )
    GROUP BY group_id, currency
    HAVING sum(applied) + sum(granted) + sum(paid) + sum(income) + sum(expenses) > 0
    ORDER BY group_id, currency`,
  );
  return rows.map((row) => {
    const figures = {
      groupId: String(row.groupId),
      currency: String(row.currency),
      appliedMinor: Number(row.appliedMinor),
      grantedMinor: Number(row.grantedMinor),
      paidMinor: Number(row.paidMinor),
      incomeMinor: Number(row.incomeMinor),
      expensesMinor: Number(row.expensesMinor),
    };
    return { ...figures, balanceMinor: figures.paidMinor + figures.incomeMinor - figures.expensesMinor };
  });
}

/** A group's money, all time, per currency: for keys, its conveners and its members in good standing. */
export async function groupMoney(ctx: Ctx, options: { groupId: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's money", members: true });
  const figures = await moneyFigures(ctx, { groupId: group.id });
  return { groupId: group.id, currencies: figures.map(({ groupId: _, ...rest }) => rest) };
}
