/**
 * The meeting's vote on the nominating committee's proposal as a whole: yes, no or abstain,
 * on the meeting's voting register, by phone or on paper, one vote per person, secret.
 *
 * It is held as the election's own poll, before any ballot among the candidates: the register
 * is written into election_voters and each vote is stored as a ballot (`["yes"]`, `["no"]`, or
 * blank for an abstention) through the same one-vote-per-person write and shuffled storage as
 * any ballot (ballots.service.ts, ballot-storage.ts). Closing it counts the votes and deletes
 * them in one transaction, keeping only the totals:
 *
 * - accepted (more yes than no; abstentions count for neither side, and a tie rejects): the
 *   proposed candidates are elected in the committee's order, the result says so
 *   (`byProposal`), and publishing creates the mandates as for any counted election;
 * - rejected: the election is back before voting, with its register cleared, and the chair
 *   opens the ballot among all candidates (…/poll/open) as if no vote had been held.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { rowsAffected, runLongBatch } from "../db/sql.ts";
import { type Expected, lostRace, requireVersion } from "../db/versions.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { conflict } from "../lib/problems.ts";
import type { RankEntry } from "../voting/types.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { clearFreedSpace, truncateLocalLog } from "./ballot-storage.ts";
import { storeVoterBallot } from "./ballots.service.ts";
import { type StoredResult, standingCandidates } from "./counting.ts";
import type { ElectionRow } from "./elections.service.ts";
import { electorateStatements, whyNotInElectorate } from "./electorate.ts";
import { requireRegisterFixed } from "./lifecycle.ts";
import { pollNotClosed, pollNotOpened } from "./meeting-electorate.ts";
import { type ProposalChoice, type ProposalVote, proposalVoteOf } from "./proposal-vote-state.ts";
import { proposalOf } from "./proposals.service.ts";

const b = schema.ballots;
const e = schema.elections;
const v = schema.electionVoters;

const rankingOf = (choice: ProposalChoice): RankEntry[] => (choice === "abstain" ? [] : [choice]);

/** The proposal, checked for a vote: at least one name, no more than the seats, everyone named standing. */
async function proposalForVote(ctx: Ctx, row: ElectionRow) {
  const entries = await proposalOf(ctx, row.id);
  if (entries.length === 0) throw conflict("The committee has made no proposal to vote on.", { reason: "no_proposal" });
  if (entries.length > row.seats)
    throw conflict(`The proposal names ${entries.length} for ${row.seats} seat(s); it cannot be accepted as a whole.`, {
      reason: "proposal_too_long",
    });
  const notStanding = entries.filter((entry) => entry.candidateStatus !== "accepted");
  if (notStanding.length > 0)
    throw conflict(`Not everyone proposed stands: ${notStanding.map((entry) => entry.name ?? entry.memberId).join(", ")}.`, {
      reason: "proposal_not_standing",
    });
  return entries;
}

/**
 * Opens the vote on the proposal on the register as it stands now: status voting, the vote
 * marked open and the electorate written, in one conditional write.
 */
export async function openProposalVote(ctx: Ctx, options: { row: ElectionRow; expected: Expected }): Promise<ElectionRow> {
  const { db, now } = ctx;
  const { row, expected } = options;
  if (row.electorateSource !== "meeting")
    throw conflict("The proposal is voted on at a meeting; this election's electorate is not a meeting's register.", {
      reason: "not_a_meeting_poll",
    });
  requireVersion(expected, row.version);
  if (row.proposalVote) throw conflict("The meeting has voted on the proposal already.", { reason: "proposal_vote_held" });
  if (row.status !== "nominating")
    throw conflict(`The election is ${row.status}; the proposal is voted on after nominations and before any poll.`, {
      reason: row.status === "draft" ? "not_announced" : "voting_opened",
    });
  await requireRegisterFixed(db, row);
  await proposalForVote(ctx, row);
  const at = now.toISOString();
  const next = row.version + 1;
  const scope = { db, orgId: row.orgId, now };
  const vote: ProposalVote = { status: "open", openedAt: at, closedAt: null, yes: null, no: null, abstain: null };
  const [opening] = await runLongBatch(db, [
    db.run(sql`UPDATE ${e} SET status = 'voting', proposal_vote = ${JSON.stringify(vote)}, voting_opens_at = ${at},
        voting_closes_at = ${pollNotClosed}, nomination_opens_at = min(${e.nominationOpensAt}, ${at}),
        nomination_closes_at = min(${e.nominationClosesAt}, ${at}), version = ${next}, updated_at = ${at}
      WHERE ${e.id} = ${row.id} AND ${e.status} = 'nominating' AND ${e.version} = ${row.version} AND ${e.proposalVote} IS NULL`),
    ...webhookEvent(scope, "election.status_changed", row.id, { detail: { from: "nominating", to: "voting" }, ifChanged: true }),
    ...(await electorateStatements(db, row, ctx.org.timeZone, next)),
  ]);
  if (rowsAffected(opening) === 0) throw lostRace(expected, () => conflict("The election changed meanwhile; read it again and retry."));
  return (await db.query.elections.findFirst({ where: eq(e.id, row.id) })) as ElectionRow;
}

