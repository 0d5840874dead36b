/**
 * Where the Worker keeps the committed OpenAPI documents: as static assets (wrangler.toml
 * [assets], copied there by scripts/docs-assets.ts), not in its script, so that the
 * script every cold start loads stays small. The Worker still answers /v1/openapi.yaml and
 * /v1/openapi.json itself, with the same bytes and headers as on Node; it reads them through
 * the ASSETS binding. The asset router also serves them at these paths, as they are.
 */
export const documentAssetPaths = {
  yaml: "/docs/documents/openapi.yaml",
  json: "/docs/documents/openapi.json",
} as const;
