import { z } from "@hono/zod-openapi";
import { memberIdOf } from "../access/viewer.ts";
import { requireVersion } from "../db/versions.ts";
import { requireMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, immutableVersion, setEtag } from "../http/etag.ts";
import { readListBody } from "../http/list-body.ts";
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
  selfReadJson,
  withoutIdempotency,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { countUploadMaxBytes } from "../tally/tally.routes.ts";
import {
  BallotCast,
  BallotReceipt,
  PaperBallot,
  PaperBallots,
  PaperBallotsEnvelope,
  PaperBatch,
  Receipt,
  ReceiptParams,
  VoterStatus,
} from "./ballots.schemas.ts";
import {
  castBallot,
  deletePaperBatch,
  enterPaperBallots,
  findReceipt,
  listReceipts,
  requireReceiptsVisible,
  voterStatus,
} from "./ballots.service.ts";
import { getElectionRow } from "./elections.service.ts";
import { requestPolicy, settledElection, staffOnly } from "./route-parts.ts";

const tags = ["Voting"];
const optionalAuth = [{ bearerAuth: [] }, {}] as Record<string, string[]>[];

const castDefinition = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/ballots",
  operationId: "castBallot",
  tags,
  summary: "Cast your ballot (member)",
  description:
    "One ballot per voter in the electorate, while voting is open. The ballot is checked against the method first " +
    "(422: unknown or withdrawn candidates, a candidate twice, equal rankings the method cannot count, more marks than allowed) " +
    "and nothing is stored if it fails. Answers 201 with a receipt code, shown only here: its SHA-256 is listed with the " +
    "published result so the voter can see their ballot was counted. 409 when already voted (reason `already_voted`), outside " +
    "the voting period, or not in the electorate (reason from the membership on the cut-off day). The stored ballot has no link " +
    "to the voter. Idempotency-Key is ignored here: keeping the response would keep the receipt beside the voter's name; " +
    "a retry is answered 409 `already_voted` instead.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgIdParams, body: jsonBody(BallotCast) },
  responses: {
    201: { ...jsonContent(BallotReceipt, "The ballot is stored; keep the receipt code."), headers: locationHeader("receipt (its hash)") },
    ...problems(...authProblems, ...bodyProblems, "conflict"),
  },
});
const cast = withoutIdempotency(castDefinition);

const paper = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/elections/{id}/paper-ballots",
  operationId: "enterPaperBallots",
  tags,
  summary: "Enter paper or meeting ballots in bulk (staff)",
  description:
    "JSON (`{ ballots: [{ weight, ranking }] }`, candidate ids) or a BLT file (`Content-Type: text/plain`; its candidates are " +
    "matched by candidate id, or by name where unique; its seats and [tie] are ignored). All ballots are checked as online " +
    "ones are, and stored all or none, while voting is open or closed and until published. A counted election is counted again. " +
    `The body may be up to ${countUploadMaxBytes / 1024 / 1024} MiB.`,
  security: bearerSecurity,
  middleware: staffOnly,
  request: {
    params: OrgIdParams,
    body: {
      required: true,
      content: {
        "application/json": { schema: PaperBallots },
        "text/plain": { schema: { type: "string", description: "A BLT ballot file." } },
      },
    },
  },
  responses: {
    201: { ...jsonContent(PaperBatch, "The entry."), headers: { ...etagHeader, ...locationHeader("batch (for DELETE)") } },
    ...problems(...authProblems, ...bodyProblems, "conflict", "idempotency_key_reused"),
  },
});

const BatchParams = OrgIdParams.extend({ batchId: z.uuid().openapi({ param: { name: "batchId", in: "path" } }) });

const removeBatch = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/elections/{id}/paper-ballots/{batchId}",
  operationId: "deletePaperBallots",
  tags,
  summary: "Remove a mistaken bulk entry of paper ballots (staff)",
  description: 'Until the result is published; a counted election is counted again. An entry never changes: its ETag is always `"1"`.',
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: BatchParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Removed." }, ...problems(...authProblems, "conflict", "precondition_failed") },
});

const receipts = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}/receipts",
  operationId: "listReceipts",
  tags,
  summary: "The receipt hashes of the online ballots counted, sorted",
  description:
    "Public once the result is published (staff: once counted), and readable without signing in, so checking one's receipt links " +
    "nobody to a ballot. The result's `receipts.digest` is the SHA-256 of this whole list joined by newlines.",
  security: optionalAuth,
  request: { params: OrgIdParams, query: PageQuery },
  responses: {
    200: jsonContent(pageOf(Receipt, "ReceiptPage"), "Receipt hashes in ascending order."),
    ...problems("not_found", "conflict", "validation_failed", "unauthorized"),
  },
});

