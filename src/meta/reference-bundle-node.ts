/**
 * Node: serves the API reference's browser bundle from the installed package, in front of
 * the app, as Workers' static assets do (scripts/docs-assets.ts). Read on first request,
 * then kept in memory, plain and gzipped.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { referenceBundleCacheControl, referenceBundlePath, referenceBundleVersion } from "./reference-bundle.ts";

/** The installed @scalar/api-reference: its folder and version (its package.json is not exported). */
export function installedReferencePackage(): { directory: string; version: string; bundleFile: string } {
  const entry = createRequire(import.meta.url).resolve("@scalar/api-reference");
  let directory = dirname(entry);
  while (!directory.endsWith(join("node_modules", "@scalar", "api-reference"))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`@scalar/api-reference: no package folder above ${entry}`);
    directory = parent;
  }
  return {
    directory,
    version: (JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { version: string }).version,
    bundleFile: join(directory, "dist", "browser", "standalone.js"),
  };
}

/** The bundle file, refusing to serve one of another version than the page asks for. */
export function referenceBundleFile(): string {
  const installed = installedReferencePackage();
  if (installed.version !== referenceBundleVersion)
    throw new Error(
      `@scalar/api-reference ${installed.version} is installed, but src/meta/reference-bundle.ts names ${referenceBundleVersion}; keep them (and package.json) in step`,
    );
  return installed.bundleFile;
}

type Fetch = (request: Request, ...rest: never[]) => Response | Promise<Response>;

/** Wraps the app's fetch: the bundle's path is answered here, everything else by the app. */
export function withReferenceBundle<F extends Fetch>(fetch: F): F {
  let bundle: Promise<{ plain: Buffer; gzipped: Buffer }> | undefined;
  const load = async () => {
    const plain = await readFile(referenceBundleFile());
    return { plain, gzipped: await promisify(gzip)(plain, { level: 9 }) };
  };
  return (async (request: Request, ...rest: never[]) => {
    const { pathname } = new URL(request.url);
    if (pathname !== referenceBundlePath || (request.method !== "GET" && request.method !== "HEAD")) return fetch(request, ...rest);
    bundle ??= load().catch((error: unknown) => {
      bundle = undefined;
      throw error;
    });
    const { plain, gzipped } = await bundle;
    const useGzip = /\bgzip\b/.test(request.headers.get("Accept-Encoding") ?? "");
    const body = useGzip ? gzipped : plain;
    const headers = new Headers({
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": referenceBundleCacheControl,
      "Content-Length": String(body.length),
      Vary: "Accept-Encoding",
    });
    if (useGzip) headers.set("Content-Encoding", "gzip");
    return new Response(request.method === "HEAD" ? null : new Uint8Array(body), { headers });
  }) as F;
}
