import { and, asc, eq, gt, isNotNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { isKey, type Viewer } from "../access/viewer.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { rowsAffected, runLongBatch, type Statement } from "../db/sql.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { ApiError, conflict, type FieldError, notFound } from "../lib/problems.ts";
import { pacer } from "../lib/yield.ts";
import { parseBlt } from "../voting/blt.ts";
import { CountInputError, type MethodName, type RankEntry } from "../voting/types.ts";
import { type BallotRules, checkBallot } from "./ballot-rules.ts";
import { clearFreedSpace, pendingBallotId, shuffleIfFull, truncateLocalLog } from "./ballot-storage.ts";
import type { CountPolicy } from "./counting.ts";
import type { ElectionRow } from "./elections.service.ts";
import { whyNotInElectorate } from "./electorate.ts";
import { countAndStore, type ElectionClock } from "./lifecycle.ts";
import { refuseBallotsBesideProposal, refuseDuringProposalVote } from "./proposal-vote-state.ts";

const b = schema.ballots;
const v = schema.electionVoters;
const e = schema.elections;
const c = schema.electionCandidates;

export async function rulesOf(db: Db, election: ElectionRow): Promise<BallotRules> {
  const candidates = await db.select({ id: c.id, status: c.status }).from(c).where(eq(c.electionId, election.id));
  return {
    method: election.method as MethodName,
    seats: election.seats,
    options: JSON.parse(election.options) as Record<string, unknown>,
    candidates: new Map(candidates.map((x) => [x.id, x.status])),
  };
}

function requireVotingOpen(election: ElectionRow) {
  if (election.status === "draft" || election.status === "nominating") {
    const when =
      election.electorateSource === "meeting" ? "the chair opens the poll at the meeting" : `it opens on ${election.votingOpensAt}`;
    throw conflict(`Voting has not opened yet; ${when}.`, { reason: "voting_not_open" });
  }
  if (election.status !== "voting") {
    throw conflict(`Voting closed on ${election.votingClosesAt}.`, { reason: "voting_closed" });
  }
}

/**
 * Casts a member's ballot. One batch marks the voter as having voted, if they are in the
 * electorate, have not voted and voting is still open, and stores the ballot only if that
 * mark was made (`changes() = 1`): of any number of concurrent attempts exactly one
 * stores a ballot. The ballot row gets a random id and no trace of the voter, and is
 * written in a shuffled batch once enough wait (ballot-storage.ts); the voter gets a
 * receipt code whose hash is on the ballot, and nobody else ever sees the code.
 */
export async function castBallot(ctx: Ctx, options: { election: ElectionRow; memberId: string; ranking: RankEntry[] }) {
  const { db } = ctx;
  const { election, memberId, ranking } = options;
  requireVotingOpen(election);
  refuseDuringProposalVote(election);
  if (!election.onlineVoting)
    throw conflict("This election is held in the room, on paper; there is no online voting.", { reason: "paper_only" });
  const normalised = checkBallot(await rulesOf(db, election), ranking, "body.ranking");
  const receiptCode = randomToken(32);
  const receiptHash = await sha256Hex(receiptCode);
  if (await storeVoterBallot(ctx, { election, memberId, ranking: normalised, receiptHash, onPaper: false })) {
    return { electionId: election.id, receiptCode, receiptHash };
  }

  const voter = await db.query.electionVoters.findFirst({ where: and(eq(v.electionId, election.id), eq(v.memberId, memberId)) });
  if (voter?.votedOnPaper) throw conflict("You have voted on paper at the meeting.", { reason: "voted_on_paper" });
  if (voter?.hasVoted) throw conflict("You have already voted in this election.", { reason: "already_voted" });
  if (!voter) {
    const why = await whyNotInElectorate(db, election, memberId, ctx.org.timeZone);
    throw conflict(`You cannot vote in this election: ${why.detail}.`, { reason: why.reason });
  }
  throw conflict(`Voting closed on ${election.votingClosesAt}.`, { reason: "voting_closed" });
}

/**
 * Marks the member as having voted (on paper, or by phone) and stores their ballot, in one
 * batch that does neither unless the member is in the electorate, has not voted and the poll
 * is open at this instant. Nothing links the stored ballot to the member (ballot-storage.ts).
 * Whether it was stored; the caller explains a refusal in its own words.
 */
export async function storeVoterBallot(
  ctx: Ctx,
  options: {
    election: ElectionRow;
    memberId: string;
    ranking: RankEntry[];
    receiptHash: string | null;
    onPaper: boolean;
    /** Only while the election is still at this version (a poll that a version bump ends, as the proposal vote's). */
    atVersion?: number;
  },
): Promise<boolean> {
  const { db, now } = ctx;
  const { election, memberId, ranking, receiptHash, onPaper, atVersion } = options;
  const atThatVersion = atVersion === undefined ? sql`` : sql` AND ${e.version} = ${atVersion}`;
  const at = now.toISOString();
  const [, inserted, ...shuffle] = await db.batch([
    db.run(sql`UPDATE ${v} SET has_voted = 1, voted_on_paper = ${onPaper ? 1 : 0}
      WHERE ${v.electionId} = ${election.id} AND ${v.memberId} = ${memberId} AND ${v.hasVoted} = 0
        AND EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${election.id} AND ${e.status} = 'voting' AND ${e.votingClosesAt} > ${at}${atThatVersion})`),
    db.run(sql`INSERT INTO ${b} (election_id, id, ranking, weight, receipt_hash, source, batch_id)
      SELECT ${election.id}, ${pendingBallotId()}, ${JSON.stringify(ranking)}, 1, ${receiptHash}, ${onPaper ? "paper" : "online"}, NULL
      WHERE changes() = 1`),
    ...clearFreedSpace(db),
    ...shuffleIfFull(db, election.id),
  ]);
  if (inserted.rowsAffected !== 1) return false;
  // A full batch was just rewritten: in WAL mode the log still holds the pages as they were.
  if (shuffle.some((result) => result.rowsAffected > 0)) await truncateLocalLog(db);
  return true;
}

/** A voter's own view: in the electorate? voted yet? (Never what they voted.) */
export async function voterStatus(ctx: Ctx, options: { election: ElectionRow; memberId: string }) {
  const { db } = ctx;
  const { election, memberId } = options;
  if (election.status === "draft" || election.status === "nominating") {
    const when = election.electorateSource === "meeting" ? "the chair opens the poll" : `voting opens on ${election.votingOpensAt}`;
    return { inElectorate: false, hasVoted: false, reason: `the electorate is fixed when ${when}` };
  }
  const voter = await db.query.electionVoters.findFirst({ where: and(eq(v.electionId, election.id), eq(v.memberId, memberId)) });
  if (voter) return { inElectorate: true, hasVoted: voter.hasVoted, reason: null };
  return { inElectorate: false, hasVoted: false, reason: (await whyNotInElectorate(db, election, memberId, ctx.org.timeZone)).detail };
}

// ---------------------------------------------------------------- paper ballots

type PaperRow = { weight: number; ranking: RankEntry[] };

/** BLT candidates are matched to the election's candidates by candidate id, or by name where the name is unique. */
async function fromBlt(db: Db, election: ElectionRow, text: string): Promise<{ rows: PaperRow[]; fields: string[] }> {
  let parsed: ReturnType<typeof parseBlt>;
  try {
    parsed = parseBlt(text);
  } catch (error) {
    if (!(error instanceof CountInputError)) throw error;
    throw new ApiError("validation_failed", `The BLT file cannot be read: ${error.message}`, {
      errors: [{ field: error.field ?? "body", message: error.message }],
    });
  }
  const candidates = await db
    .select({ id: c.id, name: schema.members.name })
    .from(c)
    .innerJoin(schema.members, eq(schema.members.id, c.memberId))
    .where(eq(c.electionId, election.id));
  const byName = new Map<string, string | null>();
  for (const x of candidates) if (x.name) byName.set(x.name, byName.has(x.name) ? null : x.id);
  const ids = new Set(candidates.map((x) => x.id));
  const errors: FieldError[] = [];
  const mapping = new Map<string, string>();
  parsed.candidates.forEach((name, i) => {
    const id = ids.has(name) ? name : byName.get(name);
    if (id) mapping.set(name, id);
    else {
      const why = byName.get(name) === null ? "names two candidates; use candidate ids" : "is not a candidate in this election";
      errors.push({ field: `body (candidate ${i + 1})`, message: `"${name}" ${why}` });
    }
  });
  parsed.ballots.forEach((ballot, i) => {
    if (!Number.isInteger(ballot.weight))
      errors.push({ field: `body (ballot ${i + 1})`, message: "a paper ballot's weight is a whole number" });
  });
  if (errors.length > 0)
    throw new ApiError("validation_failed", `The BLT file does not fit this election: ${errors[0]?.message}`, { errors });
  const rename = (entry: RankEntry): RankEntry =>
    typeof entry === "string" ? (mapping.get(entry) as string) : entry.map((n) => mapping.get(n) as string);
  return {
    rows: parsed.ballots.map((ballot) => ({ weight: ballot.weight, ranking: ballot.ranking.map(rename) })),
    fields: parsed.ballots.map((_, i) => `body (ballot ${i + 1})`),
  };
}

const enterable = ["voting", "closed", "counted"] as const;

/** Paper ballots per INSERT: three values each, well inside SQLite's limit on parameters. */
const paperChunk = 400;

/**
 * Paper ballots entered by staff (JSON or BLT), all or none, while voting is open or
 * until the result is published. A counted election is counted again at once.
 */
export async function enterPaperBallots(
  ctx: ElectionClock,
  options: { election: ElectionRow; input: { json?: PaperRow[]; blt?: string }; policy: CountPolicy },
): Promise<{ batchId: string; rows: number; papers: number; blank: number; election: ElectionRow }> {
  const { db, now } = ctx;
  const { election, input, policy } = options;
  refuseBallotsBesideProposal(election);
  if (!(enterable as readonly string[]).includes(election.status)) {
    throw conflict(
      election.status === "published" ? "The result is published; no ballots can be added." : "Ballots are entered once voting has opened.",
      { reason: election.status === "published" ? "published" : "voting_not_open" },
    );
  }
  const { rows, fields } =
    input.blt !== undefined
      ? await fromBlt(db, election, input.blt)
      : { rows: input.json ?? [], fields: (input.json ?? []).map((_, i) => `body.ballots.${i}.ranking`) };
  const rules = await rulesOf(db, election);
  // Checked, built and written a slice at a time: a full upload (tens of thousands of
  // ballots) would otherwise hold the event loop for a second, and every request with it.
  const pace = pacer();
  const checked: { weight: number; ranking: RankEntry[] }[] = [];
  for (const [i, row] of rows.entries()) {
    checked.push({ weight: row.weight, ranking: checkBallot(rules, row.ranking, fields[i] as string) });
    const wait = pace();
    if (wait) await wait;
  }
  const batchId = crypto.randomUUID();
  // The first chunk follows the version bump at once and is written only if this request made it
  // (a concurrent entry read on the same version makes no bump); each later chunk only if the one before it was.
  const guards = [sql`changes() = 1`, sql`changes() > 0`];
  function* statements(): Generator<Statement> {
    yield db
      .update(e)
      .set({ version: election.version + 1, updatedAt: now.toISOString() })
      .where(and(eq(e.id, election.id), eq(e.version, election.version), sql`${e.status} IN ('voting', 'closed', 'counted')`));
    for (let start = 0; start < checked.length; start += paperChunk) {
      const values = sql.join(
        checked.slice(start, start + paperChunk).map((row) => sql`(${crypto.randomUUID()}, ${JSON.stringify(row.ranking)}, ${row.weight})`),
        sql`, `,
      );
      yield db.run(sql`INSERT INTO ${b} (election_id, id, ranking, weight, receipt_hash, source, batch_id)
        SELECT ${election.id}, column1, column2, column3, NULL, 'paper', ${batchId} FROM (VALUES ${values}) WHERE ${guards[start === 0 ? 0 : 1]}`);
    }
  }
  // The chunks' own counts tell what was stored: each chunk is written only if the one before it
  // was, so together they wrote the whole upload or nothing (no count of it read back afterwards).
  const [, ...chunks] = await runLongBatch(db, statements());
  const stored = chunks.reduce((sum: number, result) => sum + rowsAffected(result), 0);
  if (stored !== checked.length) throw conflict("The election changed while the ballots were entered; nothing was stored. Retry.");
  let after = (await db.query.elections.findFirst({ where: eq(e.id, election.id) })) as ElectionRow;
  if (after.status === "counted") after = await countAndStore(ctx, { row: after, policy });
  return {
    batchId,
    rows: checked.length,
    papers: checked.reduce((sum, row) => sum + row.weight, 0),
    blank: checked.filter((row) => row.ranking.length === 0).reduce((sum, row) => sum + row.weight, 0),
    election: after,
  };
}

/** Removes one bulk entry (a mistake at the counting table); a counted election is counted again. */
export async function deletePaperBatch(ctx: ElectionClock, options: { election: ElectionRow; batchId: string; policy: CountPolicy }) {
  const { db, now } = ctx;
  const { election, batchId, policy } = options;
  if (!(enterable as readonly string[]).includes(election.status))
    throw conflict(`The election is ${election.status}; its ballots are final.`);
  const [, removed] = await db.batch([
    db
      .update(e)
      .set({ version: election.version + 1, updatedAt: now.toISOString() })
      .where(and(eq(e.id, election.id), eq(e.version, election.version))),
    // Only if this request's version bump, just before, took.
    db.run(sql`DELETE FROM ${b} WHERE ${b.electionId} = ${election.id} AND ${b.batchId} = ${batchId} AND ${b.source} = 'paper'
      AND changes() = 1`),
  ]);
  if (removed.rowsAffected === 0) throw notFound("Paper ballot batch");
  const after = (await db.query.elections.findFirst({ where: eq(e.id, election.id) })) as ElectionRow;
  if (after.status === "counted") await countAndStore(ctx, { row: after, policy });
}

// ---------------------------------------------------------------- receipts

/** Receipts are public once the result is: a hash of a random code says nothing about anyone. Staff see them once counted. */
export function requireReceiptsVisible(election: ElectionRow, viewer: Viewer) {
  if (election.status === "published") return;
  if (isKey(viewer) && election.status === "counted") return;
  throw conflict("The receipts are shown with the published result.", { reason: "result_not_published" });
}

export async function listReceipts(ctx: Ctx, options: { electionId: string; limit: number; cursor?: string | undefined }) {
  const { db } = ctx;
  const { electionId, limit, cursor } = options;
  const after = cursor ? String(decodeCursor(cursor, 1)[0]) : undefined;
  const rows = await db
    .select({ hash: b.receiptHash })
    .from(b)
    .where(and(eq(b.electionId, electionId), isNotNull(b.receiptHash), after ? gt(b.receiptHash, after) : undefined))
    .orderBy(asc(b.receiptHash))
    .limit(limit + 1);
  return page(
    rows,
    limit,
    (row) => ({ hash: row.hash as string }),
    (row) => [row.hash as string],
  );
}

export async function findReceipt(ctx: Ctx, options: { electionId: string; hash: string }) {
  const { db } = ctx;
  const { electionId, hash } = options;
  const [row] = await db
    .select({ hash: b.receiptHash })
    .from(b)
    .where(and(eq(b.electionId, electionId), eq(b.receiptHash, hash)))
    .limit(1);
  if (!row) throw notFound("Receipt");
  return { hash };
}
