/**
 * `npm run bench:mailings:workers [-- --recipients 100000]`: fans one mailing out on the
 * Workers path. The Worker as wrangler.toml builds it runs in workerd (wrangler's local
 * runtime, miniflare), with the mail queue of wrangler.toml simulated by miniflare: the
 * scheduled tick plans the mailing and hands its rows to the queue in rounds, and the Worker's
 * own queue consumer sends each round through the outbox transport (every message written
 * whole to the local outbox table). The database is an embedded libSQL file reached through
 * the local bridge (Hrana over HTTP, as the Worker reaches Turso in production). As Cron
 * Triggers would, the bench runs a tick at once and another every minute until the mailing is
 * sent. Prints the time taken, recipients per second, and the database statements (and HTTP
 * round trips) per 1,000 recipients, counted at the bridge. If the full count takes too long
 * here, run fewer `--recipients`: the figures for 100,000 are then extrapolated, and say so.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { contextOf } from "../src/access/context.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { openEmbedded } from "../src/db/embedded.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { createMailing } from "../src/mailings/mailings.service.ts";
import { orgIdOf, seedMembers } from "../test/mailings/seed.ts";
import { type BridgedWorker, startBridgedWorker } from "./workers-runtime.ts";

const { values } = parseArgs({ options: { recipients: { type: "string", default: "100000" } } });
const recipientCount = Number(values.recipients);
if (!Number.isInteger(recipientCount) || recipientCount < 1)
  throw new Error(`--recipients must be a positive integer, not ${values.recipients}`);
const target = 100_000;
const tickEveryMs = 60_000;
/** Three times the time the mailing must be handed over in: past it the bench stops and says how far it got. */
const giveUpAfterMs = 30 * 60_000;

const directory = mkdtempSync(join(tmpdir(), "grasrot-bench-workers-"));
const seedClient = await openEmbedded(`file:${join(directory, "bench.db")}`);
await applyMigrations(seedClient);
const setupDb = createDb(seedClient);
// The Worker reads the system clock, so the mailing is due now rather than at a fixed instant.
const createdAt = new Date(Date.now() - 120_000);
await bootstrapIfEmpty(setupDb, { slug: "demo", now: createdAt });
const orgId = await orgIdOf(seedClient);

let started = performance.now();
await seedMembers(
  seedClient,
  orgId,
  Array.from({ length: recipientCount }, (_, i) => ({
    name: `Member ${i}`,
    email: `member${i}@example.org`,
    consentNewsletters: i % 50 !== 0,
  })),
);
console.log(`seeded ${recipientCount} members in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const org = { id: orgId, slug: "demo", timeZone: "Europe/Stockholm" };
const benchKey = { kind: "api_key", keyId: "bench", orgId, role: "staff" } as const;
const mailing = await createMailing(contextOf({ db: setupDb, org, principal: benchKey, now: createdAt }), {
  input: {
    subject: "News for {{member.firstName}}",
    text: "Hello {{member.name}},\n\nThe autumn campaign starts now.\n\nUnsubscribe: {{unsubscribeUrl}}\n",
    html: '<p>Hello {{member.name}},</p><p>The autumn campaign starts now.</p><p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>',
    category: "newsletters",
    audience: { type: "all_members" },
    sendAt: new Date(createdAt.getTime() + 60_000).toISOString(),
  },
});

// The bench's own look at the mailing goes to the file directly, not through the bridge, so it is not counted.
const status = async () =>
  String((await seedClient.execute({ sql: "SELECT status FROM mailings WHERE id = ?", args: [mailing.id] })).rows[0]?.status);

let running: BridgedWorker | undefined;
try {
  // Statements are counted where they arrive, at the bridge (comparable with bench:mailings, which counts the client's).
  running = await startBridgedWorker({
    directory,
    database: "bench",
    bindings: { GRASROT_MAIL_TRANSPORT: "outbox", GRASROT_PUBLIC_URL: "https://api.example.org" },
  });
  const { worker } = running;
  started = performance.now();
  let ticks = 0;
  let firstTickMs = 0;
  let nextTickAt = started;
  while ((await status()) !== "sent") {
    if (performance.now() - started > giveUpAfterMs) {
      const sent = await seedClient.execute({
        sql: "SELECT count(*) AS n FROM mailing_deliveries WHERE mailing_id = ? AND status = 'sent'",
        args: [mailing.id],
      });
      throw new Error(`the mailing was not sent within ${giveUpAfterMs / 60_000} minutes: ${sent.rows[0]?.n} recipients sent`);
    }
    if (performance.now() >= nextTickAt) {
      ticks += 1;
      nextTickAt += tickEveryMs;
      const tickStarted = performance.now();
      // Miniflare's trigger endpoint runs the Worker's `scheduled` as Cron Triggers would, and answers when it is done.
      const tick = await worker.fetch(
        `http://localhost/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${Date.now()}&format=json`,
      );
      if (!tick.ok) throw new Error(`the tick failed: ${tick.status} ${await tick.text()}`);
      if (ticks === 1) firstTickMs = performance.now() - tickStarted;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const totalMs = performance.now() - started;

  const byStatus = await seedClient.execute({
    sql: "SELECT status, count(*) AS n FROM mailing_deliveries WHERE mailing_id = ? GROUP BY status",
    args: [mailing.id],
  });
  const queued = await seedClient.execute({
    sql: "SELECT count(DISTINCT claimed_by) AS tokens, sum(claimed_by LIKE 'queue:%') AS rows FROM mailing_deliveries WHERE mailing_id = ?",
    args: [mailing.id],
  });
  const outbox = await seedClient.execute("SELECT count(*) AS n FROM mail_outbox");
  const countOf = (name: string) => Number(byStatus.rows.find((r) => r.status === name)?.n ?? 0);
  const recipients = byStatus.rows.reduce((sum, r) => sum + Number(r.n), 0);
  const perSecond = recipients / (totalMs / 1000);

  console.log(
    `mailing to ${recipients} recipients (${countOf("sent")} sent, ${countOf("suppressed")} left out for consent), outbox transport, Worker in workerd (miniflare) with its mail queue simulated, database through the local bridge`,
  );
  console.log(
    `  time:                      ${(totalMs / 1000).toFixed(2)} s over ${ticks} tick(s) (the first tick, which plans the mailing and hands it to the queue: ${(firstTickMs / 1000).toFixed(2)} s)`,
  );
  console.log(`  recipients per second:     ${perSecond.toFixed(0)}`);
  console.log(`  per 1,000 recipients:      ${(totalMs / (recipients / 1000)).toFixed(0)} ms`);
  const counts = running.counts();
  console.log(
    `  statements:                ${counts.statements} (${((counts.statements / recipients) * 1000).toFixed(1)} per 1,000 recipients)`,
  );
  console.log(
    `  round trips:               ${counts.roundTrips} (${((counts.roundTrips / recipients) * 1000).toFixed(1)} per 1,000 recipients)`,
  );
  console.log(`  deliveries by status:      ${byStatus.rows.map((r) => `${r.status} ${r.n}`).join(", ")}`);
  console.log(`  through the queue:         ${queued.rows[0]?.rows} rows under ${queued.rows[0]?.tokens} hand-over(s)`);
  console.log(`  messages in the outbox:    ${outbox.rows[0]?.n}; mailing ${await status()}`);
  if (recipients < target) {
    console.log(
      `  EXTRAPOLATED to ${target.toLocaleString("en")} recipients at this rate (not measured): ${(target / perSecond / 60).toFixed(1)} min`,
    );
  }
} finally {
  await running?.close();
  seedClient.close();
  rmSync(directory, { recursive: true, force: true });
}
