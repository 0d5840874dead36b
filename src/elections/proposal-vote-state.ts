/** The state of an election's vote on the committee's proposal, as stored on the election (proposal-vote.ts holds the vote). */
import { conflict } from "../lib/problems.ts";
import type { ElectionRow } from "./elections.service.ts";

export const proposalChoices = ["yes", "no", "abstain"] as const;
export type ProposalChoice = (typeof proposalChoices)[number];

export interface ProposalVote {
  status: "open" | "accepted" | "rejected";
  openedAt: string;
  closedAt: string | null;
  yes: number | null;
  no: number | null;
  abstain: number | null;
}

/** The stored proposal vote of an election, or null when none was held. */
export function proposalVoteOf(row: Pick<ElectionRow, "proposalVote">): ProposalVote | null {
  return row.proposalVote ? (JSON.parse(row.proposalVote) as ProposalVote) : null;
}

/** While the proposal vote is open, the poll is no ballot among candidates: their ballots, counts and closing wait. */
export function refuseDuringProposalVote(row: Pick<ElectionRow, "proposalVote">) {
  if (proposalVoteOf(row)?.status === "open")
    throw conflict("The meeting is voting on the committee's proposal; close that vote first (…/proposal-vote/close).", {
      reason: "proposal_vote_open",
    });
}

/** The open vote, and an accepted proposal (whose result is the vote, with no ballot to add or count), refuse ballots and polls. */
export function refuseBallotsBesideProposal(row: Pick<ElectionRow, "proposalVote">) {
  refuseDuringProposalVote(row);
  if (proposalVoteOf(row)?.status === "accepted")
    throw conflict("The meeting accepted the committee's proposal: there is no ballot to open, enter or count.", {
      reason: "proposal_accepted",
    });
}
