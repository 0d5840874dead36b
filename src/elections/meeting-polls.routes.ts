import { z } from "@hono/zod-openapi";
import { electionStatuses } from "../../drizzle/elections.ts";
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
import { declareByAcclamation } from "./acclamation.ts";
import { RankingField } from "./ballots.schemas.ts";
import { resultBody } from "./elections.routes.ts";
import { ElectionPublic, ElectionResult } from "./elections.schemas.ts";
import { toElectionPublic } from "./elections.service.ts";
import { closePoll, openPoll, pollProgress } from "./meeting-polls.ts";
import { enterPaperVote } from "./paper-votes.ts";
import { requestPolicy, settledElection, staffOnly } from "./route-parts.ts";

const tags = ["Elections"];

const PollProgress = z
  .object({
    electionId: z.string(),
    status: z.enum(electionStatuses),
    electorate: z.number().int().openapi({ description: "The register as it stood when the poll opened." }),
    voted: z.number().int().openapi({ description: "Of them, how many have voted (online, or marked as voting on paper)." }),
    paperBallots: z.number().int().openapi({ description: "Paper ballots entered so far." }),
  })
  .openapi("PollProgress");

const open = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/poll/open",
  operationId: "openMeetingPoll",
  tags,
  summary: "The chair opens the poll of a meeting's election (staff)",
  description:
    "For elections whose electorate is a meeting's voting register: the electorate is the register as it stands now (later adjustments reach only polls opened after them). " +
    "A closed poll opens again only if no ballot was cast (409 `ballots_cast`). 409 `poll_open`, `register_not_fixed`, `not_a_meeting_poll`.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(ElectionPublic, "The election, voting."), headers: etagHeader },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

const close = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/poll/close",
  operationId: "closeMeetingPoll",
  tags,
  summary: "The chair closes the poll; it is counted at once (staff)",
  description: "409 `poll_closed` when closed already, `poll_not_open` before it opened.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(ElectionPublic, "The election, closed or counted."), headers: etagHeader },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

const progress = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}/poll",
  operationId: "getPollProgress",
  tags,
  summary: "Live progress for the chair: who has voted out of the register, nothing of the content (staff)",
  description:
    "The register's size when the poll opened, ballots cast so far and how many of them on paper; never what a ballot says, nor who voted how. Staff keys.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams },
  responses: { 200: jsonContent(PollProgress, "Progress."), ...problems(...authProblems) },
});

const acclamation = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/acclamation",
  operationId: "declareByAcclamation",
  tags,
  summary: "Declare the candidates elected without a ballot (staff)",
  description:
    "When no more candidates stand than there are seats, before any poll opens. The election is then counted, its result marked `byAcclamation`, " +
    "in the committee's order where it gave one; publishing creates the mandates. 409 `contested`, `no_candidates`, `voting_opened`.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(ElectionResult, "The result."), headers: etagHeader },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

const PaperVote = z
  .object({
    memberId: IdSchema.openapi({ description: "The person on the register who handed in the paper." }),
    ranking: RankingField,
  })
  .strict()
  .openapi("PaperVote");

const paperVote = withoutIdempotency(
  defineRoute({
    method: "post",
    path: "/v1/orgs/{org}/elections/{id}/paper-votes",
    operationId: "enterPaperVote",
    tags,
    summary: "Enter one paper ballot handed in at the meeting by a person on the register (staff)",
    description:
      "The person is marked as having voted on paper: they cannot also vote by phone (409 `voted_on_paper`), nor on paper after voting by phone (409 `already_voted`). " +
      "The ballot is stored, like a phone ballot, with nothing that leads back to them; Idempotency-Key is ignored, since a kept response would. 409 `not_on_register` for someone not on the register when the poll opened.",
    security: bearerSecurity,
    middleware: staffOnly,
    request: { params: OrgIdParams, body: jsonBody(PaperVote) },
    responses: {
      201: jsonContent(
        z.object({ electionId: z.string(), memberId: z.string(), votedOnPaper: z.boolean() }).openapi("PaperVoteEntered"),
        "Entered.",
      ),
      ...problems(...authProblems, ...bodyProblems, "conflict"),
    },
  }),
);

export const meetingPollRoutes = createRouter()
  .openapi(open, async (c) => {
    const ctx = ctxOf(c);
    const row = await openPoll(ctx, {
      row: await settledElection(c, c.req.valid("param").id),
      expected: expectedVersion(c),
      policy: requestPolicy(c),
    });
    setEtag(c, row.version);
    return c.json(toElectionPublic(row, ctx.org.timeZone, ctx.viewer), 200);
  })
  .openapi(close, async (c) => {
    const ctx = ctxOf(c);
    const row = await closePoll(ctx, {
      row: await settledElection(c, c.req.valid("param").id),
      expected: expectedVersion(c),
      policy: requestPolicy(c),
    });
    setEtag(c, row.version);
    return c.json(toElectionPublic(row, ctx.org.timeZone, ctx.viewer), 200);
  })
  .openapi(acclamation, async (c) => {
    const ctx = ctxOf(c);
    const row = await declareByAcclamation(ctx, { row: await settledElection(c, c.req.valid("param").id), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(resultBody(row, ctx.viewer), 200);
  })
  .openapi(paperVote, async (c) => {
    const { memberId, ranking } = c.req.valid("json");
    const election = await settledElection(c, c.req.valid("param").id);
    return c.json(await enterPaperVote(ctxOf(c), { election, memberId, ranking }), 201);
  })
  .openapi(progress, async (c) => {
    return c.json(await pollProgress(ctxOf(c), { row: await settledElection(c, c.req.valid("param").id) }), 200);
  });