/**
 * One vote on the proposal, by phone (the member) or on paper (entered by a teller for the
 * person on the register who handed it in). Stored only while this very vote is open: the
 * write is conditioned on the version read, which no vote changes and closing does.
 */
export async function castProposalVote(
  ctx: Ctx,
  options: { election: ElectionRow; memberId: string; choice: ProposalChoice; onPaper: boolean },
) {
  const { db } = ctx;
  const { election, memberId, choice, onPaper } = options;
  const vote = proposalVoteOf(election);
  if (election.status !== "voting" || vote?.status !== "open")
    throw conflict("The meeting is not voting on the proposal now.", { reason: vote ? "proposal_vote_closed" : "proposal_vote_not_open" });
  if (!onPaper && !election.onlineVoting)
    throw conflict("This election is held in the room, on paper; there is no voting by phone.", { reason: "paper_only" });
  const stored = await storeVoterBallot(ctx, {
    election,
    memberId,
    ranking: rankingOf(choice),
    receiptHash: null,
    onPaper,
    atVersion: election.version,
  });
  if (stored) return { electionId: election.id, memberId, votedOnPaper: onPaper };
  const voter = await db.query.electionVoters.findFirst({
    where: and(eq(v.electionId, election.id), eq(v.memberId, memberId)),
  });
  if (voter?.votedOnPaper) throw conflict("This person has already voted on paper.", { reason: "voted_on_paper" });
  if (voter?.hasVoted) throw conflict("This person has already voted.", { reason: "already_voted" });
  if (!voter) {
    const why = await whyNotInElectorate(db, election, memberId, ctx.org.timeZone);
    throw conflict(`This person cannot vote on the proposal: ${why.detail}.`, { reason: why.reason });
  }
  throw conflict("The vote on the proposal has closed.", { reason: "proposal_vote_closed" });
}

/**
 * Closes the vote and decides it, in one transaction: the totals are read from the ballots
 * by the same statement that records them, so no vote can arrive between count and record;
 * the votes are then deleted. Accepted: the election is counted with the proposal as its
 * result. Rejected: it is back to nominating with its register cleared.
 */
