import { and, asc, eq, gt, ne, or, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Expected, staleVersion, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { conflict, notFound } from "../lib/problems.ts";
import type { Period } from "./periods.ts";
import type { MembershipTypeCreateInput, MembershipTypeUpdateInput } from "./types.schemas.ts";

const mt = schema.membershipTypes;
export type MembershipTypeRow = typeof mt.$inferSelect;

export const toMinor = (amount: number) => Math.round(amount * 100);
export const toMajor = (minor: number) => minor / 100;

export function periodOf(row: Pick<MembershipTypeRow, "periodType" | "periodMonths">): Period {
  return row.periodType === "rolling" ? { type: "rolling", months: row.periodMonths ?? 12 } : { type: "calendar_year" };
}

export function toMembershipTypePublic(row: MembershipTypeRow) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    fee: { amount: toMajor(row.feeMinor), currency: row.currency },
    period: periodOf(row),
    graceDays: row.graceDays,
    archived: row.archived,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function assertNameFree(db: Db, orgId: string, name: string, exceptId?: string) {
  const taken = await db.query.membershipTypes.findFirst({
    columns: { id: true },
    where: and(eq(mt.orgId, orgId), eq(mt.name, name), exceptId ? ne(mt.id, exceptId) : undefined),
  });
  if (taken) throw conflict(`A membership type named '${name}' already exists.`);
}

export async function createMembershipType(ctx: Ctx, options: { input: MembershipTypeCreateInput }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { input } = options;
  await assertNameFree(db, orgId, input.name);
  const row: MembershipTypeRow = {
    id: newId(now),
    orgId,
    name: input.name,
    kind: input.kind,
    feeMinor: toMinor(input.fee.amount),
    currency: input.fee.currency,
    periodType: input.period.type,
    periodMonths: input.period.type === "rolling" ? input.period.months : null,
    graceDays: input.graceDays,
    archived: false,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await db.insert(mt).values(row);
  return row;
}

export async function getMembershipType(ctx: Ctx, id: string): Promise<MembershipTypeRow> {
  const row = await ctx.db.query.membershipTypes.findFirst({ where: and(eq(mt.orgId, ctx.org.id), eq(mt.id, id)) });
  if (!row) throw notFound("Membership type");
  return row;
}

export async function listMembershipTypes(ctx: Ctx, query: { limit: number; cursor?: string; archived?: boolean }) {
  const after = query.cursor ? decodeCursor(query.cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select()
    .from(mt)
    .where(
      and(
        eq(mt.orgId, ctx.org.id),
        query.archived === undefined ? undefined : eq(mt.archived, query.archived),
        after ? or(gt(mt.name, after[0] ?? ""), and(eq(mt.name, after[0] ?? ""), gt(mt.id, after[1] ?? ""))) : undefined,
      ),
    )
    .orderBy(asc(mt.name), asc(mt.id))
    .limit(query.limit + 1);
  return page(rows, query.limit, toMembershipTypePublic, (row) => [row.name, row.id]);
}

/** A partial update; with `expected` set, only if the version is still that one (If-Match). */
export async function updateMembershipType(ctx: Ctx, options: { id: string; input: MembershipTypeUpdateInput; expected: Expected }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { id, input, expected } = options;
  if (input.name !== undefined) await assertNameFree(db, orgId, input.name, id);
  const [row] = await db
    .update(mt)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.kind !== undefined && { kind: input.kind }),
      ...(input.fee !== undefined && { feeMinor: toMinor(input.fee.amount), currency: input.fee.currency }),
      ...(input.period !== undefined && {
        periodType: input.period.type,
        periodMonths: input.period.type === "rolling" ? input.period.months : null,
      }),
      ...(input.graceDays !== undefined && { graceDays: input.graceDays }),
      ...(input.archived !== undefined && { archived: input.archived }),
      version: sql`${mt.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(mt.orgId, orgId), eq(mt.id, id), versionMatches(mt.version, expected)))
    .returning();
  if (!row) {
    await getMembershipType(ctx, id);
    throw staleVersion();
  }
  return row;
}
