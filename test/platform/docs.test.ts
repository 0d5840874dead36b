import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { referenceBundleCacheControl, referenceBundlePath, referenceBundleVersion } from "../../src/meta/reference-bundle.ts";
import { installedReferencePackage, withReferenceBundle } from "../../src/meta/reference-bundle-node.ts";
import { committedOpenApiJson, testApp } from "../helpers/app.ts";

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  dependencies: Record<string, string>;
};

describe("the /docs page", () => {
  it("loads the reference from this deployment, at the bundle's versioned path, and nothing from elsewhere", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/docs", { key: null });
    expect(response.headers.get("Content-Type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain(`<script src="${referenceBundlePath}"></script>`);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("links both documents in plain HTML, and says what to do without scripts", async () => {
    const t = await testApp();
    const html = await (await t.request("GET", "/docs", { key: null })).text();
    expect(html).toContain('<a href="/v1/openapi.yaml">');
    expect(html).toContain('<a href="/v1/openapi.json">');
    expect(html).toMatch(/<noscript>[\s\S]*\/v1\/openapi\.yaml[\s\S]*<\/noscript>/);
  });

  it("names the bundle version that is installed and pinned exactly in package.json", () => {
    expect(installedReferencePackage().version).toBe(referenceBundleVersion);
    expect(packageJson.dependencies["@scalar/api-reference"]).toBe(referenceBundleVersion);
  });
});

describe("the reference bundle on Node", () => {
  const app = (request: Request) => new Response(`app: ${new URL(request.url).pathname}`);
  const fetch = withReferenceBundle(app);
  const installed = readFileSync(installedReferencePackage().bundleFile);

  it("is the installed package's standalone bundle, cached for good", async () => {
    const response = await fetch(new Request(`http://localhost${referenceBundlePath}`));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe(referenceBundleCacheControl);
    expect(Buffer.from(await response.arrayBuffer()).equals(installed)).toBe(true);
  });

  it("is sent gzipped to a browser that accepts it", async () => {
    const response = await fetch(new Request(`http://localhost${referenceBundlePath}`, { headers: { "Accept-Encoding": "gzip, br" } }));
    expect(response.headers.get("Content-Encoding")).toBe("gzip");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBeLessThan(installed.length / 2);
    expect(gunzipSync(body).equals(installed)).toBe(true);
  });

  it("leaves every other path, and other versions' paths, to the app", async () => {
    const other = referenceBundlePath.replace(referenceBundleVersion, "0.0.1");
    for (const path of ["/docs", "/v1/health", other]) {
      expect(await (await fetch(new Request(`http://localhost${path}`))).text()).toBe(`app: ${path}`);
    }
  });
});

describe("the OpenAPI documents", () => {
  it("serves the committed openapi.json as it is", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/openapi.json", { key: null });
    expect(response.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(await response.text()).toBe(committedOpenApiJson);
  });
});
