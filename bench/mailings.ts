/**
 * `npm run bench:mailings [-- --members 100000 --lanes 4]`: fans one mailing out to 100,000
 * members on an embedded libSQL file, as the Node server does: the tick plans it, then the
 * in-process sender sends until nothing is due, through the outbox transport (every message
 * written whole to the local outbox). Prints recipients per second, the time taken, the
 * database statements (and round trips) per 1,000 recipients, counted by wrapping the libSQL
 * client's execute and batch, and the longest the event loop was held meanwhile (what every
 * other request of the server would have waited). The database is the embedded client the
 * server opens (src/db/embedded.ts).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Client } from "@libsql/client";
import { contextOf } from "../src/access/context.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { startCheckpoints } from "../src/db/checkpoints.ts";
import { openEmbedded } from "../src/db/embedded.ts";
import { createDb } from "../src/db/index.ts";
import { longBatchTransactionsOf, serveLongBatchTransactions } from "../src/db/long-batches.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { defaultConfig } from "../src/deps.ts";
import { createMailSender } from "../src/jobs/in-process.ts";
import { mailingJobs } from "../src/jobs/mailings.ts";
import { createOutboxMailer } from "../src/mail/outbox.ts";
import { type DeliverReport, drainLanes } from "../src/mailings/deliver.ts";
import { createMailing } from "../src/mailings/mailings.service.ts";
import { orgIdOf, seedMembers } from "../test/mailings/seed.ts";
import { loopHolds } from "./timing.ts";

const { values } = parseArgs({
  options: { members: { type: "string", default: "100000" }, lanes: { type: "string", default: String(drainLanes) } },
});
const memberCount = Number(values.members);
const lanes = Number(values.lanes);

const counts = { statements: 0, roundTrips: 0 };
function counting(client: Client): Client {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "execute") {
        return (...args: Parameters<Client["execute"]>) => {
          counts.statements += 1;
          counts.roundTrips += 1;
          return target.execute(...args);
        };
      }
      if (property === "batch") {
        return (statements: Parameters<Client["batch"]>[0], mode?: Parameters<Client["batch"]>[1]) => {
          counts.statements += statements.length;
          counts.roundTrips += 1;
          return target.batch(statements, mode);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const directory = mkdtempSync(join(tmpdir(), "grasrot-bench-"));
const raw = await openEmbedded(`file:${join(directory, "bench.db")}`);
// The server's checkpoint thread (src/server.ts): the rounds' long log is copied into the file there, not in a commit.
const checkpoints = startCheckpoints(join(directory, "bench.db"));
await applyMigrations(raw);
const setupDb = createDb(raw);
const now = new Date("2026-11-21T08:00:00Z");
await bootstrapIfEmpty(setupDb, { slug: "demo", now });
const orgId = await orgIdOf(raw);

let started = performance.now();
await seedMembers(
  raw,
  orgId,
  Array.from({ length: memberCount }, (_, i) => ({
    name: `Member ${i}`,
    email: `member${i}@example.org`,
    consentNewsletters: i % 50 !== 0,
  })),
);
console.log(`seeded ${memberCount} members in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const org = { id: orgId, slug: "demo", timeZone: "Europe/Stockholm" };
const benchKey = { kind: "api_key", keyId: "bench", orgId, role: "staff" } as const;
const mailing = await createMailing(contextOf({ db: setupDb, org, principal: benchKey, now }), {
  input: {
    subject: "News for {{member.firstName}}",
    text: "Hello {{member.name}},\n\nThe autumn campaign starts now.\n\nUnsubscribe: {{unsubscribeUrl}}\n",
    html: '<p>Hello {{member.name}},</p><p>The autumn campaign starts now.</p><p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>',
    category: "newsletters",
    audience: { type: "all_members" },
    sendAt: "2026-11-21T09:00:00Z",
  },
});

const countingClient = counting(raw);
// Long batches (the start of the mailing, a round's outbox rows and records) on their thread, as the
// server runs them, counted there too: each statement once, without the savepoints around it.
const beginOnThread = longBatchTransactionsOf(raw);
if (beginOnThread)
  serveLongBatchTransactions(countingClient, async () => {
    const transaction = await beginOnThread();
    const batch = transaction.batch.bind(transaction);
    transaction.batch = (statements) => {
      const counted = statements.filter(
        (statement) =>
          !/^\s*(SAVEPOINT|RELEASE)\b/i.test(
            typeof statement === "string" ? statement : Array.isArray(statement) ? statement[0] : statement.sql,
          ),
      );
      counts.statements += counted.length;
      counts.roundTrips += 1;
      return batch(statements);
    };
    return transaction;
  });
const db = createDb(countingClient);
const clock = { now: () => new Date("2026-11-21T09:00:00Z") };
const deps = { db, mailer: createOutboxMailer(db, clock, defaultConfig.mail.from), clock, config: defaultConfig };
const drained: DeliverReport[] = [];
const sender = createMailSender(deps, { lanes, onDrained: (report) => drained.push(report) });

started = performance.now();
// Planning writes the recipient rows (a long batch); sending writes the rounds.
const planning = await loopHolds(() => mailingJobs.plan.run(deps, new Date("2026-11-21T09:00:00Z")));
const planMs = performance.now() - started;
const sending = await loopHolds(async () => {
  sender.wake();
  await sender.idle();
});
const totalMs = performance.now() - started;
const gaps = [...planning.gaps, ...sending.gaps];
const held = gaps.filter((gap) => gap > 50);

const status = await raw.execute({
  sql: "SELECT status, count(*) AS n FROM mailing_deliveries WHERE mailing_id = ? GROUP BY status",
  args: [mailing.id],
});
const outbox = await raw.execute("SELECT count(*) AS n FROM mail_outbox");
const mailingStatus = await raw.execute({ sql: "SELECT status FROM mailings WHERE id = ?", args: [mailing.id] });
const countOf = (name: string) => Number(status.rows.find((r) => r.status === name)?.n ?? 0);
const recipients = status.rows.reduce((sum, r) => sum + Number(r.n), 0);
const sent = countOf("sent");

console.log(
  `mailing to ${recipients} recipients (${sent} sent, ${countOf("suppressed")} left out for consent), outbox transport, in-process sender with ${lanes} lanes`,
);
console.log(
  `  time:                      ${(totalMs / 1000).toFixed(2)} s (planning, which writes the recipient rows: ${(planMs / 1000).toFixed(2)} s)`,
);
console.log(`  recipients per second:     ${(recipients / (totalMs / 1000)).toFixed(0)}`);
console.log(`  per 1,000 recipients:      ${(totalMs / (recipients / 1000)).toFixed(0)} ms`);
console.log(
  `  statements:                ${counts.statements} (${((counts.statements / recipients) * 1000).toFixed(1)} per 1,000 recipients)`,
);
console.log(
  `  round trips:               ${counts.roundTrips} (${((counts.roundTrips / recipients) * 1000).toFixed(1)} per 1,000 recipients)`,
);
console.log(
  `  event loop held:           longest ${Math.max(0, ...gaps).toFixed(0)} ms (planning ${Math.max(0, ...planning.gaps).toFixed(0)} ms); held over 50 ms ${held.length} times, ${(held.reduce((sum, gap) => sum + gap, 0) / 1000).toFixed(1)} s in all`,
);
console.log(`  deliveries by status:      ${status.rows.map((r) => `${r.status} ${r.n}`).join(", ")}`);
console.log(`  messages in the outbox:    ${outbox.rows[0]?.n}; mailing ${mailingStatus.rows[0]?.status}; drains: ${drained.length}`);
await checkpoints.stop();
raw.close();
rmSync(directory, { recursive: true, force: true });
