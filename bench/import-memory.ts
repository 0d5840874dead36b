/**
 * Memory of the member import: each case runs in a fresh Node process (so peaks do not
 * mix) against a temporary libSQL file, through the real app in process, as a dry run.
 * Prints the resident memory before the request, its peak during it (the process's
 * maximum RSS), the heap right after, the answer's status and size; asserts nothing.
 *
 *   npx tsx bench/import-memory.ts
 *
 * Cases: 9.5 MiB of commas (one header row of ten million empty columns), and a realistic
 * file of 100,000 members with a membership each.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import { createApp } from "../src/app.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { defaultConfig } from "../src/deps.ts";
import { createMemoryMailer } from "../src/mail/mailer.ts";

const adminKey = "grs_benchadminkey0123456789abcdefgh";
const now = new Date("2026-11-21T10:00:00.000Z");
const mib = 1024 * 1024;

const cases: Record<string, () => string> = {
  "9.5 MiB of commas": () => ",".repeat(Math.round(9.5 * mib)),
  "100,000 members": () => {
    const first = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ali", "Fatima", "Åsa", "Örjan", "Zeynep"];
    const last = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson"];
    const lines = ["member_number,name,email,postal_code,city,membership_type,membership_starts_on"];
    for (let i = 1; i <= 100_000; i++) {
      const given = first[i % first.length] as string;
      const family = last[(i * 7) % last.length] as string;
      const postal = 11_000 + (i % 900);
      const local = `${given}.${family}.${i}`.toLowerCase().replace(/[åä]/g, "a").replace(/ö/g, "o");
      lines.push(`${i},${given} ${family},${local}@example.org,${postal},Stockholm,Active,2026-01-01`);
    }
    return `${lines.join("\r\n")}\r\n`;
  },
};

async function runCase(name: string) {
  const make = cases[name];
  if (!make) throw new Error(`no case '${name}'`);
  const directory = mkdtempSync(join(tmpdir(), "grasrot-import-memory-"));
  const client = createClient({ url: `file:${join(directory, "bench.db")}` });
  try {
    await applyMigrations(client);
    const db = createDb(client);
    await bootstrapIfEmpty(db, { slug: "demo", adminKey, now });
    const clock = { now: () => new Date(now) };
    const app = createApp({ db, mailer: createMemoryMailer(), clock, config: defaultConfig, openapiYaml: "", openapiJson: "" });
    const type = await app.request("/v1/orgs/demo/membership-types", {
      method: "POST",
      headers: { Authorization: `Bearer ${adminKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        name: "Active",
        kind: "active",
        fee: { amount: 200, currency: "SEK" },
        period: { type: "calendar_year" },
        graceDays: 30,
      }),
    });
    if (type.status !== 201) throw new Error(`creating the membership type failed: ${type.status} ${await type.text()}`);
    const body = make();
    global.gc?.();
    const before = process.memoryUsage();
    const started = performance.now();
    const response = await app.request("/v1/orgs/demo/members/import?dryRun=true", {
      method: "POST",
      headers: { Authorization: `Bearer ${adminKey}`, "Content-Type": "text/csv" },
      body,
    });
    const text = await response.text();
    const elapsed = performance.now() - started;
    const after = process.memoryUsage();
    const peak = process.resourceUsage().maxRSS * 1024;
    console.log(
      JSON.stringify({
        name,
        bodyMiB: Buffer.byteLength(body) / mib,
        status: response.status,
        answerKiB: Buffer.byteLength(text) / 1024,
        ms: Math.round(elapsed),
        rssBeforeMiB: before.rss / mib,
        peakRssMiB: peak / mib,
        heapAfterMiB: after.heapUsed / mib,
        detail: response.status === 200 ? text : ((JSON.parse(text) as { detail?: string }).detail ?? text.slice(0, 150)),
      }),
    );
  } finally {
    client.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

function main() {
  const self = fileURLToPath(import.meta.url);
  const rows: Record<string, unknown>[] = [];
  for (const name of Object.keys(cases)) {
    const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", self, "--case", name], {
      encoding: "utf8",
      timeout: 300_000,
      maxBuffer: 16 * mib,
    });
    const line = child.stdout.trim().split("\n").at(-1) ?? "";
    if (child.status !== 0 || !line.startsWith("{")) {
      console.error(`${name}: the case failed (${child.status ?? child.signal})\n${child.stderr.slice(-2000)}`);
      continue;
    }
    rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  const f = (value: unknown) => (typeof value === "number" ? value.toFixed(1) : String(value));
  console.log("case                 body MiB  status  time ms  RSS before MiB  peak RSS MiB  heap after MiB  answer KiB");
  for (const row of rows) {
    console.log(
      `${String(row.name).padEnd(20)} ${f(row.bodyMiB).padStart(8)}  ${String(row.status).padStart(6)}  ${String(row.ms).padStart(7)}  ${f(row.rssBeforeMiB).padStart(14)}  ${f(row.peakRssMiB).padStart(12)}  ${f(row.heapAfterMiB).padStart(14)}  ${f(row.answerKiB).padStart(10)}`,
    );
    console.log(`  ${String(row.detail).slice(0, 150)}`);
  }
}

const at = process.argv.indexOf("--case");
if (at !== -1) await runCase(process.argv[at + 1] as string);
else main();
