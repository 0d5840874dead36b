import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { isKey, isSelf, type Viewer } from "../access/viewer.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { runBatch, type Statement } from "../db/sql.ts";
import { type Expected, requireVersion, staleVersion, versionIs, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { conflict, invalid, notFound } from "../lib/problems.ts";
import { reassignStatements } from "../members/district.ts";
import { checkLinks, inProgrammeArea, linkStatements, linksOf, linksOfOne } from "../programmes/links.ts";
import { areasOf, checkCoverable, coverStatements } from "./district-areas.ts";
import type { GroupCreateInput, GroupListFilter, GroupUpdateInput } from "./groups.schemas.ts";

const groups = schema.groups;
const ga = schema.groupAreas;
const gm = schema.groupMemberships;

export type GroupRow = typeof groups.$inferSelect;

/** A member sees active groups and their own proposals; keys see everything of their organisation. */
export function mayView(viewer: Viewer, row: Pick<GroupRow, "status" | "proposedById">): boolean {
  return isKey(viewer) || row.status === "active" || isSelf(viewer, row.proposedById);
}

export function toGroupPublic(row: GroupRow, areaIds: string[], viewer: Viewer, programmeAreaIds: string[]) {
  const wasProposed = row.proposedById !== null || row.proposalPurpose !== null;
  const showProposal = wasProposed && (isKey(viewer) || isSelf(viewer, row.proposedById));
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    description: row.description,
    focusTags: JSON.parse(row.focusTags) as string[],
    contactEmail: row.contactEmail,
    parentId: row.parentId,
    politicalContactId: row.politicalContactId,
    status: row.status,
    areaIds,
    programmeAreaIds,
    proposal: showProposal
      ? {
          proposedById: row.proposedById,
          purpose: row.proposalPurpose,
          areaId: row.proposalAreaId,
          declineReason: row.declineReason,
          decidedAt: row.decidedAt,
        }
      : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function groupRow(ctx: Ctx, id: string): Promise<GroupRow> {
  const row = await ctx.db.query.groups.findFirst({ where: and(eq(groups.orgId, ctx.org.id), eq(groups.id, id)) });
  if (!row) throw notFound("Group");
  return row;
}

/** The group if the caller may see it; 404 otherwise, so a member cannot tell a hidden group from none. */
export async function visibleGroup(ctx: Ctx, id: string): Promise<GroupRow> {
  const row = await groupRow(ctx, id);
  if (!mayView(ctx.viewer, row)) throw notFound("Group");
  return row;
}

/** The group as the caller sees it. */
export async function groupPublic(ctx: Ctx, row: GroupRow) {
  const links = await linksOfOne(ctx.db, "group", row.id);
  return toGroupPublic(row, await areasOf(ctx.db, row.id), ctx.viewer, links.programmeAreaIds);
}

/** The same for many rows, with one query for their areas. */
export async function groupsPublic(ctx: Ctx, rows: GroupRow[]) {
  const viewer = ctx.viewer;
  const ids = rows.map((row) => row.id);
  const covers = ids.length === 0 ? [] : await ctx.db.select().from(ga).where(inArray(ga.groupId, ids));
  const links = await linksOf(ctx.db, "group", ids);
  return rows.map((row) =>
    toGroupPublic(
      row,
      covers.filter((cover) => cover.groupId === row.id).map((cover) => cover.areaId),
      viewer,
      links.get(row.id)?.programmeAreaIds ?? [],
    ),
  );
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Groups by name (then id), filtered; members see only what `mayView` allows. */
export async function listGroups(ctx: Ctx, options: GroupListFilter & { limit: number; cursor?: string }) {
  const { db, viewer } = ctx;
  const orgId = ctx.org.id;
  const { limit, cursor, ...filter } = options;
  const after = cursor ? decodeCursor(cursor, ["string", "string"]) : undefined;
  const rows = await db
    .select()
    .from(groups)
    .where(
      and(
        eq(groups.orgId, orgId),
        isKey(viewer)
          ? undefined
          : or(eq(groups.status, "active"), viewer.kind === "member" ? eq(groups.proposedById, viewer.memberId) : undefined),
        filter.kind ? eq(groups.kind, filter.kind) : undefined,
        filter.status ? eq(groups.status, filter.status) : undefined,
        filter.parentId ? eq(groups.parentId, filter.parentId) : undefined,
        filter.areaId
          ? sql`(${groups.id} IN (SELECT group_id FROM group_areas WHERE area_id = ${filter.areaId}) OR ${groups.proposalAreaId} = ${filter.areaId})`
          : undefined,
        await inProgrammeArea(ctx, "group", groups.id, filter.programmeArea),
        filter.q ? sql`${groups.name} LIKE ${`${escapeLike(filter.q)}%`} ESCAPE '\\'` : undefined,
        after ? sql`(${groups.name} > ${after[0]} OR (${groups.name} = ${after[0]} AND ${groups.id} > ${after[1]}))` : undefined,
      ),
    )
    .orderBy(asc(groups.name), asc(groups.id))
    .limit(limit + 1);
  const shown = await groupsPublic(ctx, rows.slice(0, limit));
  const byId = new Map(shown.map((group) => [group.id, group]));
  return page(
    rows,
    limit,
    (row) => byId.get(row.id) as (typeof shown)[number],
    (row) => [row.name, row.id],
  );
}

async function requireParent(db: Db, orgId: string, parentId: string, groupId?: string) {
  const parent = await db.query.groups.findFirst({ columns: { id: true }, where: and(eq(groups.orgId, orgId), eq(groups.id, parentId)) });
  if (!parent) throw invalid("body.parentId", "is no group of this organisation");
  if (groupId === undefined) return;
  // Walk up from the new parent: meeting the group itself would close a cycle.
  const loop = await db.all(sql`WITH RECURSIVE up(id, depth) AS (
      SELECT ${parentId}, 0
      UNION SELECT g.parent_id, up.depth + 1 FROM groups g JOIN up ON g.id = up.id WHERE g.parent_id IS NOT NULL AND up.depth < 100)
    SELECT 1 FROM up WHERE id = ${groupId} LIMIT 1`);
  if (loop.length > 0) throw invalid("body.parentId", "would make the group its own ancestor (a cycle)");
}

async function requirePoliticalContact(db: Db, orgId: string, kind: GroupRow["kind"], memberId: string) {
  if (kind !== "network") throw invalid("body.politicalContactId", "only networks have a political contact");
  const member = await db.query.members.findFirst({
    columns: { id: true },
    where: and(eq(schema.members.orgId, orgId), eq(schema.members.id, memberId), isNull(schema.members.erasedAt)),
  });
  if (!member) throw invalid("body.politicalContactId", "is no member of this organisation");
}

export async function createGroup(ctx: Ctx, options: { input: GroupCreateInput }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { input } = options;
  if (input.areaIds !== undefined && input.kind !== "district") throw invalid("body.areaIds", "only district groups cover areas");
  if (input.parentId) await requireParent(db, orgId, input.parentId);
  if (input.politicalContactId) await requirePoliticalContact(db, orgId, input.kind, input.politicalContactId);
  await checkLinks(ctx, input);
  const areaIds = [...new Set(input.areaIds ?? [])];
  const id = newId(now);
  await checkCoverable(db, orgId, areaIds, id);
  const at = now.toISOString();
  await runBatch(db, [
    db.insert(groups).values({
      id,
      orgId,
      kind: input.kind,
      name: input.name,
      description: input.description ?? null,
      focusTags: JSON.stringify(input.focusTags),
      contactEmail: input.contactEmail ?? null,
      parentId: input.parentId ?? null,
      politicalContactId: input.politicalContactId ?? null,
      status: "active",
      version: 1,
      createdAt: at,
      updatedAt: at,
    }),
    ...linkStatements(db, { subject: "group", id, input }),
    ...(areaIds.length > 0 ? coverStatements(db, { orgId, groupId: id, areaIds }) : []),
    // The members living in the covered areas join the new district group at once.
    ...(areaIds.length > 0 ? reassignStatements(db, { orgId, scope: { areaIds }, reason: "areas_changed", now }) : []),
  ]);
  return groupRow(ctx, id);
}

/**
 * Partial update. Statements that go with it (new areas, ending memberships on close)
 * carry the If-Match condition and the version bump runs after them, so a stale update
 * changes nothing at all. District members are reassigned in the same batch.
 */
export async function updateGroup(ctx: Ctx, options: { id: string; input: GroupUpdateInput; expected: Expected }) {
  const { db, org, now } = ctx;
  const { id, input, expected } = options;
  const row = await groupRow(ctx, id);
  requireVersion(expected, row.version);
  if (row.status === "declined") throw conflict("A declined proposal stays as it was decided; a member may propose the group again.");
  if (input.status !== undefined && row.status === "proposed") {
    throw conflict("A proposed group is decided with approve or decline, not by setting its status.");
  }
  if (input.areaIds !== undefined && row.kind !== "district") throw invalid("body.areaIds", "only district groups cover areas");
  if (input.parentId) await requireParent(db, org.id, input.parentId, id);
  if (input.politicalContactId) await requirePoliticalContact(db, org.id, row.kind, input.politicalContactId);
  const newAreas = input.areaIds === undefined ? undefined : [...new Set(input.areaIds)];
  if (newAreas) await checkCoverable(db, org.id, newAreas, id);
  await checkLinks(ctx, input);

  const guard = versionIs(sql`${groups}`, id, expected);
  const closing = input.status === "closed" && row.status !== "closed";
  const statusChanges = input.status !== undefined && input.status !== row.status;
  const oldAreas = row.kind === "district" ? await areasOf(db, id) : [];
  const statements: Statement[] = [];
  if (newAreas) statements.push(...coverStatements(db, { orgId: org.id, groupId: id, areaIds: newAreas, guard }));
  statements.push(...linkStatements(db, { subject: "group", id, input, guard }));
  if (closing) {
    statements.push(
      db
        .update(gm)
        .set({ leftOn: ctx.day, version: sql`${gm.version} + 1` })
        .where(and(eq(gm.groupId, id), isNull(gm.leftOn), guard)),
    );
  }
  const bumpIndex =
    statements.push(
      db
        .update(groups)
        .set({
          ...(input.name !== undefined && { name: input.name }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.focusTags !== undefined && { focusTags: JSON.stringify(input.focusTags) }),
          ...(input.contactEmail !== undefined && { contactEmail: input.contactEmail }),
          ...(input.parentId !== undefined && { parentId: input.parentId }),
          ...(input.politicalContactId !== undefined && { politicalContactId: input.politicalContactId }),
          ...(input.status !== undefined && { status: input.status }),
          version: sql`${groups.version} + 1`,
          updatedAt: now.toISOString(),
        })
        .where(and(eq(groups.id, id), versionMatches(groups.version, expected)))
        .returning({ id: groups.id }),
    ) - 1;
  if (row.kind === "district" && (newAreas || statusChanges)) {
    const affected = [...new Set([...oldAreas, ...(newAreas ?? [])])];
    if (affected.length > 0)
      statements.push(...reassignStatements(db, { orgId: org.id, scope: { areaIds: affected }, reason: "areas_changed", now }));
  }
  const results = await runBatch(db, statements);
  if ((results[bumpIndex] as unknown[]).length === 0) throw staleVersion();
  return groupRow(ctx, id);
}
