/// <reference types="@cloudflare/vitest-plugin/types" />
/**
 * /docs on Workers: the reference's browser bundle is a static asset (wrangler.toml [assets],
 * prepared by scripts/docs-assets.ts, here by the suite's global setup), read through the
 * ASSETS binding as the asset router in front of the Worker serves it.
 */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import committedJson from "../../openapi.json";
import { referenceBundleCacheControl, referenceBundlePath } from "../../src/meta/reference-bundle.ts";

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
});
