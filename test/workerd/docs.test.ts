/// <reference types="@cloudflare/vitest-plugin/types" />
/**
 * /docs on Workers: the reference's browser bundle is a static asset (wrangler.toml [assets],
 * prepared by scripts/docs-assets.ts, here by the suite's global setup), read through the
 * ASSETS binding as the asset router in front of the Worker serves it.
 */
import { createExecutionContext, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import committedJson from "../../openapi.json";
import committedYaml from "../../openapi.yaml";
import { documentAssetPaths } from "../../src/meta/document-assets.ts";
import { referenceBundleCacheControl, referenceBundlePath } from "../../src/meta/reference-bundle.ts";
import { createWorker, type Env } from "../../src/worker.ts";

describe("the API reference, served by the deployment itself", () => {
  it("serves the reference's browser bundle as a static asset, cached for good", async () => {
    const response = await (env as { ASSETS: Fetcher }).ASSETS.fetch(`https://grasrot.test${referenceBundlePath}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/javascript/);
    expect(response.headers.get("Cache-Control")).toBe(referenceBundleCacheControl);
    expect(await response.text()).toContain("createApiReference");
  });

  it("serves /docs loading that bundle, with plain links to both documents", async () => {
    const response = await SELF.fetch("https://grasrot.test/docs");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`<script src="${referenceBundlePath}">`);
    expect(html).toContain('<a href="/v1/openapi.yaml">');
    expect(html).toContain('<a href="/v1/openapi.json">');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("serves the committed openapi.json as it is", async () => {
    const response = await SELF.fetch("https://grasrot.test/v1/openapi.json");
    expect(response.headers.get("Content-Type")).toContain("application/json");
    expect(await response.text()).toBe(committedJson);
  });

  it("serves the committed openapi.yaml as it is, read from the static assets rather than the script", async () => {
    const response = await SELF.fetch("https://grasrot.test/v1/openapi.yaml");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/yaml; charset=utf-8");
    expect(await response.text()).toBe(committedYaml);
    const asset = await (env as { ASSETS: Fetcher }).ASSETS.fetch(`https://grasrot.test${documentAssetPaths.yaml}`);
    expect(await asset.text()).toBe(committedYaml);
  });

  it("answers a deployment without its document assets with a 503 problem, not a crash", async () => {
    const { ASSETS: _, ...withoutAssets } = env as Env;
    const response = await createWorker().fetch(
      new Request("https://grasrot.test/v1/openapi.json") as Request<unknown, IncomingRequestCfProperties>,
      withoutAssets as Env,
      createExecutionContext(),
    );
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("service_unavailable");
  });
});
