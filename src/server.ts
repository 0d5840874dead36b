/**
 * Node entry: the embedded default. An embedded libSQL file under data/ (or LIBSQL_URL),
 * migrations applied at start, the API on PORT, and the cron schedule run in process.
 * With GRASROT_WORKERS above 1, this process migrates, bootstraps and runs the cron, and
 * that many worker processes (node:cluster) serve the API on one port over the same file.
 */
import cluster from "node:cluster";
import { mkdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { bootstrapIfEmpty } from "./bootstrap.ts";
import { ConfigError, readConfig } from "./config.ts";
import { checkpointWhenWorkersAsk, startCheckpoints } from "./db/checkpoints.ts";
import { embeddedFilePath, openDatabase } from "./db/embedded.ts";
import { createDb } from "./db/index.ts";
import { applyMigrations } from "./db/migrate.ts";
import { systemClock } from "./deps.ts";
import { startInProcessCron } from "./jobs/in-process.ts";
import { createNodeMailer } from "./mail/node.ts";
import { withReferenceBundle } from "./meta/reference-bundle-node.ts";
import { createThreadCounter } from "./tally/thread-runner.ts";

/** GRASROT_WORKERS: processes serving the API (default 1: this one; `auto`: one per core, at most 16). */
function workerCount(): number {
  const raw = process.env.GRASROT_WORKERS ?? "1";
  if (raw === "auto") return Math.min(16, availableParallelism());
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 16)
    throw new ConfigError(`GRASROT_WORKERS must be a whole number from 1 to 16, or auto, not '${raw}'`);
  return count;
}

/** The cluster's first process: forks the workers, and forks again when one stops unasked. */
function runWorkers(count: number, onStop: () => void) {
  let stopping = false;
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} stopped (${signal ?? code}); starting another`);
    cluster.fork();
  });
  const shutdown = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    onStop();
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

async function main() {
  const config = readConfig(process.env);
  const port = Number(process.env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, not '${process.env.PORT}'`);
  const workers = workerCount();
  // The one process that migrates, bootstraps and runs the schedule; with workers, it serves nothing.
  const leading = cluster.isPrimary;

  let url = config.libsql.url;
  if (!url) {
    mkdirSync("data", { recursive: true });
    url = "file:data/grasrot.db";
  }
  const client = await openDatabase(url, config.libsql.authToken);
  if (leading) await applyMigrations(client);
  // The write-ahead log is copied back into the file from a thread, never inside a commit on the
  // event loop: one thread for the file, in the first process, whatever the number of workers.
  const path = embeddedFilePath(url);
  const checkpoints = leading && path !== undefined ? startCheckpoints(path) : undefined;
  const db = createDb(client);
  const clock = systemClock;
  // Unsubscribe links of the embedded default point at this server unless told otherwise.
  const appConfig = process.env.GRASROT_PUBLIC_URL ? config.app : { ...config.app, publicUrl: `http://localhost:${port || 8787}` };
  const mailer = createNodeMailer(appConfig.mail, { db, clock });
  // Large counts (POST /v1/tally, an election's count) run in worker threads, off the event loop.
  const counter = createThreadCounter();

  const boot = leading
    ? await bootstrapIfEmpty(db, { slug: process.env.GRASROT_ORG, adminKey: process.env.GRASROT_ADMIN_KEY, now: clock.now() })
    : undefined;
  const cron = leading ? startInProcessCron({ db, mailer, clock, config: appConfig, counter }) : { stop: async () => {} };
  if (leading && workers > 1) {
    if (boot)
      console.log(`\n  First start: created organisation '${boot.slug}' with an admin API key, shown only now:\n\n    ${boot.adminKey}\n`);
    console.log(`Grasrot: ${workers} worker processes over ${url}`);
    checkpointWhenWorkersAsk();
    runWorkers(workers, async () => {
      // The mail rounds in hand are finished and recorded first.
      await cron.stop();
      mailer.close?.();
      void counter.close();
      await checkpoints?.stop();
      client.close();
      process.exit(0);
    });
    return;
  }
  // Built only where it serves: with workers, the first process has no use for it.
  const openapiYaml = readFileSync(new URL("../openapi.yaml", import.meta.url), "utf8");
  const openapiJson = readFileSync(new URL("../openapi.json", import.meta.url), "utf8");
  const app = createApp({ db, mailer, clock, config: appConfig, openapiYaml, openapiJson, counter });
  const server = serve({ fetch: withReferenceBundle(app.fetch), port, hostname: process.env.HOST ?? "0.0.0.0" }, (info) => {
    const base = `http://localhost:${info.port}`;
    console.log(`Grasrot API on ${base} (database ${url})`);
    console.log(`  API reference: ${base}/docs`);
    console.log(
      `  Mail transport: ${appConfig.mail.transport}${appConfig.mail.transport === "outbox" ? ` (read it at GET /v1/orgs/{org}/outbox)` : ""}`,
    );
    if (boot) {
      console.log(`\n  First start: created organisation '${boot.slug}' with an admin API key, shown only now:\n`);
      console.log(`    ${boot.adminKey}\n`);
      console.log(`  Try: curl -H 'Authorization: Bearer ${boot.adminKey}' ${base}/v1/orgs/${boot.slug}\n`);
    }
  });

  const shutdown = async () => {
    // The mail rounds in hand are finished and recorded first.
    await cron.stop();
    mailer.close?.();
    void counter.close();
    await checkpoints?.stop();
    server.close(() => {
      client.close();
      process.exit(0);
    });
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
