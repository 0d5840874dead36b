import { requireRole } from "../http/auth.ts";
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
import { PageQuery, pageOf } from "../http/pagination.ts";
import { ApiKeyCreate, ApiKeyCreated, ApiKeyPublic } from "./keys.schemas.ts";
import { createApiKey, getApiKey, listApiKeys, revokeApiKey, toApiKeyPublic } from "./keys.service.ts";

const tags = ["API keys"];
const adminOnly = [requireRole("admin")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/api-keys",
  operationId: "listApiKeys",
  tags,
  summary: "List the organisation's API keys (without secrets)",
  description:
    "The organisation's API keys with their name, role, prefix and when they were created and revoked; never a secret (only its hash is stored). Admin keys only.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgParams, query: PageQuery },
  responses: {
    200: jsonContent(pageOf(ApiKeyPublic, "ApiKeyPage"), "Keys, oldest first, revoked ones included."),
    ...problems(...authProblems),
  },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/api-keys",
  operationId: "createApiKey",
  tags,
  summary: "Create an API key; its secret is shown once",
  description:
    "Creates a key with a role (`admin`, `staff` or `readonly`). The answer holds the secret, shown this once and never stored (sent with `Cache-Control: no-store`); a retry with the same Idempotency-Key is a 409 pointing at the key. Admin keys only.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgParams, body: jsonBody(ApiKeyCreate) },
  responses: {
    201: {
      ...jsonContent(ApiKeyCreated, "The key, with its secret."),
      headers: { ...etagHeader, ...locationHeader("key") },
    },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused", "conflict"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/api-keys/{id}",
  operationId: "getApiKey",
  tags,
  summary: "Read an API key (without its secret)",
  description: "One API key's name, role, prefix, creation and revocation, with its ETag; never the secret. Admin keys only.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(ApiKeyPublic, "The key."), headers: etagHeader }, ...problems(...authProblems) },
});

const revoke = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/api-keys/{id}",
  operationId: "revokeApiKey",
  tags,
  summary: "Revoke an API key",
  description: "The key stops working at once. The last active admin key cannot be revoked (409).",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    204: { description: "Revoked (also when it already was)." },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

export const apiKeyRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await listApiKeys(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const { key, version } = await createApiKey(ctx, c.req.valid("json"));
    c.header("Location", `/v1/orgs/${ctx.org.slug}/api-keys/${key.id}`);
    // The secret is shown once: no cache, and no stored replay, keeps a copy.
    c.header("Cache-Control", "no-store");
    setEtag(c, version);
    return c.json(key, 201);
  })
  .openapi(get, async (c) => {
    const row = await getApiKey(ctxOf(c), c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(toApiKeyPublic(row), 200);
  })
  .openapi(revoke, async (c) => {
    await revokeApiKey(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    return c.body(null, 204);
  });
