import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { jsonValues, type Statement } from "../db/sql.ts";
import { conflict } from "../lib/problems.ts";
import { reassignStatements } from "../members/district.ts";

/** The pieces every write of postal codes is made of: conflict checks, inserts, reassignment. */

const areas = schema.areas;
const apc = schema.areaPostalCodes;

export interface Holder {
  postalCode: string;
  areaId: string;
  areaCode: string;
  areaName: string;
}

/** The codes among `codes` that lie in an area other than `areaId`, with that area. */
export async function heldElsewhere(db: Db, orgId: string, codes: string[], areaId: string): Promise<Holder[]> {
  if (codes.length === 0) return [];
  return db
    .select({ postalCode: apc.postalCode, areaId: apc.areaId, areaCode: areas.code, areaName: areas.name })
    .from(apc)
    .innerJoin(areas, eq(areas.id, apc.areaId))
    .where(and(eq(apc.orgId, orgId), sql`${apc.postalCode} IN ${jsonValues(codes)}`, ne(apc.areaId, areaId)))
    .orderBy(asc(apc.postalCode));
}

export function heldConflict(held: Holder[]) {
  const [first] = held;
  const named = first ? `Postal code ${first.postalCode} already lies in area '${first.areaName}' (${first.areaCode})` : "";
  const more = held.length > 1 ? `, and ${held.length - 1} more of the codes lie in other areas` : "";
  return conflict(`${named}${more}. A postal code lies in at most one area; send move=true to move the codes to this area.`, {
    conflicts: held.slice(0, 100).map(({ postalCode, areaId, areaCode }) => ({ postalCode, areaId, areaCode })),
  });
}

/**
 * Inserting codes into an area. With `move`, a code in another area changes area (upsert);
 * without it a plain insert, so a code taken by another area since the check fails the
 * whole batch on the primary key instead of being skipped.
 */
export function insertCodes(db: Db, orgId: string, areaId: string, codes: string[], move: boolean, guard = sql`1`): Statement {
  const source = sql`SELECT ${orgId}, value, ${areaId} FROM json_each(${JSON.stringify(codes)})
    WHERE ${guard} AND value NOT IN (SELECT ${apc.postalCode} FROM ${apc} WHERE ${apc.orgId} = ${orgId} AND ${apc.areaId} = ${areaId})`;
  return move
    ? db.run(sql`INSERT INTO ${apc} (org_id, postal_code, area_id) ${source}
        ON CONFLICT (org_id, postal_code) DO UPDATE SET area_id = excluded.area_id`)
    : db.run(sql`INSERT INTO ${apc} (org_id, postal_code, area_id) ${source}`);
}

/** Members at postal codes that changed area (added, moved, removed), in the same batch as the change. */
export function reassignCodes(db: Db, orgId: string, codes: string[], now: Date): Statement[] {
  return reassignStatements(db, { orgId, scope: { postalCodes: [...new Set(codes)] }, reason: "areas_changed", now });
}

/** Members of the area and of the areas codes moved from, in the same batch as the change. */
export function reassignAreas(db: Db, orgId: string, areaIds: string[], now: Date): Statement[] {
  return reassignStatements(db, { orgId, scope: { areaIds: [...new Set(areaIds)] }, reason: "areas_changed", now });
}
