import type { App } from "../app.ts";

export const apiInfo = {
  title: "Grasrot API",
  version: "1.0.0",
  description:
    "Members and fees, local and district groups, the calendar, elections of representatives and mailings of civic and political membership organisations.\n\n" +
    "Errors are `application/problem+json` (RFC 9457) with a stable `code`. Lists are cursor-paginated (`limit`, `cursor` → `nextCursor`). " +
    "Single resources carry an `ETag`; send it back as `If-Match` on updates. Creating POSTs accept an `Idempotency-Key`.",
  license: { name: "AGPL-3.0-or-later", identifier: "AGPL-3.0-or-later" },
};

/** The OpenAPI 3.1 document of the app: what `npm run openapi` writes to openapi.yaml. */
export function buildOpenApiDocument(app: App) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An organisation's API key (`grs_…`), or the deployment operator's key for operator routes.",
  });
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: apiInfo,
    // Relative: the API is wherever this document is served from (npm start, wrangler dev, a deployment).
    servers: [{ url: "/", description: "This deployment" }],
    tags: [
      { name: "Meta", description: "Health and this document." },
      { name: "Organisations", description: "Tenants. Everything else lives under one." },
      { name: "API keys", description: "Keys of an organisation, with roles admin, staff and readonly." },
    ],
  });
}
