/**
 * Bundles the Worker as `wrangler deploy` would (without deploying), prints what it is made
 * of and its size, raw and gzipped, and fails above the budget. CI runs it.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * The Worker's code, gzipped: what every cold start loads and parses (241 KiB when this
 * budget was set). The libraries take about 90 KiB of it; the rest is the API's own
 * domains, without the routes' prose and schema metadata, which only the served document
 * needs (scripts/worker-source.ts). The budget is raised, on purpose and in a commit of its
 * own, when a domain is added, or when speed needs code: 253 KiB since lists and single
 * reads work out a person's standing in JavaScript and build their queries once per shape,
 * calendar reads check one mark per organisation, paper ballots, electorates and election
 * calls are written a slice at a time (251.0 KiB then), and a page of people is read as one
 * text without the columns no page shows (252.2 KiB then).
 */
const codeBudgetKiB = 253;
/**
 * The script uploaded, gzipped: the code and any module it carries besides. The OpenAPI
 * documents (which grow with the API) are static assets, outside the script
 * (src/meta/document-assets.ts); their size is printed for information.
 */
const uploadBudgetKiB = 370;

const outdir = "dist/worker";
rmSync(outdir, { recursive: true, force: true });
execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir], {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});

const base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Bytes of the output per package (or folder of src/), from the output's source map (mappings in base64 VLQ). */
function bytesBySource(code: string, map: { sources: string[]; mappings: string }): Map<string, number> {
  const names = map.sources.map((source) =>
    // drizzle-orm's own source map names its TypeScript sources as node_modules/src/….
    /node_modules\/src\//.test(source)
      ? "drizzle-orm"
      : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1] ?? /\b(src\/[^/]+|drizzle)\//.exec(source)?.[1] ?? source),
  );
  const parts = new Map<string, number>();
  const lines = code.split("\n");
  let source = 0;
  map.mappings.split(";").forEach((line, index) => {
    const segments: { column: number; source: number }[] = [];
    let column = 0;
    for (const segment of line.split(",").filter(Boolean)) {
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = base64.indexOf(char);
        value += (digit & 31) << shift;
        shift += 5;
        if ((digit & 32) === 0) {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0] ?? 0;
      if (fields.length > 1) source += fields[1] ?? 0;
      segments.push({ column, source });
    }
    const length = lines[index]?.length ?? 0;
    segments.forEach(({ column: start, source: from }, i) => {
      const name = names[from] ?? "(unknown)";
      parts.set(name, (parts.get(name) ?? 0) + (segments[i + 1]?.column ?? length) - start);
    });
  });
  return parts;
}

const kib = (bytes: number) => bytes / 1024;
const format = (bytes: number) => `${kib(bytes).toFixed(1)} KiB`;
const sizeOf = (file: string) => {
  const content = readFileSync(join(outdir, file));
  return { raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
};

// What the code is made of: bytes of the minified output per package (or per folder of src/), read
// from its source map (wrangler's map reaches through scripts/build-worker-source.ts's to src/).
const parts = bytesBySource(
  readFileSync(join(outdir, "worker.js"), "utf8"),
  JSON.parse(readFileSync(join(outdir, "worker.js.map"), "utf8")),
);
console.log("\nworker.js by source (minified, before gzip):");
for (const [name, bytes] of [...parts].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${format(bytes).padStart(10)}  ${name}`);

const code = sizeOf("worker.js");
const modules = readdirSync(outdir).filter((file) => !/^(worker\.js|README\.md)$|\.map$/.test(file));
console.log(`\nworker bundle: ${format(code.raw)} raw, ${format(code.gzip)} gzip (budget ${codeBudgetKiB} KiB gzip)`);
let upload = code.gzip;
for (const file of modules) {
  const size = sizeOf(file);
  upload += size.gzip;
  console.log(`  + ${file.replace(/^[0-9a-f]+-/, "")}: ${format(size.raw)} raw, ${format(size.gzip)} gzip (a module of the script)`);
}
for (const extension of ["json", "yaml"]) {
  const content = readFileSync(`openapi.${extension}`);
  console.log(
    `  (static asset openapi.${extension}: ${format(content.length)} raw, ${format(gzipSync(content, { level: 9 }).length)} gzip)`,
  );
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
