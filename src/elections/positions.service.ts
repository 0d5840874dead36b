import type { z } from "@hono/zod-openapi";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { invalid, notFound } from "../lib/problems.ts";
import { currentHolders } from "./mandates.ts";
import type { PositionCreate, PositionUpdate } from "./positions.schemas.ts";

const p = schema.positions;
export type PositionRow = typeof p.$inferSelect;

export function toPositionPublic(row: PositionRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    bodyGroupId: row.bodyGroupId,
    seats: row.seats,
    termMonths: row.termMonths,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function getPosition(ctx: Pick<Ctx, "db" | "org">, id: string): Promise<PositionRow> {
  const row = await ctx.db.query.positions.findFirst({ where: and(eq(p.orgId, ctx.org.id), eq(p.id, id)) });
  if (!row) throw notFound("Position");
  return row;
}

/** A group named as a body or electorate must be one of the organisation's own. */
export async function requireGroup(db: Db, orgId: string, groupId: string, field: string) {
  const group = await db.query.groups.findFirst({
    columns: { id: true, kind: true },
    where: and(eq(schema.groups.orgId, orgId), eq(schema.groups.id, groupId)),
  });
  if (!group) throw invalid(field, "is not a group of this organisation");
  return group;
}

export async function createPosition(ctx: Ctx, options: { input: z.infer<typeof PositionCreate> }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { input } = options;
  if (input.bodyGroupId) await requireGroup(db, orgId, input.bodyGroupId, "body.bodyGroupId");
  const at = now.toISOString();
  const row: PositionRow = {
    id: newId(now),
    orgId,
    title: input.title,
    description: input.description ?? null,
    bodyGroupId: input.bodyGroupId ?? null,
    seats: input.seats,
    termMonths: input.termMonths,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await db.insert(p).values(row);
  return row;
}

export async function updatePosition(ctx: Ctx, options: { id: string; input: z.infer<typeof PositionUpdate>; expected: Expected }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { id, input, expected } = options;
  const current = await getPosition(ctx, id);
  requireVersion(expected, current.version);
  if (input.bodyGroupId) await requireGroup(db, orgId, input.bodyGroupId, "body.bodyGroupId");
  const [row] = await db
    .update(p)
    .set({
      ...(input.title !== undefined && { title: input.title }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.bodyGroupId !== undefined && { bodyGroupId: input.bodyGroupId }),
      ...(input.seats !== undefined && { seats: input.seats }),
      ...(input.termMonths !== undefined && { termMonths: input.termMonths }),
      version: sql`${p.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(p.orgId, orgId), eq(p.id, id), versionMatches(p.version, expected)))
    .returning();
  if (!row) throw staleVersion();
  return row;
}

export async function listPositions(ctx: Ctx, options: { limit: number; cursor?: string | undefined }) {
  const { db } = ctx;
  const orgId = ctx.org.id;
  const { limit, cursor } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const rows = await db
    .select()
    .from(p)
    .where(and(eq(p.orgId, orgId), after ? gt(p.id, after) : undefined))
    .orderBy(asc(p.id))
    .limit(limit + 1);
  return page(rows, limit, toPositionPublic, (row) => [row.id]);
}

export async function positionWithHolders(ctx: Ctx, id: string) {
  const row = await getPosition(ctx, id);
  return { row, body: { ...toPositionPublic(row), holders: await currentHolders(ctx.db, id, ctx.day) } };
}
