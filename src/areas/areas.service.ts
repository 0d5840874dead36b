import { and, eq, ne, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { jsonValues, rowsAffected, runLongBatch, type Statement } from "../db/sql.ts";
import { type Expected, requireVersion, staleVersion, versionIs, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { conflict, notFound } from "../lib/problems.ts";
import { postalCodeKey } from "../members/district.ts";
import { getArea } from "./areas.queries.ts";
import type { AreaCreateInput, AreaUpdateInput } from "./areas.schemas.ts";
import { heldConflict, heldElsewhere, insertCodes, reassignAreas, reassignCodes } from "./code-statements.ts";

const areas = schema.areas;
const apc = schema.areaPostalCodes;
const groups = schema.groups;

async function requireFreeCode(db: Db, orgId: string, code: string, exceptId?: string) {
  const taken = await db.query.areas.findFirst({
    columns: { id: true, name: true },
    where: and(eq(areas.orgId, orgId), eq(areas.code, code), exceptId ? ne(areas.id, exceptId) : undefined),
  });
  if (taken) throw conflict(`The area code '${code}' is already used by area '${taken.name}'.`, { areaId: taken.id });
}

export async function createArea(ctx: Ctx, options: { input: AreaCreateInput & { postalCodes: string[] }; move: boolean }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { input, move } = options;
  await requireFreeCode(db, orgId, input.code);
  const id = newId(now);
  const held = await heldElsewhere(db, orgId, input.postalCodes, id);
  if (held.length > 0 && !move) throw heldConflict(held);
  const at = now.toISOString();
  await runLongBatch(db, [
    db.insert(areas).values({ id, orgId, name: input.name, code: input.code, version: 1, createdAt: at, updatedAt: at }),
    insertCodes(db, orgId, id, input.postalCodes, move),
    ...reassignCodes(db, orgId, input.postalCodes, now),
  ]);
  return getArea(db, orgId, id);
}

export async function updateArea(ctx: Ctx, options: { id: string; input: AreaUpdateInput; expected: Expected }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { id, input, expected } = options;
  const current = await getArea(db, orgId, id);
  requireVersion(expected, current.version);
  if (input.code !== undefined && input.code !== current.code) await requireFreeCode(db, orgId, input.code, id);
  const [updated] = await db
    .update(areas)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.code !== undefined && { code: input.code }),
      version: sql`${areas.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(areas.orgId, orgId), eq(areas.id, id), versionMatches(areas.version, expected)))
    .returning({ id: areas.id });
  if (!updated) throw staleVersion();
  return getArea(db, orgId, id);
}

/**
 * Deleting an area that an active district group covers would silently shrink that group,
 * so it is a 409 until the group's areas are changed. Members in the area become
 * unassigned in the same batch, with a history row each.
 */
export async function deleteArea(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { id, expected } = options;
  const area = await getArea(db, orgId, id);
  requireVersion(expected, area.version);
  if (area.districtGroupId) {
    const group = await db.query.groups.findFirst({ columns: { name: true }, where: eq(groups.id, area.districtGroupId) });
    throw conflict(
      `Area '${area.name}' is covered by the district group '${group?.name ?? area.districtGroupId}'; remove it from the group's areas first.`,
      { districtGroupId: area.districtGroupId },
    );
  }
  const gone = sql`NOT EXISTS (SELECT 1 FROM ${areas} WHERE ${areas.id} = ${id})`;
  const [deleted] = await runLongBatch(db, [
    // Cascades remove its postal codes and the cover rows of closed district groups.
    db
      .delete(areas)
      .where(and(eq(areas.orgId, orgId), eq(areas.id, id), versionMatches(areas.version, expected)))
      .returning({ id: areas.id }),
    // Only once the delete took: a stale If-Match changes nothing (reassigning an area that stays moves nobody).
    db
      .update(groups)
      .set({ proposalAreaId: null })
      .where(and(eq(groups.orgId, orgId), eq(groups.proposalAreaId, id), gone)),
    db
      .update(groups)
      .set({ areaId: null })
      .where(and(eq(groups.orgId, orgId), eq(groups.areaId, id), gone)),
    ...reassignAreas(db, orgId, [id], now),
  ]);
  if ((deleted as unknown[]).length === 0 && expected !== undefined) throw staleVersion();
}

