import { isKey, type Viewer } from "../access/viewer.ts";
import { page } from "../db/cursors.ts";
import { requireRole, requireRoleOrMember } from "../http/auth.ts";
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
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { pageOf } from "../http/pagination.ts";
import { conflict } from "../lib/problems.ts";
import { TallyRequest } from "../tally/tally.schemas.ts";
import { allCandidates } from "./candidates.service.ts";
import { type StoredResult, tallyInputOf } from "./counting.ts";
import {
  ElectionCreate,
  ElectionDetail,
  ElectionListQuery,
  ElectionPublic,
  ElectionResult,
  ElectionUpdate,
  PublishRequest,
  TransitionRequest,
} from "./elections.schemas.ts";
import {
  createElection,
  deleteElection,
  type ElectionRow,
  listElectionRows,
  toElectionPublic,
  updateElection,
} from "./elections.service.ts";
import { recount, settle, transition } from "./lifecycle.ts";
import { proposalVoteOf } from "./proposal-vote-state.ts";
import { proposalOf } from "./proposals.service.ts";
import { requestPolicy, settledElection, staffOnly } from "./route-parts.ts";
import { BltText, bltDescription, TallyInputQuery, tallyInputBlt, wantsBlt } from "./tally-input-blt.ts";

const tags = ["Elections"];
const readers = [requireRoleOrMember("readonly")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections",
  operationId: "listElections",
  tags,
  summary: "List elections",
  description: "Oldest first. Members do not see drafts.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: ElectionListQuery },
  responses: { 200: jsonContent(pageOf(ElectionPublic, "ElectionPage"), "Elections."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections",
  operationId: "createElection",
  tags,
  summary: "Create an election for a position (staff)",
  description:
    "One election fills one position; several positions elected at one meeting are several elections. The election starts as a " +
    'draft; POST …/transitions `{ "to": "nominating" }` announces it. From then on the clock moves it: voting opens at ' +
    "`voting.opensAt` (the electorate is fixed then, from memberships on `electorate.cutoffOn`), closes at `voting.closesAt`, " +
    "and is counted at once. A seed for lots is drawn now and never changes. List methods (dhondt, sainte_lague) distribute " +
    "seats between lists and are counted with POST /v1/tally.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgParams, body: jsonBody(ElectionCreate) },
  responses: {
    201: { ...jsonContent(ElectionPublic, "The election (a draft)."), headers: { ...etagHeader, ...locationHeader("election") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}",
  operationId: "getElection",
  tags,
  summary: "Read an election with its candidates and the nominating committee's proposal",
  description: "Members see announced elections, the candidates standing, and nominations they made or received.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(ElectionDetail, "The election."), headers: etagHeader }, ...problems(...authProblems) },
});

const update = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/elections/{id}",
  operationId: "updateElection",
  tags,
  summary: "Change an election before voting opens (staff)",
  description: "Allowed while draft or nominating (409 after). The seed never changes.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(ElectionUpdate) },
  responses: {
    200: { ...jsonContent(ElectionPublic, "The election."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/elections/{id}",
  operationId: "deleteElection",
  tags,
  summary: "Delete a draft election (staff)",
  description:
    "Deletes an election that is still a draft; once nominations open it can no longer be deleted (409). Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Deleted." }, ...problems(...authProblems, "conflict", "precondition_failed") },
});

const transitions = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/transitions",
  operationId: "transitionElection",
  tags,
  summary: "Move an election forward (staff)",
  description:
    "Only forward: draft → nominating (announce) → voting → closed → counted → published. Steps in between happen in order; " +
    "opening or closing voting early moves `voting.opensAt` / `voting.closesAt` to now. To `published` only from counted.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(TransitionRequest) },
  responses: {
    200: { ...jsonContent(ElectionPublic, "The election."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed", "idempotency_key_reused"),
  },
});

const countRoute = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/count",
  operationId: "countElection",
  tags,
  summary: "Count (or count again) a closed election (staff)",
  description:
    "Voting closes by time or by staff, and the count runs then; this counts again, e.g. after a failed count. A count over the " +
    "limits of POST /v1/tally is recorded as the count's error. Where the runtime cannot count a large election off its event " +
    "loop (Workers), the scheduled job counts it within a minute and this answers 409 with reason `count_pending` meanwhile.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(ElectionResult, "The result (not yet published)."), headers: etagHeader },
    ...problems(...authProblems, "conflict", "precondition_failed", "idempotency_key_reused"),
  },
});

const publishRoute = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/publish",
  operationId: "publishElection",
  tags,
  summary: "Publish the result and create the mandates (staff)",
  description:
    "The elected hold the position from `termStartsOn` (default: today) for the position's term length. Send `{}` for the defaults.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(PublishRequest) },
  responses: {
    200: { ...jsonContent(ElectionResult, "The published result."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed", "idempotency_key_reused"),
  },
});

const result = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}/result",
  operationId: "getElectionResult",
  tags,
  summary: "The result: elected in order, the count round by round, ties, turnout, receipts",
  description: "Keys see it once counted; members once published (409 before). Its ETag is the election's: the result is part of it.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(ElectionResult, "The result."), headers: etagHeader }, ...problems(...authProblems, "conflict") },
});

