import { requireMember, requireRoleOrMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  bodyProblems,
  createRouter,
  defineRoute,
  etagHeader,
  IfMatchHeaders,
  jsonBody,
  jsonContent,
  locationHeader,
  OrgIdParams,
  problems,
} from "../http/openapi.ts";
import { pageOf } from "../http/pagination.ts";
import { CandidateCreate, CandidateListQuery, CandidatePublic, CandidateUpdate } from "./candidates.schemas.ts";
import { answer, getCandidate, listCandidates, nominate, toCandidatePublic, updateCandidate, withdraw } from "./candidates.service.ts";
import { ProposalPublic, ProposalPut } from "./proposals.schemas.ts";
import { proposalOf, putProposal, requireProposalAuthor } from "./proposals.service.ts";
import { ElectionCandidateParams, settledElection } from "./route-parts.ts";

const tags = ["Elections"];
const readers = [requireRoleOrMember("readonly")];
const actors = [requireRoleOrMember("staff")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}/candidates",
  operationId: "listCandidates",
  tags,
  summary: "Candidates and nominations",
  description: "Members see who stands (and who withdrew), and nominations they made or received; keys see all.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams, query: CandidateListQuery },
  responses: { 200: jsonContent(pageOf(CandidatePublic, "CandidatePage"), "In order of nomination."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/candidates",
  operationId: "nominateCandidate",
  tags,
  summary: "Stand, or nominate a member",
  description:
    "During the nomination period (409 outside it). A member token without `memberId` stands (accepted at once); with another " +
    "member's id it nominates them, and they accept or decline with their own token. Staff nominate with `memberId`, and with " +
    "`accepted: true` for a nominee who agreed in the room. Nominee and nominator need active standing (409 with the reason).",
  security: bearerSecurity,
  middleware: actors,
  request: { params: OrgIdParams, body: jsonBody(CandidateCreate) },
  responses: {
    201: { ...jsonContent(CandidatePublic, "The nomination."), headers: { ...etagHeader, ...locationHeader("candidate") } },
    ...problems(...authProblems, ...bodyProblems, "conflict", "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}/candidates/{candidateId}",
  operationId: "getCandidate",
  tags,
  summary: "Read a candidate",
  description:
    "One candidate: the member, how they were nominated (`self`, `member`, `staff`), their statement, gender and status, with its ETag. API keys, or members who may see the election.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: ElectionCandidateParams },
  responses: { 200: { ...jsonContent(CandidatePublic, "The candidate."), headers: etagHeader }, ...problems(...authProblems) },
});

const update = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/elections/{id}/candidates/{candidateId}",
  operationId: "updateCandidate",
  tags,
  summary: "Change the statement (or gender) — the candidate or staff, before voting opens",
  description:
    "Changes the candidate's statement, or the gender the election's gender rule reads, until voting opens (409 after). The candidate with a member token, or staff; If-Match is honoured.",
  security: bearerSecurity,
  middleware: actors,
  request: { params: ElectionCandidateParams, headers: IfMatchHeaders, body: jsonBody(CandidateUpdate) },
  responses: {
    200: { ...jsonContent(CandidatePublic, "The candidate."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const action = (name: "accept" | "decline" | "withdraw", summary: string, description: string, member: boolean) =>
  defineRoute({
    method: "post",
    path: `/v1/orgs/{org}/elections/{id}/candidates/{candidateId}/${name}`,
    operationId: `${name}Nomination`,
    tags,
    summary,
    description,
    security: bearerSecurity,
    middleware: member ? [requireMember] : actors,
    request: { params: ElectionCandidateParams, headers: IfMatchHeaders },
    responses: {
      200: { ...jsonContent(CandidatePublic, "The candidate."), headers: etagHeader },
      ...problems(...authProblems, "conflict", "precondition_failed", "idempotency_key_reused"),
    },
  });

const accept = action("accept", "Accept a nomination (the nominee)", "With the nominee's own token, until voting opens.", true);
const decline = action("decline", "Decline a nomination (the nominee)", "With the nominee's own token, until voting opens.", true);
const withdrawRoute = action(
  "withdraw",
  "Withdraw a candidacy",
  "By the candidate, by staff, or by the nominator of a nomination not yet answered; only before voting opens (409 after).",
  false,
);

const getProposal = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}/proposal",
  operationId: "getNominationProposal",
  tags,
  summary: "The nominating committee's proposal",
  description:
    "The nominating committee's proposal: candidates in the committee's order, shown beside the candidates. API keys, or members who may see the election.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: {
    200: { ...jsonContent(ProposalPublic, "Most recommended first, with reasons."), headers: etagHeader },
    ...problems(...authProblems),
  },
});

const putProposalRoute = defineRoute({
  method: "put",
  path: "/v1/orgs/{org}/elections/{id}/proposal",
  operationId: "putNominationProposal",
  tags,
  summary: "Set the nominating committee's proposal (staff or committee members)",
  description:
    "Replaces the whole list. Every entry must be nominated in this election (proposed or accepted). Members of the election's " +
    "committee group may set it with their own token. Until voting opens.",
  security: bearerSecurity,
  middleware: actors,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(ProposalPut) },
  responses: {
    200: { ...jsonContent(ProposalPublic, "The proposal."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

export const candidateRoutes = createRouter()
  .openapi(list, async (c) => {
    const row = await settledElection(c, c.req.valid("param").id);
    return c.json(await listCandidates(ctxOf(c), { electionId: row.id, ...c.req.valid("query") }), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await settledElection(c, c.req.valid("param").id);
    const candidate = await nominate(ctx, { election: row, input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/elections/${row.id}/candidates/${candidate.id}`);
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, ctx.viewer), 201);
  })
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const { id, candidateId } = c.req.valid("param");
    const row = await settledElection(c, id);
    const candidate = await getCandidate(ctx, { electionId: row.id, id: candidateId });
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, ctx.viewer), 200);
  })
  .openapi(update, async (c) => {
    const ctx = ctxOf(c);
    const { id, candidateId } = c.req.valid("param");
    const row = await settledElection(c, id);
    const candidate = await updateCandidate(ctx, {
      election: row,
      id: candidateId,
      input: c.req.valid("json"),
      expected: expectedVersion(c),
    });
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, ctx.viewer), 200);
  })
  .openapi(accept, async (c) => {
    const ctx = ctxOf(c);
    const { id, candidateId } = c.req.valid("param");
    const row = await settledElection(c, id);
    const candidate = await answer(ctx, { election: row, id: candidateId, accept: true, expected: expectedVersion(c) });
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, ctx.viewer), 200);
  })
  .openapi(decline, async (c) => {
    const ctx = ctxOf(c);
    const { id, candidateId } = c.req.valid("param");
    const row = await settledElection(c, id);
    const candidate = await answer(ctx, { election: row, id: candidateId, accept: false, expected: expectedVersion(c) });
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, ctx.viewer), 200);
  })
  .openapi(withdrawRoute, async (c) => {
    const ctx = ctxOf(c);
    const { id, candidateId } = c.req.valid("param");
    const row = await settledElection(c, id);
    const candidate = await withdraw(ctx, { election: row, id: candidateId, expected: expectedVersion(c) });
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, ctx.viewer), 200);
  })
  .openapi(getProposal, async (c) => {
    const row = await settledElection(c, c.req.valid("param").id);
    // The election row, and with it the proposal's version, is read before the proposal itself.
    setEtag(c, row.proposalVersion);
    return c.json({ entries: await proposalOf(ctxOf(c), row.id) }, 200);
  })
  .openapi(putProposalRoute, async (c) => {
    const ctx = ctxOf(c);
    const row = await settledElection(c, c.req.valid("param").id);
    await requireProposalAuthor(ctx, row);
    const { entries, version } = await putProposal(ctx, { election: row, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, version);
    return c.json({ entries }, 200);
  });
