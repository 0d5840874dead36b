/**
 * `npm run bench:mailings [-- --members 100000 --per-tick 5000]`: fans one mailing out to
 * 100,000 members through the null transport, on an embedded libSQL file, and prints the
 * time taken and the database statements (and round trips) per 1,000 recipients. The
 * statements are counted by wrapping the libSQL client's execute and batch.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Client, createClient } from "@libsql/client";
import { contextOf } from "../src/access/context.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { defaultConfig } from "../src/deps.ts";
import { runScheduled } from "../src/jobs/cron-triggers.ts";
import { createNullMailer } from "../src/mail/mailer.ts";
import { createMailing } from "../src/mailings/mailings.service.ts";
import { orgIdOf, seedMembers } from "../test/mailings/seed.ts";

const { values } = parseArgs({
  options: { members: { type: "string", default: "100000" }, "per-tick": { type: "string", default: "5000" } },
});
const memberCount = Number(values.members);
const perTick = Number(values["per-tick"]);

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
const raw = createClient({ url: `file:${join(directory, "bench.db")}` });
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

const db = createDb(counting(raw));
const deps = {
  db,
  mailer: createNullMailer(),
  clock: { now: () => now },
  config: { ...defaultConfig, mail: { ...defaultConfig.mail, perTick } },
};
let tick = 0;
let sent = 0;
let suppressed = 0;
let planMs = 0;
started = performance.now();
for (;;) {
  const at = new Date(Date.parse("2026-11-21T09:00:00Z") + tick * 60_000);
  const before = performance.now();
  const reports = await runScheduled("* * * * *", at, deps);
  const plan = reports.find((r) => r.job === "mailings.plan");
  const deliver = reports.find((r) => r.job === "mailings.deliver");
  if (tick === 0) planMs = performance.now() - before;
  if (!plan?.ok || !deliver?.ok) throw new Error(JSON.stringify([plan, deliver]));
  const result = deliver?.result as { sent: number; suppressed: number; completedMailings: number };
  sent += result.sent;
  suppressed += result.suppressed;
  tick += 1;
  if (result.completedMailings > 0 || tick > 10_000) break;
}
const totalMs = performance.now() - started;
const status = await raw.execute({
  sql: "SELECT status, count(*) AS n FROM mailing_deliveries WHERE mailing_id = ? GROUP BY status",
  args: [mailing.id],
});
const recipients = sent + Number(status.rows.find((r) => r.status === "suppressed")?.n ?? 0);

console.log(
  `mailing to ${recipients} recipients (${sent} sent, ${recipients - sent} left out for consent), null transport, ${perTick} per tick`,
);
console.log(`  ticks:                     ${tick}`);
console.log(
  `  time:                      ${(totalMs / 1000).toFixed(2)} s (the first tick, which also writes the recipient rows: ${(planMs / 1000).toFixed(2)} s)`,
);
console.log(`  per 1,000 recipients:      ${(totalMs / (recipients / 1000)).toFixed(0)} ms`);
console.log(
  `  statements:                ${counts.statements} (${((counts.statements / recipients) * 1000).toFixed(1)} per 1,000 recipients)`,
);
console.log(
  `  round trips:               ${counts.roundTrips} (${((counts.roundTrips / recipients) * 1000).toFixed(1)} per 1,000 recipients)`,
);
console.log(`  statements per tick:       ${(counts.statements / tick).toFixed(1)} (the Worker's subrequest budget)`);
console.log(
  `  deliveries by status:      ${status.rows.map((r) => `${r.status} ${r.n}`).join(", ")}; suppressed counted by the tick: ${suppressed}`,
);
raw.close();
rmSync(directory, { recursive: true, force: true });