export async function closeProposalVote(ctx: Ctx, options: { row: ElectionRow; expected: Expected }): Promise<ElectionRow> {
  const { db, now } = ctx;
  const { row, expected } = options;
  requireVersion(expected, row.version);
  const vote = proposalVoteOf(row);
  if (row.status !== "voting" || vote?.status !== "open")
    throw conflict("The meeting is not voting on the proposal now.", { reason: vote ? "proposal_vote_closed" : "proposal_vote_not_open" });
  const entries = await proposalForVote(ctx, row);
  const standing = await standingCandidates(db, row.id);
  const result: StoredResult = {
    byAcclamation: false,
    byProposal: true,
    candidates: standing.map(({ id, memberId, name }) => ({ id, memberId, name })),
    elected: entries.map((entry) => ({ id: entry.candidateId as string, memberId: entry.memberId, name: entry.name, place: entry.place })),
    reserves: [],
    vacantSeats: row.seats - entries.length,
    count: null,
    genderRule: null,
    // Filled in by the closing statement from the votes themselves.
    turnout: { electorate: 0, votedOnline: 0, paperBallots: 0, ballots: 0, valid: 0, blank: 0, invalid: 0, percentOnline: null },
    receipts: { count: 0, digest: await sha256Hex("") },
  };
  const at = now.toISOString();
  const next = row.version + 1;
  const scope = { db, orgId: row.orgId, now };
  const votes = (ranking: string) =>
    sql`(SELECT coalesce(sum(${b.weight}), 0) FROM ${b} WHERE ${b.electionId} = ${row.id} AND ${b.ranking} = ${ranking})`;
  const closedAt = (status: "counted" | "nominating") =>
    sql`EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${row.id} AND ${e.status} = ${status} AND ${e.version} = ${next})`;
  const [closing] = await db.batch([
    db.run(sql`WITH tally AS (SELECT ${votes('["yes"]')} AS yes, ${votes('["no"]')} AS no, ${votes("[]")} AS abstain,
        (SELECT coalesce(sum(${b.weight}), 0) FROM ${b} WHERE ${b.electionId} = ${row.id} AND ${b.source} = 'paper') AS paper,
        (SELECT count(*) FROM ${v} WHERE ${v.electionId} = ${row.id}) AS electorate,
        (SELECT coalesce(sum(${v.hasVoted} AND NOT ${v.votedOnPaper}), 0) FROM ${v} WHERE ${v.electionId} = ${row.id}) AS online)
      UPDATE ${e} SET
        proposal_vote = (SELECT json_object('status', CASE WHEN yes > no THEN 'accepted' ELSE 'rejected' END, 'openedAt', ${vote.openedAt},
          'closedAt', ${at}, 'yes', yes, 'no', no, 'abstain', abstain) FROM tally),
        status = (SELECT CASE WHEN yes > no THEN 'counted' ELSE 'nominating' END FROM tally),
        result = (SELECT CASE WHEN yes > no THEN json_set(${JSON.stringify(result)},
          '$.proposalVote', json_object('yes', yes, 'no', no, 'abstain', abstain),
          '$.turnout.electorate', electorate, '$.turnout.votedOnline', online, '$.turnout.paperBallots', paper,
          '$.turnout.ballots', yes + no + abstain, '$.turnout.valid', yes + no, '$.turnout.blank', abstain,
          '$.turnout.percentOnline', CASE WHEN electorate > 0 THEN round(online * 1000.0 / electorate) / 10 END) END FROM tally),
        counted_at = (SELECT CASE WHEN yes > no THEN ${at} END FROM tally),
        voting_opens_at = (SELECT CASE WHEN yes > no THEN ${e.votingOpensAt} ELSE ${pollNotOpened} END FROM tally),
        voting_closes_at = (SELECT CASE WHEN yes > no THEN ${at} ELSE ${pollNotClosed} END FROM tally),
        count_error = NULL, version = ${next}, updated_at = ${at}
      WHERE ${e.id} = ${row.id} AND ${e.status} = 'voting' AND ${e.version} = ${row.version}
        AND json_extract(${e.proposalVote}, '$.status') = 'open'`),
    ...webhookEvent(scope, "election.status_changed", row.id, { detail: { from: "voting", to: "counted" }, when: closedAt("counted") }),
    ...webhookEvent(scope, "election.status_changed", row.id, {
      detail: { from: "voting", to: "nominating" },
      when: closedAt("nominating"),
    }),
    ...clearFreedSpace(db),
    // Only the totals are kept; a rejected proposal leaves no mark on anyone for the ballot that follows.
    db.run(sql`DELETE FROM ${b} WHERE ${b.electionId} = ${row.id} AND (${closedAt("counted")} OR ${closedAt("nominating")})`),
    db.run(sql`DELETE FROM ${v} WHERE ${v.electionId} = ${row.id} AND ${closedAt("nominating")}`),
  ]);
  if (rowsAffected(closing) === 0) throw lostRace(expected, () => conflict("The election changed meanwhile; read it again and retry."));
  await truncateLocalLog(db);
  return (await db.query.elections.findFirst({ where: eq(e.id, row.id) })) as ElectionRow;
}
