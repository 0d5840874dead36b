import type { Context } from "hono";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import type { AppEnv } from "../http/env.ts";
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
import { PageQuery, pageOf } from "../http/pagination.ts";
import {
  WebhookEndpointCreate,
  WebhookEndpointCreated,
  WebhookEndpointPublic,
  WebhookEndpointUpdate,
  WebhookSecretRotated,
} from "./endpoints.schemas.ts";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateSecret,
  toEndpointPublic,
  updateEndpoint,
} from "./endpoints.service.ts";

const tags = ["Webhooks"];
/** Endpoints hold signing secrets and receive personal data: like API keys, they are the admins' to manage and read. */
const adminOnly = [requireRole("admin")];

const deliveryDoc =
  "Each subscribed event is POSTed as JSON `{ type, timestamp, data: { id, … } }`, signed per the Standard Webhooks " +
  "specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`). A 2xx answer within 10 seconds counts as " +
  "delivered; anything else is retried with backoff (8 attempts over about 18 hours). Redirects are not followed. " +
  "After 15 failed attempts in a row spanning at least a day the endpoint is disabled and the organisation's contact " +
  "address is told.";

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/webhooks",
  operationId: "listWebhookEndpoints",
  tags,
  summary: "List webhook endpoints",
  description: "The organisation's webhook endpoints, oldest first, without their secrets. Admin keys only.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgParams, query: PageQuery },
  responses: {
    200: jsonContent(pageOf(WebhookEndpointPublic, "WebhookEndpointPage"), "Endpoints."),
    ...problems(...authProblems),
  },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/webhooks",
  operationId: "createWebhookEndpoint",
  tags,
  summary: "Subscribe an endpoint to events; its secret is shown once",
  description: `${deliveryDoc} The URL must be https on a public host (422 on \`body.url\` otherwise).`,
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgParams, body: jsonBody(WebhookEndpointCreate) },
  responses: {
    201: {
      ...jsonContent(WebhookEndpointCreated, "The endpoint, with its signing secret."),
      headers: { ...etagHeader, ...locationHeader("endpoint") },
    },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused", "conflict"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/webhooks/{id}",
  operationId: "getWebhookEndpoint",
  tags,
  summary: "Read a webhook endpoint (without its secret)",
  description: "Whether it is enabled, and if it was disabled automatically, why.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(WebhookEndpointPublic, "The endpoint."), headers: etagHeader }, ...problems(...authProblems) },
});

const update = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/webhooks/{id}",
  operationId: "updateWebhookEndpoint",
  tags,
  summary: "Change a webhook endpoint, or enable or disable it",
  description:
    "`enabled: true` enables a disabled endpoint: the deliveries it had pending are sent from the next minute on (changes " +
    "made while it was disabled were not queued for it), and its " +
    "failure count starts afresh.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(WebhookEndpointUpdate) },
  responses: {
    200: { ...jsonContent(WebhookEndpointPublic, "The updated endpoint."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/webhooks/{id}",
  operationId: "deleteWebhookEndpoint",
  tags,
  summary: "Delete a webhook endpoint",
  description: "Its deliveries, sent or waiting, are deleted with it.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Deleted." }, ...problems(...authProblems, "precondition_failed") },
});

const rotate = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/webhooks/{id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  tags,
  summary: "Give a webhook endpoint a new secret; shown once",
  description:
    "For 24 hours deliveries carry two signatures, by the new and the old secret, so the receiver can switch over " +
    "without refusing a delivery.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(WebhookSecretRotated, "The endpoint, with its new secret."), headers: etagHeader },
    ...problems(...authProblems, "precondition_failed", "conflict"),
  },
});

const urlRules = (c: Context<AppEnv>) => ({ allowPrivate: c.get("deps").config.webhooksAllowPrivate ?? false });

export const endpointRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await listEndpoints(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createEndpoint(ctx, { input: c.req.valid("json"), rules: urlRules(c) });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/webhooks/${row.id}`);
    // The secret is shown once: no cache, and no stored replay, keeps a copy.
    c.header("Cache-Control", "no-store");
    setEtag(c, row.version);
    return c.json({ ...toEndpointPublic(row), secret: row.secret }, 201);
  })
  .openapi(get, async (c) => {
    const row = await getEndpoint(ctxOf(c), { id: c.req.valid("param").id });
    setEtag(c, row.version);
    return c.json(toEndpointPublic(row), 200);
  })
  .openapi(update, async (c) => {
    const row = await updateEndpoint(ctxOf(c), {
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
      expected: expectedVersion(c),
      rules: urlRules(c),
    });
    setEtag(c, row.version);
    return c.json(toEndpointPublic(row), 200);
  })
  .openapi(remove, async (c) => {
    await deleteEndpoint(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    return c.body(null, 204);
  })
  .openapi(rotate, async (c) => {
    const { row, previousSecretValidUntil } = await rotateSecret(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    c.header("Cache-Control", "no-store");
    setEtag(c, row.version);
    return c.json({ ...toEndpointPublic(row), secret: row.secret, previousSecretValidUntil }, 200);
  });
