import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { isKey, isSelf, isStaff, type Viewer } from "../access/viewer.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { preparedQuery } from "../db/prepared-queries.ts";
import { jsonValues, runBatch, runLongBatch, type Statement } from "../db/sql.ts";
import { type Expected, requireVersion, staleVersion, versionIs, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { ApiError, conflict, invalid, notFound } from "../lib/problems.ts";
import { reassignStatements } from "../members/district.ts";
import { checkLinks, inProgrammeArea, linkStatements, linksOf } from "../programmes/links.ts";
import { leadsGroup } from "./access.ts";
import { areasOf, checkCoverable, coverStatements } from "./district-areas.ts";
import { convenerFields, type GroupCreateInput, type GroupListFilter, type GroupUpdateInput } from "./groups.schemas.ts";

const groups = schema.groups;
const ga = schema.groupAreas;
const gm = schema.groupMemberships;

export type GroupRow = typeof groups.$inferSelect;

/** A member sees active groups and their own proposals; keys see everything of their organisation. */
export function mayView(viewer: Viewer, row: Pick<GroupRow, "status" | "proposedById">): boolean {
  return isKey(viewer) || row.status === "active" || isSelf(viewer, row.proposedById);
}

/** What a group shows beyond its own row: the areas it covers, and its roster's size and conveners now. */
export interface GroupFigures {
  areaIds: string[];
  programmeAreaIds: string[];
  memberCount: number;
  conveners: { memberId: string; name: string | null }[];
}

export function toGroupPublic(row: GroupRow, figures: GroupFigures, viewer: Viewer) {
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
    town: row.town,
    areaId: row.areaId,
    meetingPlace: row.meetingPlace,
    politicalContactId: row.politicalContactId,
    status: row.status,
    memberCount: figures.memberCount,
    conveners: figures.conveners,
    areaIds: figures.areaIds,
    programmeAreaIds: figures.programmeAreaIds,
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

const groupOfOrg = preparedQuery((db) =>
  db.query.groups.findFirst({ where: and(eq(groups.orgId, sql.placeholder("orgId")), eq(groups.id, sql.placeholder("id"))) }).prepare(),
);

export async function groupRow(ctx: Ctx, id: string): Promise<GroupRow> {
  // Built once: every route on a group asks it first, and drizzle's building of it cost more than the read.
  const row = await groupOfOrg(ctx.db).execute({ orgId: ctx.org.id, id });
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
  const [shown] = await groupsPublic(ctx, [row]);
  return shown as ReturnType<typeof toGroupPublic>;
}

/** The same for many rows: one query for their areas, one grouped query for their rosters' size and conveners. */
export async function groupsPublic(ctx: Ctx, rows: GroupRow[]) {
  const viewer = ctx.viewer;
  const ids = rows.map((row) => row.id);
  const [covers, rosters] =
    ids.length === 0
      ? [[], new Map()]
      : await Promise.all([ctx.db.select().from(ga).where(inArray(ga.groupId, ids)), rosterFigures(ctx, ids)]);
  const links = await linksOf(ctx.db, "group", ids);
  return rows.map((row) =>
    toGroupPublic(
      row,
      {
        areaIds: covers.filter((cover) => cover.groupId === row.id).map((cover) => cover.areaId),
        memberCount: rosters.get(row.id)?.memberCount ?? 0,
        conveners: rosters.get(row.id)?.conveners ?? [],
        programmeAreaIds: links.get(row.id)?.programmeAreaIds ?? [],
      },
      viewer,
    ),
  );
}

/**
 * For a page of groups, in one query: how many enrolled members are on each roster now (open
 * memberships, and for a district group the members its areas assign who are not on it
 * already), and who its conveners are. Each figure is a lookup along the roster's indexes
 * for the page's groups alone, never a walk of the organisation's members. Both indexes are
 * named, not left to the planner:
 * - whether a person on a roster counts is read from the index of members' states
 *   (members_state_idx) rather than from each person's row: 2,000 rows for a page of fifty
 *   groups of forty, which SQLite would read whole without statistics;
 * - the members a district assigns are found by the index on district group: in an
 *   organisation whose members have no district (the movement's local groups), the statistics
 *   say every member shares the one district key, NULL, and SQLite would walk all the members
 *   for each group of the page instead, though none is equal to a group's id.
 */
async function rosterFigures(ctx: Ctx, ids: string[]): Promise<Map<string, Omit<GroupFigures, "areaIds" | "programmeAreaIds">>> {
  const rows = await ctx.db.all<{ groupId: string; memberCount: number; conveners: string | null }>(sql`
    SELECT g.id AS groupId,
      (SELECT count(*) FROM group_memberships AS gm JOIN members AS m INDEXED BY members_state_idx ON m.id = gm.member_id
        WHERE gm.group_id = g.id AND gm.left_on IS NULL AND m.erased_at IS NULL AND m.enrolled = 1)
      + (SELECT count(*) FROM members AS m INDEXED BY members_org_district_idx
        WHERE m.org_id = ${ctx.org.id} AND m.district_group_id = g.id AND m.erased_at IS NULL AND m.enrolled = 1
          AND NOT EXISTS (SELECT 1 FROM group_memberships AS x WHERE x.member_id = m.id AND x.left_on IS NULL AND x.group_id = g.id)) AS memberCount,
      (SELECT json_group_array(json_object('memberId', m.id, 'name', m.name)) FROM group_memberships AS gm JOIN members AS m ON m.id = gm.member_id
        WHERE gm.group_id = g.id AND gm.left_on IS NULL AND gm.role = 'convener' AND m.erased_at IS NULL) AS conveners
    FROM groups AS g WHERE g.id IN ${jsonValues(ids)}`);
  const byName = (a: { name: string | null }, b: { name: string | null }) => (a.name ?? "").localeCompare(b.name ?? "");
  return new Map(
    rows.map((row) => [
      row.groupId,
      {
        memberCount: Number(row.memberCount),
        conveners: (JSON.parse(row.conveners ?? "[]") as { memberId: string; name: string | null }[]).sort(byName),
      },
    ]),
  );
}

/** Groups below a region, at any depth (a region may hold sub-regions); 422 when the id is no region of the organisation. */
async function inRegion(ctx: Ctx, regionId: string) {
  const region = await ctx.db.query.groups.findFirst({
    columns: { id: true },
    where: and(eq(groups.orgId, ctx.org.id), eq(groups.id, regionId), eq(groups.kind, "region")),
  });
  if (!region) throw invalid("query.regionId", "is no region of this organisation");
  return sql`${groups.parentId} IN (WITH RECURSIVE below(id, depth) AS (
      SELECT ${regionId}, 0
      UNION SELECT g.id, below.depth + 1 FROM groups AS g JOIN below ON g.parent_id = below.id WHERE below.depth < 100)
    SELECT id FROM below)`;
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
        filter.regionId ? await inRegion(ctx, filter.regionId) : undefined,
        filter.town ? sql`lower(${groups.town}) = lower(${filter.town})` : undefined,
        filter.areaId
          ? sql`(${groups.id} IN (SELECT group_id FROM group_areas WHERE area_id = ${filter.areaId}) OR ${groups.proposalAreaId} = ${filter.areaId} OR ${groups.areaId} = ${filter.areaId})`
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

async function requireArea(db: Db, orgId: string, areaId: string) {
  const area = await db.query.areas.findFirst({
    columns: { id: true },
    where: and(eq(schema.areas.orgId, orgId), eq(schema.areas.id, areaId)),
  });
  if (!area) throw invalid("body.areaId", "is no area of this organisation");
}

/**
 * Staff change everything of a group; the conveners (and contact persons, who lead it alike)
 * of a group in good standing change its description, focus and meeting place, nothing else
 * (403 naming the rest). A member who cannot see the group is told it does not exist.
 */
async function requireEditor(ctx: Ctx, id: string, input: GroupUpdateInput) {
  const { viewer } = ctx;
  if (viewer.kind === "key") {
    if (!isStaff(viewer)) throw new ApiError("forbidden", "Groups are changed by staff, and by their conveners.");
    return;
  }
  if (viewer.kind !== "member") throw new ApiError("forbidden", "Groups are changed by staff, and by their conveners.");
  await visibleGroup(ctx, id);
  if (!(await leadsGroup(ctx.db, { orgId: ctx.org.id, memberId: viewer.memberId, groupId: id, day: ctx.day }))) {
    throw new ApiError("forbidden", "Only staff and the group's own conveners change a group.");
  }
  const others = Object.keys(input).filter((field) => !(convenerFields as readonly string[]).includes(field));
  if (others.length > 0) {
    throw new ApiError(
      "forbidden",
      `Conveners change their group's ${convenerFields.join(", ")}; ${others.join(", ")} ${others.length === 1 ? "stays" : "stay"} with staff.`,
    );
  }
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
  if (input.areaId) await requireArea(db, orgId, input.areaId);
  await checkLinks(ctx, input);
  const areaIds = [...new Set(input.areaIds ?? [])];
  const id = newId(now);
  await checkCoverable(db, orgId, areaIds, id);
  const at = now.toISOString();
  // With areas, a long batch: the members living in them may be thousands.
  await (areaIds.length > 0 ? runLongBatch : runBatch)(db, [
    db.insert(groups).values({
      id,
      orgId,
      kind: input.kind,
      name: input.name,
      description: input.description ?? null,
      focusTags: JSON.stringify(input.focusTags),
      contactEmail: input.contactEmail ?? null,
      parentId: input.parentId ?? null,
      town: input.town ?? null,
      areaId: input.areaId ?? null,
      meetingPlace: input.meetingPlace ?? null,
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
  await requireEditor(ctx, id, input);
  const row = await groupRow(ctx, id);
  requireVersion(expected, row.version);
  if (row.status === "declined") throw conflict("A declined proposal stays as it was decided; a member may propose the group again.");
  if (input.status !== undefined && row.status === "proposed") {
    throw conflict("A proposed group is decided with approve or decline, not by setting its status.");
  }
  if (input.areaIds !== undefined && row.kind !== "district") throw invalid("body.areaIds", "only district groups cover areas");
  if (input.parentId) await requireParent(db, org.id, input.parentId, id);
  if (input.politicalContactId) await requirePoliticalContact(db, org.id, row.kind, input.politicalContactId);
  if (input.areaId) await requireArea(db, org.id, input.areaId);
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
          ...(input.town !== undefined && { town: input.town }),
          ...(input.areaId !== undefined && { areaId: input.areaId }),
          ...(input.meetingPlace !== undefined && { meetingPlace: input.meetingPlace }),
          ...(input.politicalContactId !== undefined && { politicalContactId: input.politicalContactId }),
          ...(input.status !== undefined && { status: input.status }),
          version: sql`${groups.version} + 1`,
          updatedAt: now.toISOString(),
        })
        .where(and(eq(groups.id, id), versionMatches(groups.version, expected)))
        .returning({ id: groups.id }),
    ) - 1;
  const affected = row.kind === "district" && (newAreas || statusChanges) ? [...new Set([...oldAreas, ...(newAreas ?? [])])] : [];
  if (affected.length > 0)
    statements.push(...reassignStatements(db, { orgId: org.id, scope: { areaIds: affected }, reason: "areas_changed", now }));
  // Reassigning whole areas is a long batch: their members may be thousands.
  const results = await (affected.length > 0 ? runLongBatch : runBatch)(db, statements);
  if ((results[bumpIndex] as unknown[]).length === 0) throw staleVersion();
  return groupRow(ctx, id);
}
