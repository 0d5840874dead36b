import { and, eq, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { memberIdOf } from "../access/viewer.ts";
import { schema } from "../db/index.ts";
import { runBatch } from "../db/sql.ts";
import { type Expected, lostRace, requireVersion, versionIs, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { conflict, invalid } from "../lib/problems.ts";
import { requireActiveStanding } from "../members/status.ts";
import type { GroupProposalInput } from "./groups.schemas.ts";
import { type GroupRow, groupRow } from "./groups.service.ts";

/**
 * Starting a group: a member in active standing proposes it, staff approve (the group
 * becomes active and the proposer its convener) or decline with a reason the proposer
 * can read. A proposal is decided once.
 */

const groups = schema.groups;

/** The caller, a member acting for themselves, proposes the group. */
export async function proposeGroup(ctx: Ctx, options: { input: GroupProposalInput }) {
  const { db, org, now } = ctx;
  const { input } = options;
  const memberId = memberIdOf(ctx.viewer);
  await requireActiveStanding(db, memberId, ctx.day, "propose a group");
  if (input.areaId) {
    const area = await db.query.areas.findFirst({
      columns: { id: true },
      where: and(eq(schema.areas.orgId, org.id), eq(schema.areas.id, input.areaId)),
    });
    if (!area) throw invalid("body.areaId", "is no area of this organisation");
  }
  const id = newId(now);
  const at = now.toISOString();
  await db.insert(groups).values({
    id,
    orgId: org.id,
    kind: input.kind,
    name: input.name,
    description: input.description ?? null,
    focusTags: JSON.stringify(input.focusTags),
    status: "proposed",
    proposedById: memberId,
    proposalPurpose: input.purpose,
    proposalAreaId: input.areaId ?? null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  });
  return groupRow(ctx, id);
}

function alreadyDecided(row: GroupRow) {
  return conflict(
    row.status === "proposed" ? "The proposal was decided meanwhile." : `This group is not a pending proposal: it is ${row.status}.`,
    { reason: "already_decided", groupStatus: row.status },
  );
}

/**
 * Approval makes the proposer convener from today, so they must still be able to join a
 * group (active standing); if they cannot, the proposal can still be declined. Both
 * statements test that the group is still proposed, so two approvals cannot both act.
 */
export async function approveProposal(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { db, org, now, day: today } = ctx;
  const { id, expected } = options;
  const row = await groupRow(ctx, id);
  requireVersion(expected, row.version);
  if (row.status !== "proposed") throw alreadyDecided(row);
  const proposer = row.proposedById
    ? await db.query.members.findFirst({
        columns: { id: true },
        where: and(eq(schema.members.id, row.proposedById), isNull(schema.members.erasedAt)),
      })
    : undefined;
  if (proposer) await requireActiveStanding(db, proposer.id, today, "make the proposer convener of the approved group");
  const stillProposed = sql`(SELECT status FROM ${groups} WHERE id = ${id}) = 'proposed' AND ${versionIs(sql`${groups}`, id, expected)}`;
  const results = await runBatch(db, [
    ...(proposer
      ? [
          db.run(sql`INSERT INTO ${schema.groupMemberships} (id, org_id, group_id, member_id, role, joined_on, left_on)
            SELECT ${newId(now)}, ${org.id}, ${id}, ${proposer.id}, 'convener', ${today}, NULL WHERE ${stillProposed}`),
        ]
      : []),
    db
      .update(groups)
      .set({ status: "active", decidedAt: now.toISOString(), updatedAt: now.toISOString(), version: sql`${groups.version} + 1` })
      .where(and(eq(groups.id, id), eq(groups.status, "proposed"), versionMatches(groups.version, expected)))
      .returning({ id: groups.id }),
  ]);
  if ((results[results.length - 1] as unknown[]).length === 0) throw lostRace(expected, () => alreadyDecided(row));
  return groupRow(ctx, id);
}

export async function declineProposal(ctx: Ctx, options: { id: string; reason: string; expected: Expected }) {
  const { db, now } = ctx;
  const { id, reason, expected } = options;
  const row = await groupRow(ctx, id);
  requireVersion(expected, row.version);
  if (row.status !== "proposed") throw alreadyDecided(row);
  const [declined] = await db
    .update(groups)
    .set({
      status: "declined",
      declineReason: reason,
      decidedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      version: sql`${groups.version} + 1`,
    })
    .where(and(eq(groups.id, id), eq(groups.status, "proposed"), versionMatches(groups.version, expected)))
    .returning();
  if (!declined) throw lostRace(expected, () => alreadyDecided(row));
  return declined;
}
