/**
 * What the report benchmarks share: a database with the demo organisation (kept at
 * BENCH_DB between runs, else a temporary file), seeded once, the real app over it in
 * process, and a timer that prints the median of several runs of a GET and the longest the
 * event loop was held meanwhile.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@libsql/client";
import { createApp } from "../src/app.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { openEmbedded } from "../src/db/embedded.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { defaultConfig } from "../src/deps.ts";
import { yieldToEventLoop } from "../src/lib/yield.ts";
import { createMemoryMailer } from "../src/mail/mailer.ts";
import { loopHolds, printTimes, samplesOf } from "./timing.ts";

const runs = 7;
const adminKey = "grs_benchadminkey0123456789abcdefgh";

export interface ReportBench {
  client: Client;
  /** The body of a GET that must answer 200. */
  call(path: string): Promise<string>;
  /** Prints the median of the runs of `run` under `label`. */
  time(label: string, run: () => Promise<unknown>): Promise<void>;
  runs: number;
}

export async function withReportBench(
  options: { now: Date; seed: (client: Client, orgId: string) => Promise<string> },
  body: (bench: ReportBench) => Promise<void>,
): Promise<void> {
  const { now } = options;
  const kept = process.env.BENCH_DB;
  const directory = kept ? undefined : mkdtempSync(join(tmpdir(), "grasrot-bench-"));
  // Opened as the server opens its file: long reads run on their own thread there.
  const client = await openEmbedded(`file:${kept ?? join(directory ?? "", "bench.db")}`);
  try {
    await applyMigrations(client);
    const db = createDb(client);
    const fresh = await bootstrapIfEmpty(db, { slug: "demo", adminKey, now });
    const org = (await client.execute("SELECT id FROM organisations WHERE slug = 'demo'")).rows[0]?.id as string;
    if (fresh) {
      const seeding = performance.now();
      const what = await options.seed(client, org);
      console.log(`seeded ${what} in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    }
    const app = createApp({
      db,
      mailer: createMemoryMailer(),
      clock: { now: () => now },
      config: defaultConfig,
      openapiYaml: "",
      openapiJson: "",
    });
    const call = async (path: string) => {
      const response = await app.request(path, { headers: { Authorization: `Bearer ${adminKey}` } });
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return response.text();
    };
    const time = async (label: string, run: () => Promise<unknown>) => {
      // A turn of the loop after each run, as between two requests: a hold is one run's, never several in a row.
      const alone = () => run().then(yieldToEventLoop);
      const { result: samples, gaps } = await loopHolds(() => samplesOf(alone, runs));
      printTimes(label, samples, 52, `   event loop held at most ${Math.max(0, ...gaps).toFixed(0)} ms`);
    };
    await body({ client, call, time, runs });
  } finally {
    client.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
}
