import type { z } from "@hono/zod-openapi";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { isStaff } from "../access/viewer.ts";
import { schema } from "../db/index.ts";
import { type Expected, lostRace, requireVersion } from "../db/versions.ts";
import { ApiError, conflict, type FieldError, invalidFields } from "../lib/problems.ts";
import { requireBeforeVoting } from "./candidates.service.ts";
import type { ElectionRow } from "./elections.service.ts";
import type { ProposalPut } from "./proposals.schemas.ts";

/** The nominating committee's proposal: which nominees it recommends, most recommended first. */

const c = schema.electionCandidates;
const mem = schema.members;
const pr = schema.electionProposals;

export async function proposalOf(ctx: Pick<Ctx, "db">, electionId: string) {
  return ctx.db
    .select({
      place: pr.place,
      memberId: pr.memberId,
      candidateId: c.id,
      name: mem.name,
      candidateStatus: c.status,
      reason: pr.reason,
    })
    .from(pr)
    .innerJoin(mem, eq(mem.id, pr.memberId))
    .leftJoin(c, and(eq(c.electionId, pr.electionId), eq(c.memberId, pr.memberId)))
    .where(eq(pr.electionId, electionId))
    .orderBy(asc(pr.place));
}

/** Staff, or a member of the election's nominating committee (an open roster membership of its group). */
export async function requireProposalAuthor(ctx: Ctx, election: ElectionRow) {
  const { db, viewer } = ctx;
  if (isStaff(viewer)) return;
  if (viewer.kind === "member" && election.committeeGroupId) {
    const gm = schema.groupMemberships;
    const [onCommittee] = await db
      .select({ id: gm.id })
      .from(gm)
      .where(and(eq(gm.groupId, election.committeeGroupId), eq(gm.memberId, viewer.memberId), isNull(gm.leftOn)))
      .limit(1);
    if (onCommittee) return;
  }
  throw new ApiError("forbidden", "The proposal is set by staff or by members of the election's nominating committee.");
}

/**
 * Replaces the proposal: nominees of this election (proposed or accepted), most recommended
 * first. Its version (elections.proposal_version) is the ETag: every statement of the batch
 * is conditioned on the version read and the bump runs last, so a stale PUT changes nothing.
 */
export async function putProposal(ctx: Ctx, options: { election: ElectionRow; input: z.infer<typeof ProposalPut>; expected: Expected }) {
  const { db } = ctx;
  const { election, input, expected } = options;
  requireVersion(expected, election.proposalVersion);
  requireBeforeVoting(election, "the committee's proposal is fixed");
  const ids = input.entries.map((entry) => entry.memberId);
  const nominees = ids.length
    ? await db
        .select({ memberId: c.memberId })
        .from(c)
        .where(and(eq(c.electionId, election.id), inArray(c.memberId, ids), inArray(c.status, ["proposed", "accepted"])))
    : [];
  const known = new Set(nominees.map((n) => n.memberId));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  input.entries.forEach((entry, i) => {
    if (!known.has(entry.memberId)) errors.push({ field: `body.entries.${i}.memberId`, message: "is not nominated in this election" });
    if (seen.has(entry.memberId)) errors.push({ field: `body.entries.${i}.memberId`, message: "is listed twice" });
    seen.add(entry.memberId);
  });
  if (errors.length > 0) {
    throw invalidFields(errors, "The proposal is not valid");
  }
  const e = schema.elections;
  const unchanged = sql`(SELECT ${e.proposalVersion} FROM ${e} WHERE ${e.id} = ${election.id}) = ${election.proposalVersion}`;
  const entries = input.entries.map((entry) => ({ memberId: entry.memberId, reason: entry.reason ?? null }));
  const [, , bumped] = await db.batch([
    db.delete(pr).where(and(eq(pr.electionId, election.id), unchanged)),
    db.run(sql`INSERT INTO ${pr} (election_id, place, member_id, reason)
      SELECT ${election.id}, key + 1, json_extract(value, '$.memberId'), json_extract(value, '$.reason')
      FROM json_each(${JSON.stringify(entries)}) WHERE ${unchanged}`),
    db
      .update(e)
      .set({ proposalVersion: sql`${e.proposalVersion} + 1` })
      .where(and(eq(e.id, election.id), eq(e.proposalVersion, election.proposalVersion)))
      .returning({ version: e.proposalVersion }),
  ]);
  const [after] = bumped;
  if (!after) throw lostRace(expected, () => conflict("The proposal changed meanwhile; read it again and retry."));
  return { entries: await proposalOf(ctx, election.id), version: after.version };
}
