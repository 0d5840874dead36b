import { referenceBundlePath } from "./reference-bundle.ts";

const documentYaml = "/v1/openapi.yaml";
const documentJson = "/v1/openapi.json";

/**
 * What the bundle is told. Nothing outside the deployment is contacted: no web fonts, no
 * telemetry, no AI agent or MCP services, no request proxy ("Try it" calls this API directly).
 */
const referenceConfiguration = {
  url: documentJson,
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  documentDownloadType: "both",
  customCss: ":root { --scalar-custom-header-height: 2.5rem; }",
};

/**
 * /docs: a page of our own rather than an integration's, so every byte it loads comes from
 * this deployment. The links to the document are plain HTML, useful with scripts off.
 */
export const docsPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Grasrot API reference</title>
    <style>
      body { margin: 0; font-family: system-ui, sans-serif; }
      .document-links { position: sticky; top: 0; z-index: 10; box-sizing: border-box; height: 2.5rem; display: flex; align-items: center; gap: 1rem; padding: 0 1rem; background: #f6f6f6; border-bottom: 1px solid #ddd; font-size: 0.875rem; }
      .document-links strong { margin-right: auto; }
      noscript p { max-width: 40rem; margin: 2rem 1rem; line-height: 1.5; }
    </style>
  </head>
  <body>
    <nav class="document-links" aria-label="OpenAPI document">
      <strong>Grasrot API reference</strong>
      <a href="${documentYaml}">openapi.yaml</a>
      <a href="${documentJson}">openapi.json</a>
    </nav>
    <noscript>
      <p>The interactive reference needs JavaScript. Without it, read the OpenAPI 3.1 document itself:
        <a href="${documentYaml}">${documentYaml}</a> or <a href="${documentJson}">${documentJson}</a>.</p>
    </noscript>
    <div id="app"></div>
    <script src="${referenceBundlePath}"></script>
    <script>Scalar.createApiReference("#app", ${JSON.stringify(referenceConfiguration).replaceAll("<", "\\u003c")});</script>
  </body>
</html>
`;
