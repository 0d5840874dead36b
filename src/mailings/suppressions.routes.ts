import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, immutableVersion, setEtag } from "../http/etag.ts";
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
  OrgIdParams,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { Suppression, SuppressionCreate } from "./suppressions.schemas.ts";
import { addSuppression, listSuppressions, removeSuppression } from "./suppressions.service.ts";

const tags = ["Mail"];
const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mail-suppressions",
  operationId: "listMailSuppressions",
  tags,
  summary: "Addresses that are not mailed (bounces, complaints, staff decisions)",
  description:
    "Addresses no mailing reaches, with why (`hard_bounce`, `complaint`, `manual`, `smtp_permanent`, `provider_inactive`) and when, cursor-paginated. Staff or admin keys.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(Suppression, "MailSuppressionPage"), "Suppressed addresses."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/mail-suppressions",
  operationId: "addMailSuppression",
  tags,
  summary: "Suppress an address (feed bounces and complaints here)",
  description: "Adding an address that is already suppressed answers 200 with the existing entry.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, body: jsonBody(SuppressionCreate) },
  responses: {
    200: { ...jsonContent(Suppression, "Already suppressed."), headers: etagHeader },
    201: { ...jsonContent(Suppression, "Suppressed."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/mail-suppressions/{id}",
  operationId: "removeMailSuppression",
  tags,
  summary: "Mail an address again",
  description: 'A suppression never changes once made: its ETag is always `"1"`.',
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Removed." }, ...problems(...authProblems, "precondition_failed") },
});

export const suppressionRoutes = createRouter()
  .openapi(list, async (c) => c.json(await listSuppressions(ctxOf(c), c.req.valid("query")), 200))
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const { created, suppression } = await addSuppression(ctx, c.req.valid("json"));
    setEtag(c, immutableVersion);
    if (!created) return c.json(suppression, 200);
    c.header("Location", `/v1/orgs/${ctx.org.slug}/mail-suppressions/${suppression.id}`);
    return c.json(suppression, 201);
  })
  .openapi(remove, async (c) => {
    await removeSuppression(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    return c.body(null, 204);
  });
