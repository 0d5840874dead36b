/**
 * Prepares the Worker's static assets (wrangler.toml [assets], git-ignored): the API
 * reference's browser bundle from the installed @scalar/api-reference at its versioned path,
 * a _headers file that lets browsers keep it for good, and the committed OpenAPI documents,
 * which the Worker serves from here rather than from its script (src/meta/document-assets.ts). wrangler runs this as its [build]
 * command; the workerd test suite's global setup runs it too. Node serves the same file from
 * the package itself (src/meta/reference-bundle-node.ts).
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { documentAssetPaths } from "../src/meta/document-assets.ts";
import { referenceBundleCacheControl, referenceBundlePath } from "../src/meta/reference-bundle.ts";
import { referenceBundleFile } from "../src/meta/reference-bundle-node.ts";

export const docsAssetsDirectory = fileURLToPath(new URL("../dist/docs-assets", import.meta.url));

export function prepareDocsAssets(directory = docsAssetsDirectory): void {
  rmSync(directory, { recursive: true, force: true });
  const target = join(directory, referenceBundlePath);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(referenceBundleFile(), target);
  for (const [format, path] of Object.entries(documentAssetPaths)) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    copyFileSync(fileURLToPath(new URL(`../openapi.${format}`, import.meta.url)), join(directory, path));
  }
  writeFileSync(join(directory, "_headers"), `${dirname(referenceBundlePath)}/*\n  Cache-Control: ${referenceBundleCacheControl}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  prepareDocsAssets();
  console.log(`docs assets: ${[referenceBundlePath, ...Object.values(documentAssetPaths)].join(", ")} in ${docsAssetsDirectory}`);
}
