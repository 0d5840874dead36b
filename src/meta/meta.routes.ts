import { z } from "@hono/zod-openapi";
import { migrationLevel } from "../db/migration-level.ts";
import type { ServedDocument } from "../deps.ts";
import { createRouter, defineRoute, jsonContent, problems } from "../http/openapi.ts";
import { ApiError } from "../lib/problems.ts";
import { docsPage } from "./docs-page.ts";

const tags = ["Meta"];

const documentText = (document: ServedDocument) => (typeof document === "string" ? document : document());

const Health = z
  .object({
    status: z.enum(["ok", "migrations_pending"]),
    database: z.object({
      reachable: z.boolean(),
      migrations: z.object({
        applied: z.number().int(),
        expected: z.number().int().openapi({ description: "Migrations this build was made with." }),
        latest: z.string().nullable(),
      }),
    }),
    time: z.string(),
  })
  .openapi("Health");

const health = defineRoute({
  method: "get",
  path: "/v1/health",
  operationId: "getHealth",
  tags,
  summary: "Is the API up, its database reachable and migrated?",
  description:
    "Whether the database is reachable and how many of the migrations this build expects are applied: `status` is `ok` or `migrations_pending`. No authentication. 503 when the database cannot be reached.",
  security: [],
  responses: { 200: jsonContent(Health, "Healthy."), ...problems("service_unavailable") },
});

const openapiYaml = defineRoute({
  method: "get",
  path: "/v1/openapi.yaml",
  operationId: "getOpenApiYaml",
  tags,
  summary: "This API's OpenAPI document (YAML)",
  description:
    "The OpenAPI 3.1 document of this deployment, as YAML: every operation with its parameters, bodies, responses and problems. No authentication. The same document as JSON is at /v1/openapi.json.",
  security: [],
  responses: { 200: { description: "OpenAPI 3.1 document.", content: { "application/yaml": { schema: z.string() } } }, ...problems() },
});

const openapiJson = defineRoute({
  method: "get",
  path: "/v1/openapi.json",
  operationId: "getOpenApiJson",
  tags,
  summary: "This API's OpenAPI document (JSON)",
  description:
    "The OpenAPI 3.1 document of this deployment, as JSON: the input of client generators such as openapi-typescript. No authentication. The same document as YAML is at /v1/openapi.yaml.",
  security: [],
  responses: {
    200: { description: "OpenAPI 3.1 document.", content: { "application/json": { schema: z.object({}).passthrough() } } },
    ...problems(),
  },
});

export const metaRoutes = createRouter()
  .openapi(health, async (c) => {
    const { db, clock } = c.get("deps");
    let migrations: Awaited<ReturnType<typeof migrationLevel>>;
    try {
      // Reaches the database, and says how far it is migrated, in one statement.
      migrations = await migrationLevel(db);
    } catch (error) {
      console.error(`[${c.get("requestId")}] health check: database unreachable`, error);
      throw new ApiError("service_unavailable", "The database cannot be reached.");
    }
    const status = migrations.applied >= migrations.expected ? "ok" : "migrations_pending";
    return c.json({ status, database: { reachable: true, migrations }, time: clock.now().toISOString() } as const, 200);
  })
  .openapi(openapiYaml, async (c) =>
    c.body(await documentText(c.get("deps").openapiYaml), 200, { "Content-Type": "application/yaml; charset=utf-8" }),
  )
  // Both documents are committed text, written by `npm run openapi`: sent as they are.
  .openapi(
    openapiJson,
    async (c) => c.body(await documentText(c.get("deps").openapiJson), 200, { "Content-Type": "application/json; charset=utf-8" }) as never,
  );

metaRoutes.get("/docs", (c) => c.html(docsPage));