const receipt = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}/receipts/{hash}",
  operationId: "getReceipt",
  tags,
  summary: "Check one receipt: 200 when a counted ballot carries it, 404 when none does",
  description: "Send the SHA-256 of your receipt code, computed on your own device; readable without signing in.",
  security: optionalAuth,
  request: { params: ReceiptParams },
  responses: {
    200: { ...jsonContent(Receipt, "Counted."), headers: etagHeader },
    ...problems("not_found", "conflict", "validation_failed", "unauthorized"),
  },
});

const voter = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/elections/{id}/voter",
  operationId: "getMyVoterStatus",
  tags,
  summary: "Am I in the electorate, and have I voted? (member)",
  description:
    "Whether the signed-in member is in the electorate (fixed when voting opens), and if not why, and whether they have voted; never how. A member token only.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgIdParams },
  responses: { 200: jsonContent(VoterStatus, "The member's own status."), ...problems(...authProblems) },
});

/** Receipts are read without credentials too; a member token or key may still be sent. */
async function electionForReceipts(c: Parameters<typeof settledElection>[0], id: string) {
  const ctx = ctxOf(c);
  // Anonymous callers see what members see: nothing before publication, no drafts.
  const row = ctx.viewer.kind === "anonymous" ? await getElectionRow(ctx, id) : await settledElection(c, id);
  requireReceiptsVisible(row, ctx.viewer);
  return row;
}

const castRoutes = createRouter().openapi(cast, async (c) => {
  const ctx = ctxOf(c);
  const memberId = memberIdOf(ctx.viewer);
  const row = await settledElection(c, c.req.valid("param").id);
  const receiptBody = await castBallot(ctx, { election: row, memberId, ranking: c.req.valid("json").ranking });
  c.header("Location", `/v1/orgs/${ctx.org.slug}/elections/${row.id}/receipts/${receiptBody.receiptHash}`);
  c.header("Cache-Control", "no-store");
  return c.json(receiptBody, 201);
});

/**
 * The paper route's JSON body is not checked by the router but read by the handler
 * (readListBody), a slice of the list at a time, so that a full upload does not hold the
 * event loop.
 */
const { documented: paperDocumented, served: paperServed } = selfReadJson(paper);
castRoutes.openAPIRegistry.registerPath(paperDocumented);

export const ballotRoutes = castRoutes
  .openapi(paperServed, async (c) => {
    const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
    const text = await c.req.text();
    // The body is checked before the election is looked for, as the router checks bodies.
    const json =
      mediaType === "text/plain"
        ? undefined
        : (await readListBody(text, { envelope: PaperBallotsEnvelope, key: "ballots", item: PaperBallot })).map((b) => ({
            weight: b.weight ?? 1,
            ranking: b.ranking,
          }));
    const ctx = ctxOf(c);
    const row = await settledElection(c, c.req.valid("param").id);
    const input = json ? { json } : { blt: text };
    const { election: _after, ...entered } = await enterPaperBallots(ctx, { election: row, input, policy: requestPolicy(c) });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/elections/${row.id}/paper-ballots/${entered.batchId}`);
    setEtag(c, immutableVersion);
    return c.json(entered, 201);
  })
  .openapi(removeBatch, async (c) => {
    const { id, batchId } = c.req.valid("param");
    requireVersion(expectedVersion(c), immutableVersion);
    await deletePaperBatch(ctxOf(c), { election: await settledElection(c, id), batchId, policy: requestPolicy(c) });
    return c.body(null, 204);
  })
  .openapi(receipts, async (c) => {
    const row = await electionForReceipts(c, c.req.valid("param").id);
    return c.json(await listReceipts(ctxOf(c), { electionId: row.id, ...c.req.valid("query") }), 200);
  })
  .openapi(receipt, async (c) => {
    const { id, hash } = c.req.valid("param");
    const row = await electionForReceipts(c, id);
    const found = await findReceipt(ctxOf(c), { electionId: row.id, hash });
    setEtag(c, immutableVersion);
    return c.json(found, 200);
  })
  .openapi(voter, async (c) => {
    const ctx = ctxOf(c);
    const memberId = memberIdOf(ctx.viewer);
    const row = await settledElection(c, c.req.valid("param").id);
    return c.json(await voterStatus(ctx, { election: row, memberId }), 200);
  });
