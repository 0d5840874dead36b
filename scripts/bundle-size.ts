/**
 * Bundles the Worker as `wrangler deploy` would (without deploying), prints what it is made
 * of and its size, raw and gzipped, and fails above the budget. CI runs it.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * The Worker's code, gzipped: what every cold start loads and parses. The libraries take
 * about 120 KiB of it; the rest is the API's own domains, so the budget is raised, on
 * purpose and in a commit of its own, when a domain is added (webhooks and group work
 * brought it from 250 to 300).
 */
const codeBudgetKiB = 300;
/** Everything uploaded, gzipped: the code and the OpenAPI documents it serves as text (they grow with the API). */
const uploadBudgetKiB = 450;

const outdir = "dist/worker";
rmSync(outdir, { recursive: true, force: true });
execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir, "--metafile", join(outdir, "meta.json")], {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});

const kib = (bytes: number) => bytes / 1024;
const format = (bytes: number) => `${kib(bytes).toFixed(1)} KiB`;
const sizeOf = (file: string) => {
  const content = readFileSync(join(outdir, file));
  return { raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
};

// What the code is made of: bytes in the minified output per package (or per folder of src/).
const meta = JSON.parse(readFileSync(join(outdir, "meta.json"), "utf8")) as {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
};
const parts = new Map<string, number>();
for (const [output, { inputs }] of Object.entries(meta.outputs)) {
  if (!output.endsWith("worker.js")) continue;
  for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split("/").slice(0, 2).join("/");
    parts.set(name, (parts.get(name) ?? 0) + bytesInOutput);
  }
}
console.log("\nworker.js by source (minified, before gzip):");
for (const [name, bytes] of [...parts].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${format(bytes).padStart(10)}  ${name}`);

const code = sizeOf("worker.js");
const modules = readdirSync(outdir).filter((file) => !/^(worker\.js|meta\.json|README\.md)$|\.map$/.test(file));
console.log(`\nworker bundle: ${format(code.raw)} raw, ${format(code.gzip)} gzip (budget ${codeBudgetKiB} KiB gzip)`);
let upload = code.gzip;
for (const file of modules) {
  const size = sizeOf(file);
  upload += size.gzip;
  console.log(`  + ${file.replace(/^[0-9a-f]+-/, "")}: ${format(size.raw)} raw, ${format(size.gzip)} gzip (served as text)`);
}
console.log(`upload: ${format(upload)} gzip (budget ${uploadBudgetKiB} KiB; Cloudflare's limits: 3 MiB free, 10 MiB paid)`);

const over = [
  kib(code.gzip) > codeBudgetKiB && `the worker bundle is ${format(code.gzip)} gzip, above its budget of ${codeBudgetKiB} KiB`,
  kib(upload) > uploadBudgetKiB && `the upload is ${format(upload)} gzip, above its budget of ${uploadBudgetKiB} KiB`,
].filter(Boolean);
if (over.length > 0) {
  console.error(`\n${over.join("; ")}. See what grew above; scripts/bundle-size.ts holds the budgets.`);
  process.exit(1);
}
