import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { notFound } from "../lib/problems.ts";
import { postalCodeKey } from "../members/district.ts";

const areas = schema.areas;
const apc = schema.areaPostalCodes;

const areaFields = {
  id: areas.id,
  orgId: areas.orgId,
  name: areas.name,
  code: areas.code,
  version: areas.version,
  createdAt: areas.createdAt,
  updatedAt: areas.updatedAt,
  // Plain SQL with aliases: a single-table select renders columns without their table name.
  postalCodeCount: sql<number>`(SELECT count(*) FROM area_postal_codes p WHERE p.area_id = areas.id)`.as("postal_code_count"),
  districtGroupId: sql<string | null>`(SELECT ga.group_id FROM group_areas ga JOIN groups g ON g.id = ga.group_id
    WHERE ga.org_id = areas.org_id AND ga.area_id = areas.id AND g.kind = 'district' AND g.status = 'active')`.as("district_group_id"),
};

export type AreaRow = { id: string; name: string; code: string; version: number; createdAt: string; updatedAt: string } & {
  postalCodeCount: number;
  districtGroupId: string | null;
};

export function toAreaPublic(row: AreaRow) {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    postalCodeCount: Number(row.postalCodeCount),
    districtGroupId: row.districtGroupId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function getArea(db: Db, orgId: string, id: string): Promise<AreaRow> {
  const [row] = await db
    .select(areaFields)
    .from(areas)
    .where(and(eq(areas.orgId, orgId), eq(areas.id, id)))
    .limit(1);
  if (!row) throw notFound("Area");
  return row;
}

/** Areas by code: the order organisations number their districts in. */
export async function listAreas(ctx: Ctx, options: { postalCode?: string; limit: number; cursor?: string }) {
  const { db } = ctx;
  const orgId = ctx.org.id;
  const { limit, cursor, ...filter } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const key = filter.postalCode === undefined ? undefined : (postalCodeKey(filter.postalCode) ?? "");
  const rows = await db
    .select(areaFields)
    .from(areas)
    .where(
      and(
        eq(areas.orgId, orgId),
        after === undefined ? undefined : gt(areas.code, after),
        key === undefined
          ? undefined
          : sql`areas.id = (SELECT p.area_id FROM area_postal_codes p WHERE p.org_id = ${orgId} AND p.postal_code = ${key})`,
      ),
    )
    .orderBy(asc(areas.code))
    .limit(limit + 1);
  return page(rows, limit, toAreaPublic, (row) => [row.code]);
}

export async function listPostalCodes(ctx: Ctx, options: { areaId: string; limit: number; cursor?: string }) {
  const { db } = ctx;
  const orgId = ctx.org.id;
  const { areaId, limit, cursor } = options;
  await getArea(db, orgId, areaId);
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const rows = await db
    .select({ postalCode: apc.postalCode })
    .from(apc)
    .where(and(eq(apc.orgId, orgId), eq(apc.areaId, areaId), after === undefined ? undefined : gt(apc.postalCode, after)))
    .orderBy(asc(apc.postalCode))
    .limit(limit + 1);
  return page(
    rows,
    limit,
    (row) => row,
    (row) => [row.postalCode],
  );
}
