/**
 * `npm run tick -- --at 2026-12-01T06:00:00Z`: runs, once, every scheduled job whose cron
 * (wrangler.toml) is due at that instant, against the configured database (LIBSQL_URL, or
 * data/grasrot.db) and mail transport, then exits. For re-running a missed tick by hand;
 * the jobs are idempotent, so running a tick that did happen sends nothing twice.
 */
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, readConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/embedded.ts";
import { createDb } from "../src/db/index.ts";
import { systemClock } from "../src/deps.ts";
import { runScheduled } from "../src/jobs/cron-triggers.ts";
import { cronsDueAt, wranglerCrons } from "../src/jobs/in-process.ts";
import { createNodeMailer } from "../src/mail/node.ts";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({ options: { at: { type: "string" }, cron: { type: "string" } }, allowPositionals: false });
if (!values.at) fail("Usage: npm run tick -- --at <ISO 8601 instant> [--cron '<cron>']");
const at = new Date(values.at);
if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(values.at))
  fail(`--at must be an ISO 8601 instant such as 2026-12-01T06:00:00Z, not '${values.at}'`);

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env);
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}
if (!config.libsql.url) mkdirSync("data", { recursive: true });
const client = await openDatabase(config.libsql.url ?? "file:data/grasrot.db", config.libsql.authToken);
const db = createDb(client);
const mailer = createNodeMailer(config.app.mail, { db, clock: systemClock });

const crons = values.cron ? [values.cron] : cronsDueAt(wranglerCrons(), at);
let failed = 0;
for (const cron of crons) {
  const reports = await runScheduled(cron, at, { db, mailer, clock: systemClock, config: config.app });
  for (const report of reports) {
    if (!report.ok) failed += 1;
    console.log(JSON.stringify({ cron, at: at.toISOString(), ...report }));
  }
}
if (crons.length === 0) console.log(JSON.stringify({ at: at.toISOString(), due: [] }));
mailer.close?.();
client.close();
process.exit(failed > 0 ? 1 : 0);
