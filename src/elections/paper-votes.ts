/**
 * A paper ballot handed in at the meeting by someone on the register, mixed with phone
 * ballots in the same poll. The voter is marked as having voted on paper, so a phone ballot
 * can neither follow nor precede it; the ballot is stored as a phone ballot is, with no
 * trace of the voter and shuffled with the others (ballot-storage.ts).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { conflict } from "../lib/problems.ts";
import type { RankEntry } from "../voting/types.ts";
import { checkBallot } from "./ballot-rules.ts";
import { clearFreedSpace, pendingBallotId, shuffleIfFull, truncateLocalLog } from "./ballot-storage.ts";
import { rulesOf } from "./ballots.service.ts";
import type { ElectionRow } from "./elections.service.ts";
import { whyNotInElectorate } from "./electorate.ts";

const b = schema.ballots;
const v = schema.electionVoters;
const e = schema.elections;

export async function enterPaperVote(ctx: Ctx, options: { election: ElectionRow; memberId: string; ranking: RankEntry[] }) {
  const { db, now } = ctx;
  const { election, memberId, ranking } = options;
  if (election.status !== "voting")
    throw conflict("The poll is not open.", { reason: election.status === "closed" ? "voting_closed" : "voting_not_open" });
  const normalised = checkBallot(await rulesOf(db, election), ranking, "body.ranking");
  const at = now.toISOString();
  const [, inserted, ...shuffle] = await db.batch([
    db.run(sql`UPDATE ${v} SET has_voted = 1, voted_on_paper = 1
      WHERE ${v.electionId} = ${election.id} AND ${v.memberId} = ${memberId} AND ${v.hasVoted} = 0
        AND EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${election.id} AND ${e.status} = 'voting' AND ${e.votingClosesAt} > ${at})`),
    db.run(sql`INSERT INTO ${b} (election_id, id, ranking, weight, receipt_hash, source, batch_id)
      SELECT ${election.id}, ${pendingBallotId()}, ${JSON.stringify(normalised)}, 1, NULL, 'paper', NULL
      WHERE changes() = 1`),
    ...clearFreedSpace(db),
    ...shuffleIfFull(db, election.id),
  ]);
  if (inserted.rowsAffected === 1) {
    if (shuffle.some((result) => result.rowsAffected > 0)) await truncateLocalLog(db);
    return { electionId: election.id, memberId, votedOnPaper: true };
  }
  const voter = await db.query.electionVoters.findFirst({ where: and(eq(v.electionId, election.id), eq(v.memberId, memberId)) });
  if (voter?.votedOnPaper) throw conflict("This member has already voted on paper.", { reason: "voted_on_paper" });
  if (voter?.hasVoted) throw conflict("This member has already voted by phone.", { reason: "already_voted" });
  if (!voter) {
    const why = await whyNotInElectorate(db, election, memberId, ctx.org.timeZone);
    throw conflict(`This member cannot vote in this poll: ${why.detail}.`, { reason: why.reason });
  }
  throw conflict("The poll is not open.", { reason: "voting_closed" });
}
