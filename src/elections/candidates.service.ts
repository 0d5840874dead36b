import type { z } from "@hono/zod-openapi";
import { and, asc, eq, gt, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { isKey, isReadonly, isSelf, type Viewer } from "../access/viewer.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Expected, lostRace, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { ApiError, conflict, invalid, notFound } from "../lib/problems.ts";
import { requireActiveStanding } from "../members/status.ts";
import type { CandidateCreate, CandidateUpdate } from "./candidates.schemas.ts";
import type { ElectionRow } from "./elections.service.ts";

const c = schema.electionCandidates;
const mem = schema.members;
type CandidateRow = typeof c.$inferSelect;
type CandidateStatus = CandidateRow["status"];

const columns = {
  id: c.id,
  memberId: c.memberId,
  name: mem.name,
  status: c.status,
  nominatedBy: c.nominatedBy,
  nominatedById: c.nominatedById,
  statement: c.statement,
  gender: c.gender,
  createdAt: c.createdAt,
  respondedAt: c.respondedAt,
  withdrawnAt: c.withdrawnAt,
  version: c.version,
};
interface CandidateView {
  memberId: string;
  nominatedById: string | null;
  gender: string | null;
  version: number;
}

/** Reading back a row just written: the whole row; the caller's view of it is `toCandidatePublic`. */
const asStaff: Viewer = { kind: "key", role: "staff" };

export function toCandidatePublic<T extends CandidateView>(row: T, viewer: Viewer) {
  const own = isSelf(viewer, row.memberId);
  // The version leaves as the ETag, not in the body.
  const { nominatedById: _who, version: _version, gender, ...rest } = row;
  return { ...rest, ...(isKey(viewer) || own ? { gender } : {}) };
}

/** Members see who stands (and who withdrew), plus nominations they made or received; keys see all. */
function visibleTo(viewer: Viewer): SQL | undefined {
  if (isKey(viewer)) return undefined;
  const announced = inArray(c.status, ["accepted", "withdrawn"]);
  return viewer.kind === "member" ? or(announced, eq(c.memberId, viewer.memberId), eq(c.nominatedById, viewer.memberId)) : announced;
}

export async function listCandidates(
  ctx: Ctx,
  options: { electionId: string; status?: CandidateStatus | undefined; limit: number; cursor?: string | undefined },
) {
  const { db, viewer } = ctx;
  const { electionId, status, limit, cursor } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const rows = await db
    .select(columns)
    .from(c)
    .innerJoin(mem, eq(mem.id, c.memberId))
    .where(
      and(eq(c.electionId, electionId), visibleTo(viewer), status ? eq(c.status, status) : undefined, after ? gt(c.id, after) : undefined),
    )
    .orderBy(asc(c.id))
    .limit(limit + 1);
  return page(
    rows,
    limit,
    (row) => toCandidatePublic(row, viewer),
    (row) => [row.id],
  );
}

/** Every candidate the viewer may see, for the election's own page (an election has tens, not thousands). */
export async function allCandidates(ctx: Ctx, electionId: string) {
  const { db, viewer } = ctx;
  const rows = await db
    .select(columns)
    .from(c)
    .innerJoin(mem, eq(mem.id, c.memberId))
    .where(and(eq(c.electionId, electionId), visibleTo(viewer)))
    .orderBy(asc(c.id))
    .limit(1000);
  return rows.map((row) => toCandidatePublic(row, viewer));
}

export async function getCandidate(ctx: Ctx, options: { electionId: string; id: string }) {
  return readCandidate(ctx.db, options.electionId, options.id, ctx.viewer);
}

/** A candidate as this viewer may see it: 404 when they may not. */
async function readCandidate(db: Db, electionId: string, id: string, viewer: Viewer) {
  const [row] = await db
    .select(columns)
    .from(c)
    .innerJoin(mem, eq(mem.id, c.memberId))
    .where(and(eq(c.electionId, electionId), eq(c.id, id), visibleTo(viewer)));
  if (!row) throw notFound("Candidate");
  return row;
}

function requireNominationPeriod(election: ElectionRow, now: Date) {
  const at = now.toISOString();
  if (election.status === "draft") throw conflict("The election has not been announced yet.", { reason: "not_announced" });
  if (election.status !== "nominating" || at >= election.nominationClosesAt) {
    throw conflict(`The nomination period closed on ${election.nominationClosesAt}.`, { reason: "nomination_closed" });
  }
  if (at < election.nominationOpensAt) {
    throw conflict(`The nomination period opens on ${election.nominationOpensAt}.`, { reason: "nomination_not_open" });
  }
}

/** Before voting opens the list of candidates may still change; after, the ballot is fixed. */
export function requireBeforeVoting(election: ElectionRow, what: string) {
  if (election.status !== "draft" && election.status !== "nominating") {
    throw conflict(`Voting has opened (the election is ${election.status}); ${what}.`, { reason: "voting_opened" });
  }
}

export async function nominate(ctx: Ctx, options: { election: ElectionRow; input: z.infer<typeof CandidateCreate> }) {
  const { db, viewer, now, day: today } = ctx;
  const { election, input } = options;
  requireNominationPeriod(election, now);
  let nomineeId: string;
  let nominatedBy: CandidateRow["nominatedBy"];
  let nominatedById: string | null = null;
  let status: CandidateStatus;
  if (viewer.kind === "member") {
    if (input.accepted !== undefined) throw invalid("body.accepted", "is for staff entering a nomination made in the room");
    nomineeId = input.memberId ?? viewer.memberId;
    const self = nomineeId === viewer.memberId;
    nominatedBy = self ? "self" : "member";
    nominatedById = self ? null : viewer.memberId;
    status = self ? "accepted" : "proposed";
    if (!self) await requireActiveStanding(db, viewer.memberId, today, "nominate");
  } else {
    if (!input.memberId) throw invalid("body.memberId", "is required: whom do you nominate?");
    nomineeId = input.memberId;
    nominatedBy = "staff";
    status = input.accepted ? "accepted" : "proposed";
  }
  const nominee = await db.query.members.findFirst({
    columns: { id: true },
    where: and(eq(mem.orgId, election.orgId), eq(mem.id, nomineeId), isNull(mem.erasedAt)),
  });
  if (!nominee) throw invalid("body.memberId", "is not a member of this organisation");
  await requireActiveStanding(db, nomineeId, today, "stand for election");
  if (election.genderRule && !input.gender) throw invalid("body.gender", "is needed: this election applies a gender rule to its list");

  const at = now.toISOString();
  const fields = {
    status,
    nominatedBy,
    nominatedById,
    statement: input.statement ?? null,
    gender: input.gender ?? null,
    respondedAt: status === "accepted" ? at : null,
    withdrawnAt: null,
    updatedAt: at,
  };
  const existing = await db.query.electionCandidates.findFirst({ where: and(eq(c.electionId, election.id), eq(c.memberId, nomineeId)) });
  if (existing) {
    if (existing.status === "proposed" || existing.status === "accepted") {
      throw conflict("This member is already nominated in this election.", { reason: "already_nominated", candidateId: existing.id });
    }
    // Someone who declined or withdrew may be nominated again while nominations are open.
    const [again] = await db
      .update(c)
      .set({ ...fields, version: sql`${c.version} + 1` })
      .where(and(eq(c.id, existing.id), eq(c.status, existing.status)))
      .returning({ id: c.id });
    if (!again) throw conflict("The nomination changed meanwhile; retry.");
    return readCandidate(db, election.id, existing.id, asStaff);
  }
  const id = newId(now);
  await db
    .insert(c)
    .values({ id, orgId: election.orgId, electionId: election.id, memberId: nomineeId, ...fields, version: 1, createdAt: at });
  return readCandidate(db, election.id, id, asStaff);
}

async function candidateRow(db: Db, electionId: string, id: string) {
  const row = await db.query.electionCandidates.findFirst({ where: and(eq(c.electionId, electionId), eq(c.id, id)) });
  if (!row) throw notFound("Candidate");
  return row;
}

/** Changes a candidate's status if it is still the version read (so concurrent answers cannot both apply). */
async function move(
  ctx: Pick<Ctx, "db" | "now">,
  options: { row: CandidateRow; from: CandidateStatus[]; to: CandidateStatus; stamp: Partial<CandidateRow>; expected: Expected },
) {
  const { db, now } = ctx;
  const { row, from, to, stamp, expected } = options;
  if (!from.includes(row.status)) throw conflict(`The nomination is ${row.status}.`, { reason: `candidate_${row.status}` });
  const [moved] = await db
    .update(c)
    .set({ status: to, ...stamp, version: sql`${c.version} + 1`, updatedAt: now.toISOString() })
    .where(and(eq(c.id, row.id), eq(c.status, row.status), eq(c.version, row.version)))
    .returning({ id: c.id });
  if (!moved) throw lostRace(expected, () => conflict("The nomination changed meanwhile; read it again."));
}

/** The nominee answers a nomination with their own token, until voting opens. */
export async function answer(ctx: Ctx, options: { election: ElectionRow; id: string; accept: boolean; expected: Expected }) {
  const { db, viewer, now } = ctx;
  const { election, id, accept, expected } = options;
  const row = await candidateRow(db, election.id, id);
  if (viewer.kind !== "member" || viewer.memberId !== row.memberId) {
    if (viewer.kind === "member" && row.nominatedById !== viewer.memberId && row.status !== "accepted") throw notFound("Candidate");
    throw new ApiError("forbidden", "Only the nominee can accept or decline a nomination, with their own member token.");
  }
  requireVersion(expected, row.version);
  requireBeforeVoting(election, "a nomination can no longer be answered");
  if (accept) await requireActiveStanding(db, row.memberId, ctx.day, "stand for election");
  await move(ctx, { row, from: ["proposed"], to: accept ? "accepted" : "declined", stamp: { respondedAt: now.toISOString() }, expected });
  return readCandidate(db, election.id, id, viewer);
}

/** The candidate, the member who nominated them (while unanswered), or staff withdraw a nomination, until voting opens. */
export async function withdraw(ctx: Ctx, options: { election: ElectionRow; id: string; expected: Expected }) {
  const { db, viewer, now } = ctx;
  const { election, id, expected } = options;
  const row = await candidateRow(db, election.id, id);
  const self = isSelf(viewer, row.memberId);
  const nominator = isSelf(viewer, row.nominatedById) && row.status === "proposed";
  if (viewer.kind === "member" && !self && !nominator) {
    if (row.status !== "accepted" && row.status !== "withdrawn") throw notFound("Candidate");
    throw new ApiError("forbidden", "Only the candidate or staff can withdraw a candidacy.");
  }
  if (isReadonly(viewer)) throw new ApiError("forbidden", "A readonly key cannot withdraw a candidacy.");
  requireVersion(expected, row.version);
  requireBeforeVoting(election, "a candidate can no longer withdraw");
  await move(ctx, { row, from: ["proposed", "accepted"], to: "withdrawn", stamp: { withdrawnAt: now.toISOString() }, expected });
  return readCandidate(db, election.id, id, asStaff);
}

/** The statement (and gender, for a gender rule) by the candidate or staff, while the ballot is not fixed. */
export async function updateCandidate(
  ctx: Ctx,
  options: { election: ElectionRow; id: string; input: z.infer<typeof CandidateUpdate>; expected: Expected },
) {
  const { db, viewer, now } = ctx;
  const { election, id, input, expected } = options;
  const row = await candidateRow(db, election.id, id);
  if (viewer.kind === "member" && viewer.memberId !== row.memberId) {
    await readCandidate(db, election.id, id, viewer);
    throw new ApiError("forbidden", "Only the candidate or staff can change a candidate's statement.");
  }
  if (isReadonly(viewer)) throw new ApiError("forbidden", "A readonly key cannot change candidates.");
  requireVersion(expected, row.version);
  requireBeforeVoting(election, "what voters read about candidates no longer changes");
  if (election.genderRule && input.gender === null) throw invalid("body.gender", "cannot be removed: this election applies a gender rule");
  const [updated] = await db
    .update(c)
    .set({
      ...(input.statement !== undefined && { statement: input.statement }),
      ...(input.gender !== undefined && { gender: input.gender }),
      version: sql`${c.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(c.id, row.id), versionMatches(c.version, expected)))
    .returning({ id: c.id });
  if (!updated) throw expected === undefined ? notFound("Candidate") : staleVersion();
  return readCandidate(db, election.id, id, viewer);
}
