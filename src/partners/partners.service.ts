import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { runBatch } from "../db/sql.ts";
import { type Expected, lostRace, requireVersion, staleVersion, versionIs, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { conflict, invalid, notFound } from "../lib/problems.ts";
import { checkLinks, inProgrammeArea, linkStatements, linksOf } from "../programmes/links.ts";
import type { PartnerCreateInput, PartnerUpdateInput } from "./partners.schemas.ts";

const pt = schema.partners;
const people = schema.members;
type PartnerRow = typeof pt.$inferSelect;
type Relation = { kind: "partner" | "network_membership" | "funder"; from: string | null; to: string | null };

export function toPartnerPublic(row: PartnerRow, programmeAreaIds: string[]) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    country: row.country,
    website: row.website,
    notes: row.notes,
    programmeAreaIds,
    relations: JSON.parse(row.relations) as Relation[],
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function storedRelations(relations: Relation[]): string {
  relations.forEach((relation, index) => {
    if (relation.from && relation.to && relation.to < relation.from) throw invalid(`body.relations.${index}.to`, "must not be before from");
  });
  return JSON.stringify(relations);
}

export async function getPartner(ctx: Ctx, id: string): Promise<PartnerRow> {
  const row = await ctx.db.query.partners.findFirst({ where: and(eq(pt.orgId, ctx.org.id), eq(pt.id, id)) });
  if (!row) throw notFound("Partner");
  return row;
}

export async function partnerPublic(ctx: Ctx, row: PartnerRow) {
  const links = await linksOf(ctx.db, "partner", [row.id]);
  return toPartnerPublic(row, links.get(row.id)?.programmeAreaIds ?? []);
}

export async function listPartners(
  ctx: Ctx,
  options: {
    limit: number;
    cursor?: string | undefined;
    kind?: PartnerRow["kind"] | undefined;
    country?: string | undefined;
    programmeArea?: string | undefined;
  },
) {
  const { limit, cursor } = options;
  const after = cursor ? decodeCursor(cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select()
    .from(pt)
    .where(
      and(
        eq(pt.orgId, ctx.org.id),
        options.kind ? eq(pt.kind, options.kind) : undefined,
        options.country ? eq(pt.country, options.country) : undefined,
        await inProgrammeArea(ctx, "partner", pt.id, options.programmeArea),
        after ? sql`(${pt.name} > ${after[0]} OR (${pt.name} = ${after[0]} AND ${pt.id} > ${after[1]}))` : undefined,
      ),
    )
    .orderBy(asc(pt.name), asc(pt.id))
    .limit(limit + 1);
  const links = await linksOf(
    ctx.db,
    "partner",
    rows.slice(0, limit).map((row) => row.id),
  );
  return page(
    rows,
    limit,
    (row) => toPartnerPublic(row, links.get(row.id)?.programmeAreaIds ?? []),
    (row) => [row.name, row.id],
  );
}

export async function createPartner(ctx: Ctx, options: { input: PartnerCreateInput }) {
  const { db, org, now } = ctx;
  const { input } = options;
  await checkLinks(ctx, { programmeAreaIds: input.programmeAreaIds });
  const row: PartnerRow = {
    id: newId(now),
    orgId: org.id,
    name: input.name,
    kind: input.kind,
    country: input.country ?? null,
    website: input.website ?? null,
    notes: input.notes ?? null,
    relations: storedRelations(input.relations ?? []),
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await runBatch(db, [
    db.insert(pt).values(row),
    ...linkStatements(db, { subject: "partner", id: row.id, input: { programmeAreaIds: input.programmeAreaIds } }),
  ]);
  return row;
}

export async function updatePartner(ctx: Ctx, options: { id: string; input: PartnerUpdateInput; expected: Expected }) {
  const { db, now } = ctx;
  const { id, input, expected } = options;
  const current = await getPartner(ctx, id);
  requireVersion(expected, current.version);
  await checkLinks(ctx, { programmeAreaIds: input.programmeAreaIds });
  const update = db
    .update(pt)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.kind !== undefined && { kind: input.kind }),
      ...(input.country !== undefined && { country: input.country }),
      ...(input.website !== undefined && { website: input.website }),
      ...(input.notes !== undefined && { notes: input.notes }),
      ...(input.relations !== undefined && { relations: storedRelations(input.relations) }),
      version: sql`${pt.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(pt.id, id), eq(pt.version, current.version)))
    .returning();
  // The links follow the update only if it took: the version it leaves behind.
  const guard = versionIs(sql`${pt}`, id, [current.version + 1]);
  const [rows] = await runBatch(db, [
    update,
    ...linkStatements(db, { subject: "partner", id, input: { programmeAreaIds: input.programmeAreaIds }, guard }),
  ]);
  const [row] = rows as PartnerRow[];
  if (!row) throw staleVersion();
  return row;
}

/** Its links to events, campaigns and areas go with it; its contact persons stay, belonging to no organisation. */
export async function deletePartner(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { db, now } = ctx;
  const { id, expected } = options;
  requireVersion(expected, (await getPartner(ctx, id)).version);
  const guard = versionIs(sql`${pt}`, id, expected);
  const [, deleted] = await runBatch(db, [
    db
      .update(people)
      .set({ partnerId: null, version: sql`${people.version} + 1`, updatedAt: now.toISOString() })
      .where(and(eq(people.orgId, ctx.org.id), eq(people.partnerId, id), guard)),
    db
      .delete(pt)
      .where(and(eq(pt.id, id), versionMatches(pt.version, expected)))
      .returning({ id: pt.id }),
  ]);
  if ((deleted as unknown[]).length === 0 && expected !== undefined) throw staleVersion();
}

const contactColumns = { id: people.id, name: people.name, email: people.email, phone: people.phone, enrolled: people.enrolled };

/** The partner's contact persons by name: members and contacts linked to it. Personal data: staff only (the route says so). */
export async function listPartnerContacts(ctx: Ctx, options: { partnerId: string; limit: number; cursor?: string | undefined }) {
  const { partnerId, limit, cursor } = options;
  await getPartner(ctx, partnerId);
  const after = cursor ? decodeCursor(cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select({ ...contactColumns, nameKey: people.nameKey })
    .from(people)
    .where(
      and(
        eq(people.orgId, ctx.org.id),
        eq(people.partnerId, partnerId),
        isNull(people.erasedAt),
        after
          ? sql`(coalesce(${people.nameKey}, '') > ${after[0]} OR (coalesce(${people.nameKey}, '') = ${after[0]} AND ${people.id} > ${after[1]}))`
          : undefined,
      ),
    )
    .orderBy(sql`coalesce(${people.nameKey}, '')`, asc(people.id))
    .limit(limit + 1);
  return page(
    rows,
    limit,
    ({ nameKey: _, ...contact }) => contact,
    (row) => [row.nameKey ?? "", row.id],
  );
}

async function personOf(ctx: Ctx, personId: string) {
  const [person] = await ctx.db
    .select({ ...contactColumns, partnerId: people.partnerId, version: people.version })
    .from(people)
    .where(and(eq(people.orgId, ctx.org.id), eq(people.id, personId), isNull(people.erasedAt)))
    .limit(1);
  if (!person) throw notFound("Person");
  return person;
}

/**
 * The partner a person belongs to is part of the person's record: the link is written with
 * the person's version (their ETag, as `GET /members/{id}` gives it) and moves it on.
 */
async function setPartnerOf(ctx: Ctx, person: { id: string; version: number }, partnerId: string | null, expected: Expected) {
  const [row] = await ctx.db
    .update(people)
    .set({ partnerId, version: sql`${people.version} + 1`, updatedAt: ctx.now.toISOString() })
    .where(and(eq(people.orgId, ctx.org.id), eq(people.id, person.id), eq(people.version, person.version)))
    .returning({ version: people.version });
  if (!row) throw lostRace(expected, () => conflict("The person was changed at the same moment; read them again and retry."));
  return row.version;
}

/** Makes the person a contact person of the partner; a person belongs to one partner at most, so this moves them from another. */
export async function addPartnerContact(ctx: Ctx, options: { partnerId: string; personId: string; expected: Expected }) {
  await getPartner(ctx, options.partnerId);
  const { partnerId: was, version, ...person } = await personOf(ctx, options.personId);
  requireVersion(options.expected, version);
  if (was === options.partnerId) return { contact: person, version };
  return { contact: person, version: await setPartnerOf(ctx, { id: person.id, version }, options.partnerId, options.expected) };
}

export async function removePartnerContact(ctx: Ctx, options: { partnerId: string; personId: string; expected: Expected }) {
  await getPartner(ctx, options.partnerId);
  const person = await personOf(ctx, options.personId);
  if (person.partnerId !== options.partnerId) throw notFound("Contact person of this partner");
  requireVersion(options.expected, person.version);
  await setPartnerOf(ctx, person, null, options.expected);
}
