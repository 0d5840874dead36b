/** Bundles the Worker as `wrangler deploy` would (without deploying) and prints its size, raw and gzipped. */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const outdir = "dist/worker";
rmSync(outdir, { recursive: true, force: true });
execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir], {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
const code = readFileSync(join(outdir, "worker.js"));
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `worker bundle: ${kib(code.length)} raw, ${kib(gzipSync(code, { level: 9 }).length)} gzip (Cloudflare limits: 3 MiB gzip free, 10 MiB paid)`,
);