/**
 * Replaces (`replace`) or extends (`add`) an area's postal codes, all or nothing, and moves
 * the members concerned in the same batch: those in the area, those whose code now lies
 * in it, and those of the areas codes were moved from.
 */
export async function changePostalCodes(
  ctx: Ctx,
  options: { areaId: string; codes: string[]; mode: "replace" | "add"; move: boolean; expected: Expected },
) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { areaId, codes, mode, move, expected } = options;
  requireVersion(expected, (await getArea(db, orgId, areaId)).version);
  const held = await heldElsewhere(db, orgId, codes, areaId);
  if (held.length > 0 && !move) throw heldConflict(held);

  const existing = new Set(
    (
      await db
        .select({ code: apc.postalCode })
        .from(apc)
        .where(and(eq(apc.orgId, orgId), eq(apc.areaId, areaId)))
    ).map((r) => r.code),
  );
  const wanted = new Set(codes);
  const added = codes.filter((code) => !existing.has(code)).length;
  const removedCodes = mode === "replace" ? [...existing].filter((code) => !wanted.has(code)) : [];
  const removed = removedCodes.length;

  const guard = versionIs(sql`${areas}`, areaId, expected);
  const statements: Statement[] = [];
  if (mode === "replace") {
    statements.push(db.delete(apc).where(and(eq(apc.areaId, areaId), sql`${apc.postalCode} NOT IN ${jsonValues(codes)}`, guard)));
  }
  statements.push(insertCodes(db, orgId, areaId, codes, move, guard));
  const bump = db
    .update(areas)
    .set({ version: sql`${areas.version} + 1`, updatedAt: now.toISOString() })
    .where(and(eq(areas.id, areaId), versionMatches(areas.version, expected)))
    .returning({ id: areas.id });
  const bumpIndex = statements.push(bump) - 1;
  // Only the members at codes sent or taken away can change area, not the areas' other members.
  statements.push(...reassignCodes(db, orgId, [...codes, ...removedCodes], now));

  const results = await runLongBatch(db, statements);
  if ((results[bumpIndex] as unknown[]).length === 0) throw staleVersion();
  const area = await getArea(db, orgId, areaId);
  const result = {
    areaId,
    postalCodeCount: Number(area.postalCodeCount),
    added,
    removed,
    moved: held.map((h) => ({ postalCode: h.postalCode, fromAreaId: h.areaId })),
    // The last statement of the batch: the members' UPDATE of the reassignment.
    membersReassigned: rowsAffected(results.at(-1)),
  };
  return { result, version: area.version };
}

export async function removePostalCode(ctx: Ctx, options: { areaId: string; postalCode: string; expected: Expected }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { areaId, expected } = options;
  requireVersion(expected, (await getArea(db, orgId, areaId)).version);
  const key = postalCodeKey(options.postalCode) ?? "";
  const found = await db.query.areaPostalCodes.findFirst({
    where: and(eq(apc.orgId, orgId), eq(apc.postalCode, key), eq(apc.areaId, areaId)),
  });
  if (!found) throw notFound(`Postal code ${key} in this area`);
  const guard = versionIs(sql`${areas}`, areaId, expected);
  const results = await runLongBatch(db, [
    db.delete(apc).where(and(eq(apc.orgId, orgId), eq(apc.postalCode, key), eq(apc.areaId, areaId), guard)),
    db
      .update(areas)
      .set({ version: sql`${areas.version} + 1`, updatedAt: now.toISOString() })
      .where(and(eq(areas.id, areaId), versionMatches(areas.version, expected)))
      .returning({ id: areas.id }),
    ...reassignCodes(db, orgId, [key], now),
  ]);
  if ((results[1] as unknown[]).length === 0) throw staleVersion();
}
