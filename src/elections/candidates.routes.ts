import { requireMember, requireRoleOrMember } from "../http/auth.ts";
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
import { ElectionCandidateParams, settledElection, viewer } from "./route-parts.ts";

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
    const { status, limit, cursor } = c.req.valid("query");
    return c.json(await listCandidates(c.get("deps").db, row.id, viewer(c), status, limit, cursor), 200);
  })
  .openapi(create, async (c) => {
    const { db, clock } = c.get("deps");
    const org = c.get("org");
    const v = viewer(c);
    const row = await settledElection(c, c.req.valid("param").id);
    const candidate = await nominate(db, row, v, c.req.valid("json"), org.timeZone, clock.now());
    c.header("Location", `/v1/orgs/${org.slug}/elections/${row.id}/candidates/${candidate.id}`);
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, v), 201);
  })
  .openapi(get, async (c) => {
    const { id, candidateId } = c.req.valid("param");
    const row = await settledElection(c, id);
    const v = viewer(c);
    const candidate = await getCandidate(c.get("deps").db, row.id, candidateId, v);
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, v), 200);
  })
  .openapi(update, async (c) => {
    const { id, candidateId } = c.req.valid("param");
    const v = viewer(c);
    const row = await settledElection(c, id);
    const { db, clock } = c.get("deps");
    const candidate = await updateCandidate(db, row, candidateId, v, c.req.valid("json"), expectedVersion(c), clock.now());
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, v), 200);
  })
  .openapi(accept, async (c) => {
    const { id, candidateId } = c.req.valid("param");
    const v = viewer(c);
    const { db, clock } = c.get("deps");
    const row = await settledElection(c, id);
    const candidate = await answer(db, row, candidateId, v, true, expectedVersion(c), c.get("org").timeZone, clock.now());
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, v), 200);
  })
  .openapi(decline, async (c) => {
    const { id, candidateId } = c.req.valid("param");
    const v = viewer(c);
    const { db, clock } = c.get("deps");
    const row = await settledElection(c, id);
    const candidate = await answer(db, row, candidateId, v, false, expectedVersion(c), c.get("org").timeZone, clock.now());
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, v), 200);
  })
  .openapi(withdrawRoute, async (c) => {
    const { id, candidateId } = c.req.valid("param");
    const v = viewer(c);
    const { db, clock } = c.get("deps");
    const row = await settledElection(c, id);
    const candidate = await withdraw(db, row, candidateId, v, expectedVersion(c), clock.now());
    setEtag(c, candidate.version);
    return c.json(toCandidatePublic(candidate, v), 200);
  })
  .openapi(getProposal, async (c) => {
    const row = await settledElection(c, c.req.valid("param").id);
    // The election row, and with it the proposal's version, is read before the proposal itself.
    setEtag(c, row.proposalVersion);
    return c.json({ entries: await proposalOf(c.get("deps").db, row.id) }, 200);
  })
  .openapi(putProposalRoute, async (c) => {
    const { db } = c.get("deps");
    const row = await settledElection(c, c.req.valid("param").id);
    await requireProposalAuthor(db, row, viewer(c));
    const { entries, version } = await putProposal(db, row, c.req.valid("json"), expectedVersion(c));
    setEtag(c, version);
    return c.json({ entries }, 200);
  });
