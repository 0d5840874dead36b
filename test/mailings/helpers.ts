import { defaultConfig } from "../../src/deps.ts";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import type { Mailer } from "../../src/mail/mailer.ts";
import { createOutboxMailer } from "../../src/mail/outbox.ts";
import type { TestApp } from "../helpers/app.ts";

export const mailConfig = {
  ...defaultConfig,
  publicUrl: "https://api.example.org",
  mail: { ...defaultConfig.mail, from: "Forum <info@forum.example>" },
};

/** The every-minute trigger at `at`, against the test's database, with the given transport (default: the outbox). */
export async function tick(
  t: TestApp,
  at: string,
  mailer: Mailer = createOutboxMailer(t.db, t.clock, mailConfig.mail.from),
  perTick?: number,
) {
  const config = perTick ? { ...mailConfig, mail: { ...mailConfig.mail, perTick } } : mailConfig;
  const reports = await runScheduled("* * * * *", new Date(at), { db: t.db, mailer, clock: t.clock, config });
  for (const report of reports) if (!report.ok) throw new Error(`${report.job}: ${report.error}`);
  return reports;
}

export async function createMailing(t: TestApp, body: Record<string, unknown>) {
  const response = await t.request("POST", `/v1/orgs/${t.org}/mailings`, { body });
  if (response.status !== 201) throw new Error(`create mailing: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; status: string };
}

export async function deliveryCounts(t: TestApp, mailingId: string) {
  const result = await t.database.client.execute({
    sql: "SELECT status, count(*) AS n FROM mailing_deliveries WHERE mailing_id = ? GROUP BY status",
    args: [mailingId],
  });
  return Object.fromEntries(result.rows.map((row) => [String(row.status), Number(row.n)]));
}
