/**
 * A paper ballot handed in at the meeting by someone on the register, mixed with phone
 * ballots in the same poll. The voter is marked as having voted on paper, so a phone ballot
 * can neither follow nor precede it; the ballot is stored as a phone ballot is, with no
 * trace of the voter and shuffled with the others (ballot-storage.ts).
 */
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { conflict } from "../lib/problems.ts";
import type { RankEntry } from "../voting/types.ts";
import { checkBallot } from "./ballot-rules.ts";
import { rulesOf, storeVoterBallot } from "./ballots.service.ts";
import type { ElectionRow } from "./elections.service.ts";
import { whyNotInElectorate } from "./electorate.ts";
import { refuseDuringProposalVote } from "./proposal-vote-state.ts";

const v = schema.electionVoters;

export async function enterPaperVote(ctx: Ctx, options: { election: ElectionRow; memberId: string; ranking: RankEntry[] }) {
  const { db } = ctx;
  const { election, memberId, ranking } = options;
  if (election.status !== "voting")
    throw conflict("The poll is not open.", { reason: election.status === "closed" ? "voting_closed" : "voting_not_open" });
  refuseDuringProposalVote(election);
  const normalised = checkBallot(await rulesOf(db, election), ranking, "body.ranking");
  if (await storeVoterBallot(ctx, { election, memberId, ranking: normalised, receiptHash: null, onPaper: true })) {
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
