import { and, asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { invalid, notFound } from "../lib/problems.ts";
import type { ProgrammeAreaCreateInput, ProgrammeAreaUpdateInput } from "./programme-areas.schemas.ts";

const pa = schema.programmeAreas;
type ProgrammeAreaRow = typeof pa.$inferSelect;

export function toProgrammeAreaPublic(row: ProgrammeAreaRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function checkPeriod(startsOn: string | null, endsOn: string | null) {
  if (startsOn && endsOn && endsOn < startsOn) throw invalid("body.endsOn", "must not be before startsOn");
}

export async function getProgrammeArea(ctx: Ctx, id: string): Promise<ProgrammeAreaRow> {
  const row = await ctx.db.query.programmeAreas.findFirst({ where: and(eq(pa.orgId, ctx.org.id), eq(pa.id, id)) });
  if (!row) throw notFound("Programme area");
  return row;
}

export async function listProgrammeAreas(ctx: Ctx, options: { limit: number; cursor?: string | undefined }) {
  const { limit, cursor } = options;
  const after = cursor ? decodeCursor(cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select()
    .from(pa)
    .where(
      and(
        eq(pa.orgId, ctx.org.id),
        after ? sql`(${pa.name} > ${after[0]} OR (${pa.name} = ${after[0]} AND ${pa.id} > ${after[1]}))` : undefined,
      ),
    )
    .orderBy(asc(pa.name), asc(pa.id))
    .limit(limit + 1);
  return page(rows, limit, toProgrammeAreaPublic, (row) => [row.name, row.id]);
}

export async function createProgrammeArea(ctx: Ctx, options: { input: ProgrammeAreaCreateInput }) {
  const { db, org, now } = ctx;
  const { input } = options;
  checkPeriod(input.startsOn ?? null, input.endsOn ?? null);
  const row: ProgrammeAreaRow = {
    id: newId(now),
    orgId: org.id,
    name: input.name,
    description: input.description ?? null,
    startsOn: input.startsOn ?? null,
    endsOn: input.endsOn ?? null,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await db.insert(pa).values(row);
  return row;
}

export async function updateProgrammeArea(ctx: Ctx, options: { id: string; input: ProgrammeAreaUpdateInput; expected: Expected }) {
  const { db, now } = ctx;
  const { id, input, expected } = options;
  const current = await getProgrammeArea(ctx, id);
  requireVersion(expected, current.version);
  checkPeriod(input.startsOn === undefined ? current.startsOn : input.startsOn, input.endsOn === undefined ? current.endsOn : input.endsOn);
  const [row] = await db
    .update(pa)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.startsOn !== undefined && { startsOn: input.startsOn }),
      ...(input.endsOn !== undefined && { endsOn: input.endsOn }),
      version: sql`${pa.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(pa.id, id), eq(pa.version, current.version)))
    .returning();
  if (!row) throw staleVersion();
  return row;
}

/** The events, campaigns, groups and partners in the area stay; they just no longer belong to it. */
export async function deleteProgrammeArea(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { id, expected } = options;
  requireVersion(expected, (await getProgrammeArea(ctx, id)).version);
  const deleted = await ctx.db
    .delete(pa)
    .where(and(eq(pa.id, id), versionMatches(pa.version, expected)))
    .returning({ id: pa.id });
  if (deleted.length === 0 && expected !== undefined) throw staleVersion();
}
