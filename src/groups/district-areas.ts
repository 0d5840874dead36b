import { and, eq, ne, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { jsonValues, type Statement } from "../db/sql.ts";
import { conflict, type FieldError, invalidFields } from "../lib/problems.ts";

/**
 * Which district group covers which areas. An area is covered by at most one district
 * group that is not closed; a closed group keeps its rows (what it covered stays
 * readable) until another group takes the area over.
 */

const ga = schema.groupAreas;
const groups = schema.groups;
const areas = schema.areas;

/** 422 for ids that are no area of the organisation; 409 for areas another open district group covers. */
export async function checkCoverable(db: Db, orgId: string, areaIds: string[], groupId: string | undefined) {
  if (areaIds.length === 0) return;
  const known = new Set(
    (
      await db
        .select({ id: areas.id })
        .from(areas)
        .where(and(eq(areas.orgId, orgId), sql`${areas.id} IN ${jsonValues(areaIds)}`))
    ).map((row) => row.id),
  );
  const errors: FieldError[] = areaIds.flatMap((id, index) =>
    known.has(id) ? [] : [{ field: `body.areaIds.${index}`, message: "is no area of this organisation" }],
  );
  if (errors.length > 0) {
    throw invalidFields(errors);
  }
  const taken = await db
    .select({ areaId: ga.areaId, areaName: areas.name, areaCode: areas.code, groupId: groups.id, groupName: groups.name })
    .from(ga)
    .innerJoin(groups, eq(groups.id, ga.groupId))
    .innerJoin(areas, eq(areas.id, ga.areaId))
    .where(
      and(
        eq(ga.orgId, orgId),
        sql`${ga.areaId} IN ${jsonValues(areaIds)}`,
        ne(groups.status, "closed"),
        groupId === undefined ? undefined : ne(ga.groupId, groupId),
      ),
    );
  const [first] = taken;
  if (first) {
    throw conflict(
      `Area '${first.areaName}' (${first.areaCode}) is already covered by the district group '${first.groupName}'. ` +
        "An area belongs to at most one district group: remove it from that group first.",
      { conflicts: taken.map(({ areaId, groupId: coveredBy }) => ({ areaId, groupId: coveredBy })) },
    );
  }
}

/**
 * The statements that make `areaIds` exactly the areas of the group: its old rows go, and
 * rows of closed groups for those areas are taken over. `guard` is the If-Match condition.
 */
export function coverStatements(db: Db, options: { orgId: string; groupId: string; areaIds: string[]; guard?: SQL }): Statement[] {
  const { orgId, groupId, areaIds, guard = sql`1` } = options;
  const list = JSON.stringify([...new Set(areaIds)]);
  return [
    db.delete(ga).where(and(eq(ga.groupId, groupId), guard)),
    db.run(sql`DELETE FROM ${ga} WHERE ${ga.orgId} = ${orgId} AND ${ga.areaId} IN (SELECT value FROM json_each(${list}))
      AND ${ga.groupId} IN (SELECT id FROM ${groups} WHERE status = 'closed') AND ${guard}`),
    db.run(sql`INSERT INTO ${ga} (org_id, area_id, group_id) SELECT ${orgId}, value, ${groupId} FROM json_each(${list}) WHERE ${guard}`),
  ];
}

/** The areas a group covers now. */
export async function areasOf(db: Db, groupId: string): Promise<string[]> {
  return (await db.select({ areaId: ga.areaId }).from(ga).where(eq(ga.groupId, groupId))).map((row) => row.areaId);
}
