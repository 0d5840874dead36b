import { z } from "@hono/zod-openapi";
import { memberIdOf } from "../access/viewer.ts";
import { requireMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  bodyProblems,
  createRouter,
  defineRoute,
  etagHeader,
  IdSchema,
  IfMatchHeaders,
  jsonBody,
  jsonContent,
  OrgIdParams,
  problems,
  withoutIdempotency,
} from "../http/openapi.ts";
import { ElectionPublic } from "./elections.schemas.ts";
import { toElectionPublic } from "./elections.service.ts";
import { castProposalVote, closeProposalVote, openProposalVote } from "./proposal-vote.ts";
import { proposalChoices } from "./proposal-vote-state.ts";
import { settledElection, staffOnly } from "./route-parts.ts";

const tags = ["Elections"];

const Choice = z.enum(proposalChoices).openapi({ description: "For the proposal as a whole, against it, or neither." });

const ProposalVoteEntered = z
  .object({ electionId: z.string(), memberId: z.string(), votedOnPaper: z.boolean() })
  .openapi("ProposalVoteEntered");

const open = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/proposal-vote/open",
  operationId: "openProposalVote",
  tags,
  summary: "The chair opens the meeting's vote on the committee's proposal as a whole (staff)",
  description:
    "For an election at a meeting, after nominations and before any poll: the meeting votes yes, no or abstain on the proposal " +
    "(…/proposal) as a whole, on the voting register as it stands now, by phone or on paper, one vote per person, secret. " +
    "409 `no_proposal`, `proposal_too_long` (more names than seats), `proposal_not_standing`, `proposal_vote_held`, " +
    "`register_not_fixed`, `voting_opened`, `not_a_meeting_poll`.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(ElectionPublic, "The election, voting on the proposal."), headers: etagHeader },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

const close = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/proposal-vote/close",
  operationId: "closeProposalVote",
  tags,
  summary: "The chair closes the vote on the proposal; it is decided at once (staff)",
  description:
    "Accepted when more voted yes than no (abstentions count for neither side; a tie rejects): the proposed are elected in the " +
    "committee's order, the election is counted with a result marked `byProposal`, and publishing creates the mandates. " +
    "Rejected: the election is back before voting, and the chair opens the ballot among all candidates with …/poll/open. " +
    "Only the totals are kept. 409 `proposal_vote_not_open`, `proposal_vote_closed`.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(ElectionPublic, "The election, counted or back to nominating."), headers: etagHeader },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

const cast = withoutIdempotency(
  defineRoute({
    method: "post",
    path: "/v1/orgs/{org}/elections/{id}/proposal-vote/ballots",
    operationId: "castProposalVote",
    tags: ["Voting"],
    summary: "Vote on the committee's proposal by phone (member)",
    description:
      "One vote per person on the register, while the vote is open; nothing links it to the voter. 409 `not_on_register`, " +
      "`already_voted`, `voted_on_paper`, `proposal_vote_not_open`, `proposal_vote_closed`, `paper_only`. Idempotency-Key is ignored: " +
      "a retry is answered 409 `already_voted`.",
    security: bearerSecurity,
    middleware: [requireMember],
    request: { params: OrgIdParams, body: jsonBody(z.object({ choice: Choice }).strict().openapi("ProposalVoteCast")) },
    responses: { 201: jsonContent(ProposalVoteEntered, "The vote is stored."), ...problems(...authProblems, ...bodyProblems, "conflict") },
  }),
);

const paper = withoutIdempotency(
  defineRoute({
    method: "post",
    path: "/v1/orgs/{org}/elections/{id}/proposal-vote/paper-votes",
    operationId: "enterProposalPaperVote",
    tags: ["Voting"],
    summary: "Enter one paper vote on the proposal, handed in at the meeting by a person on the register (staff)",
    description:
      "The person is marked as having voted on paper, so they cannot also vote by phone (409 `voted_on_paper`), nor on paper after " +
      "voting by phone (409 `already_voted`); the vote is stored with nothing that leads back to them. 409 `not_on_register`.",
    security: bearerSecurity,
    middleware: staffOnly,
    request: {
      params: OrgIdParams,
      body: jsonBody(
        z
          .object({ memberId: IdSchema.openapi({ description: "The person on the register who handed in the paper." }), choice: Choice })
          .strict()
          .openapi("ProposalPaperVote"),
      ),
    },
    responses: { 201: jsonContent(ProposalVoteEntered, "Entered."), ...problems(...authProblems, ...bodyProblems, "conflict") },
  }),
);

export const proposalVoteRoutes = createRouter()
  .openapi(open, async (c) => {
    const ctx = ctxOf(c);
    const row = await openProposalVote(ctx, { row: await settledElection(c, c.req.valid("param").id), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(toElectionPublic(row, ctx.org.timeZone, ctx.viewer), 200);
  })
  .openapi(close, async (c) => {
    const ctx = ctxOf(c);
    const row = await closeProposalVote(ctx, { row: await settledElection(c, c.req.valid("param").id), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(toElectionPublic(row, ctx.org.timeZone, ctx.viewer), 200);
  })
  .openapi(cast, async (c) => {
    const ctx = ctxOf(c);
    const memberId = memberIdOf(ctx.viewer);
    const election = await settledElection(c, c.req.valid("param").id);
    c.header("Cache-Control", "no-store");
    return c.json(await castProposalVote(ctx, { election, memberId, choice: c.req.valid("json").choice, onPaper: false }), 201);
  })
  .openapi(paper, async (c) => {
    const { memberId, choice } = c.req.valid("json");
    const election = await settledElection(c, c.req.valid("param").id);
    return c.json(await castProposalVote(ctxOf(c), { election, memberId, choice, onPaper: true }), 201);
  });
