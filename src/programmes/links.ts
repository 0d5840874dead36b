import { and, eq, inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import type { Statement } from "../db/sql.ts";
import { invalid } from "../lib/problems.ts";

/**
 * The programme areas and co-organising partners of events, campaigns and groups (and the
 * areas a partner works in), for the services of those resources: checking the ids a
 * request names, writing the links in the batch that writes the resource, reading the links
 * of a page of rows in one query, and the `?programmeArea=` filter of their lists.
 */

export type AreaSubject = "event" | "campaign" | "group" | "partner";
export type PartnerSubject = "event" | "campaign";

/** Link tables and their subject column; constants, never input, so they are safe as raw SQL. */
const areaLinks: Record<AreaSubject, { table: string; column: string }> = {
  event: { table: "event_programme_areas", column: "event_id" },
  campaign: { table: "campaign_programme_areas", column: "campaign_id" },
  group: { table: "group_programme_areas", column: "group_id" },
  partner: { table: "partner_programme_areas", column: "partner_id" },
};
const partnerLinks: Record<PartnerSubject, { table: string; column: string }> = {
  event: { table: "event_partners", column: "event_id" },
  campaign: { table: "campaign_partners", column: "campaign_id" },
};

/** What a request may send: each list replaces the links it names; undefined leaves them. */
export interface LinkInput {
  programmeAreaIds?: string[] | undefined;
  partnerIds?: string[] | undefined;
}

export interface Links {
  programmeAreaIds: string[];
  partners: { id: string; name: string }[];
}

/** Every id must be one of the organisation's rows of `table`; the first that is not is a 422 on its place. */
async function requireOwn(ctx: Ctx, table: typeof schema.programmeAreas | typeof schema.partners, ids: string[], field: string) {
  if (ids.length === 0) return;
  const found = await ctx.db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.orgId, ctx.org.id), inArray(table.id, ids)));
  const known = new Set(found.map((row) => row.id));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) throw invalid(`${field}.${missing}`, "is not one of this organisation's");
}

/** Checks the ids of a create or update body (422 on `body.programmeAreaIds.<n>` / `body.partnerIds.<n>`). */
export async function checkLinks(ctx: Ctx, input: LinkInput) {
  if (input.programmeAreaIds) await requireOwn(ctx, schema.programmeAreas, input.programmeAreaIds, "body.programmeAreaIds");
  if (input.partnerIds) await requireOwn(ctx, schema.partners, input.partnerIds, "body.partnerIds");
}

function replace(db: Db, link: { table: string; column: string }, target: string, id: string, ids: string[], guard: SQL) {
  const table = sql.raw(link.table);
  const column = sql.raw(link.column);
  return [
    db.run(sql`DELETE FROM ${table} WHERE ${column} = ${id} AND ${guard}`),
    db.run(
      sql`INSERT INTO ${table} (${column}, ${sql.raw(target)}) SELECT DISTINCT ${id}, value FROM json_each(${JSON.stringify(ids)}) WHERE ${guard}`,
    ),
  ];
}

/**
 * Statements that make the subject's links what the input says, for the batch that writes
 * the subject itself. `guard` holds them to that write (the version the update leaves behind),
 * so a stale update changes no links either.
 */
export function linkStatements(
  db: Db,
  options: { subject: AreaSubject; id: string; input: LinkInput; guard?: SQL | undefined },
): Statement[] {
  const { subject, id, input } = options;
  const guard = options.guard ?? sql`1`;
  const out: Statement[] = [];
  if (input.programmeAreaIds) out.push(...replace(db, areaLinks[subject], "programme_area_id", id, input.programmeAreaIds, guard));
  if (input.partnerIds && subject !== "group" && subject !== "partner")
    out.push(...replace(db, partnerLinks[subject], "partner_id", id, input.partnerIds, guard));
  return out;
}

/** The links of a page of rows, in one query: programme areas by id, partners by name. */
export async function linksOf(db: Db, subject: AreaSubject, ids: string[]): Promise<Map<string, Links>> {
  const byId = new Map<string, Links>(ids.map((id) => [id, { programmeAreaIds: [], partners: [] }]));
  if (ids.length === 0) return byId;
  const list = JSON.stringify(ids);
  const area = areaLinks[subject];
  const areaRows = sql`SELECT 'area' AS what, l.${sql.raw(area.column)} AS subject, l.programme_area_id AS id, NULL AS name
    FROM ${sql.raw(area.table)} AS l WHERE l.${sql.raw(area.column)} IN (SELECT value FROM json_each(${list}))`;
  const partner = subject === "event" || subject === "campaign" ? partnerLinks[subject] : undefined;
  const rows = await db.all<{ what: "area" | "partner"; subject: string; id: string; name: string | null }>(
    partner
      ? sql`${areaRows} UNION ALL SELECT 'partner', l.${sql.raw(partner.column)}, p.id, p.name
          FROM ${sql.raw(partner.table)} AS l JOIN partners AS p ON p.id = l.partner_id
          WHERE l.${sql.raw(partner.column)} IN (SELECT value FROM json_each(${list}))
          ORDER BY 1, 4, 3`
      : sql`${areaRows} ORDER BY 1, 4, 3`,
  );
  for (const row of rows) {
    const links = byId.get(row.subject);
    if (!links) continue;
    if (row.what === "area") links.programmeAreaIds.push(row.id);
    else links.partners.push({ id: row.id, name: row.name ?? "" });
  }
  return byId;
}

/** The links of one row. */
export async function linksOfOne(db: Db, subject: AreaSubject, id: string): Promise<Links> {
  return (await linksOf(db, subject, [id])).get(id) as Links;
}

/**
 * A list's `?programmeArea=` filter on the subject's id column: an id that is not one of the
 * organisation's programme areas is a 422 (never an empty page that looks like an answer).
 */
export async function inProgrammeArea(ctx: Ctx, subject: AreaSubject, idColumn: SQLWrapper, areaId: string | undefined) {
  if (areaId === undefined) return undefined;
  const found = await ctx.db.query.programmeAreas.findFirst({
    columns: { id: true },
    where: and(eq(schema.programmeAreas.orgId, ctx.org.id), eq(schema.programmeAreas.id, areaId)),
  });
  if (!found) throw invalid("query.programmeArea", "is not a programme area of this organisation");
  const link = areaLinks[subject];
  return sql`${idColumn} IN (SELECT ${sql.raw(link.column)} FROM ${sql.raw(link.table)} WHERE programme_area_id = ${areaId})`;
}