const tallyInput = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}/tally-input",
  operationId: "getElectionTallyInput",
  tags,
  summary: "The counted ballots, as POST /v1/tally takes them (keys)",
  description:
    "For auditors: identical ballots summed, candidates named by candidate id (`candidate_names` maps them), the election's " +
    "seed and options. Posted to /v1/tally it gives the stored count exactly (a gender rule is applied after the count and is " +
    "in the result). Keys only, once counted: full preference profiles stay with the organisation.\n\n" +
    bltDescription,
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgIdParams, query: TallyInputQuery },
  responses: {
    200: {
      description: "The count's input.",
      content: { "application/json": { schema: TallyRequest }, "text/plain": { schema: BltText } },
      headers: etagHeader,
    },
    ...problems(...authProblems, "conflict"),
  },
});

export function resultBody(row: ElectionRow, v: Viewer) {
  if (row.status === "published" || (isKey(v) && row.status === "counted")) {
    const stored = JSON.parse(row.result as string) as StoredResult;
    return {
      electionId: row.id,
      status: row.status,
      countedAt: row.countedAt as string,
      publishedAt: row.publishedAt,
      ...stored,
      byAcclamation: stored.byAcclamation ?? false,
      byProposal: stored.byProposal ?? false,
      proposalVote: proposalVoteOf(row),
      reserves: stored.reserves ?? [],
    };
  }
  if (!isKey(v)) throw conflict("The result has not been published yet.", { reason: "result_not_published" });
  throw conflict(
    row.countError ? `The ballots could not be counted: ${row.countError}` : `The election is ${row.status}; it has not been counted yet.`,
    {
      reason: "not_counted",
    },
  );
}

export const electionCoreRoutes = createRouter()
  .openapi(list, async (c) => {
    const ctx = ctxOf(c);
    const { limit, cursor, status, positionId } = c.req.valid("query");
    const rows = await listElectionRows(ctx, { status, positionId, limit, cursor });
    // The page is read first so that the cursor follows what was listed; due changes are applied to what is shown.
    const settled = await Promise.all(rows.map((row) => settle(ctx, { row, policy: requestPolicy(c) })));
    return c.json(
      page(
        settled,
        limit,
        (row) => toElectionPublic(row, ctx.org.timeZone, ctx.viewer),
        (row) => [row.id],
      ),
      200,
    );
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createElection(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/elections/${row.id}`);
    setEtag(c, row.version);
    return c.json(toElectionPublic(row, ctx.org.timeZone, ctx.viewer), 201);
  })
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const row = await settledElection(c, c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(
      {
        ...toElectionPublic(row, ctx.org.timeZone, ctx.viewer),
        candidates: await allCandidates(ctx, row.id),
        proposal: await proposalOf(ctx, row.id),
      },
      200,
    );
  })
  .openapi(update, async (c) => {
    const ctx = ctxOf(c);
    const row = await settledElection(c, c.req.valid("param").id);
    const updated = await updateElection(ctx, { row, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, updated.version);
    return c.json(toElectionPublic(updated, ctx.org.timeZone, ctx.viewer), 200);
  })
  .openapi(remove, async (c) => {
    await deleteElection(ctxOf(c), { row: await settledElection(c, c.req.valid("param").id), expected: expectedVersion(c) });
    return c.body(null, 204);
  })
  .openapi(transitions, async (c) => {
    const ctx = ctxOf(c);
    const { to, termStartsOn } = c.req.valid("json");
    const settled = await settledElection(c, c.req.valid("param").id);
    const row = await transition(ctx, { row: settled, to, termStartsOn, expected: expectedVersion(c), policy: requestPolicy(c) });
    setEtag(c, row.version);
    return c.json(toElectionPublic(row, ctx.org.timeZone, ctx.viewer), 200);
  })
  .openapi(countRoute, async (c) => {
    const ctx = ctxOf(c);
    const settled = await settledElection(c, c.req.valid("param").id);
    const row = await recount(ctx, { row: settled, expected: expectedVersion(c), policy: requestPolicy(c) });
    const body = resultBody(row, ctx.viewer);
    setEtag(c, row.version);
    return c.json(body, 200);
  })
  .openapi(publishRoute, async (c) => {
    const ctx = ctxOf(c);
    const { termStartsOn } = c.req.valid("json");
    const settled = await settledElection(c, c.req.valid("param").id);
    const row = await transition(ctx, {
      row: settled,
      to: "published",
      termStartsOn,
      expected: expectedVersion(c),
      policy: requestPolicy(c),
    });
    setEtag(c, row.version);
    return c.json(resultBody(row, ctx.viewer), 200);
  })
  .openapi(tallyInput, async (c) => {
    const row = await settledElection(c, c.req.valid("param").id);
    if (row.status !== "counted" && row.status !== "published")
      throw conflict(`The election is ${row.status}; it has not been counted yet.`, { reason: "not_counted" });
    // Ballots change only with a bump of the election's version (paper entries, counts), so that is its ETag.
    setEtag(c, row.version);
    c.header("Vary", "Accept");
    const ctx = ctxOf(c);
    if (wantsBlt(c, c.req.valid("query").format)) return c.text(await tallyInputBlt(ctx.db, row), 200);
    return c.json(await tallyInputOf(ctx, row), 200);
  })
  .openapi(result, async (c) => {
    const row = await settledElection(c, c.req.valid("param").id);
    const body = resultBody(row, ctxOf(c).viewer);
    setEtag(c, row.version);
    return c.json(body, 200);
  });
