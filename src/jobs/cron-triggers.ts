import { purgeEndedRateLimitWindows } from "../abuse/rate-limit.ts";
import type { Db } from "../db/index.ts";
import { refreshPlannerStatistics } from "../db/statistics.ts";
import type { AppConfig, Clock } from "../deps.ts";
import { electionClockJob } from "../elections/job.ts";
import { purgeExpiredIdempotencyKeys } from "../http/idempotency.ts";
import type { Mailer } from "../mail/mailer.ts";
import type { MailQueue } from "../mailings/queue.ts";
import { purgeSignups } from "../signups/signups.service.ts";
import type { CountRunner } from "../tally/runner.ts";
import { mailingJobs } from "./mailings.ts";
import { webhookJobs } from "./webhooks.ts";

export interface JobDeps {
  db: Db;
  mailer: Mailer;
  clock: Clock;
  /** The deployment's settings (mail From, public URL, per-tick budget); defaults when not given. */
  config?: AppConfig;
  /** Where elections are counted: Node's worker threads; absent (Workers), in line within the tick's budget. */
  counter?: CountRunner;
  /** Workers with a queue binding: the tick hands mail to the queue, whose consumer sends it. */
  mailQueue?: MailQueue;
  /** Node: the in-process sender, which the tick wakes to send until nothing is due. */
  mailSender?: { wake(): void };
}

/** A scheduled job. It gets the trigger's time, never reads a clock of its own, and may run twice safely. */
export interface Job {
  name: string;
  run(deps: JobDeps, scheduledTime: Date): Promise<Record<string, unknown>>;
}

const housekeeping: Job = {
  name: "housekeeping",
  async run({ db }, scheduledTime) {
    return {
      expiredIdempotencyKeys: await purgeExpiredIdempotencyKeys(db, scheduledTime),
      endedRateLimitWindows: await purgeEndedRateLimitWindows(db, scheduledTime),
      expiredSignups: await purgeSignups(db, scheduledTime),
    };
  },
};

/** Fresh statistics for the query planner, once the day's purges have run; a job of its own, so that it may fail alone. */
const plannerStatistics: Job = {
  name: "planner-statistics",
  async run({ db }) {
    await refreshPlannerStatistics(db);
    return {};
  },
};

/**
 * Which jobs each cron trigger runs. The keys must equal the crons of wrangler.toml
 * (a test holds them together); the Node runtime schedules exactly these.
 */
export const schedule: Record<string, Job[]> = {
  // Every minute: plan what is due, then send: hand it to the queue (Workers with a queue), wake the in-process
  // sender (Node), or else send one budgeted chunk, big mailings going on next minute. Then webhooks.
  "* * * * *": [electionClockJob, mailingJobs.plan, mailingJobs.deliver, webhookJobs.deliver],
  "17 3 * * *": [housekeeping],
  "23 3 * * *": [mailingJobs.purgeOutbox, plannerStatistics, webhookJobs.purge],
};

export interface JobReport {
  job: string;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: string;
}

/** Runs every job of one trigger. One failing job does not stop the others; all failures are reported. */
export async function runScheduled(cron: string, scheduledTime: Date, deps: JobDeps): Promise<JobReport[]> {
  const jobs = schedule[cron];
  if (!jobs) {
    console.warn(`No jobs for cron '${cron}'`);
    return [];
  }
  const reports: JobReport[] = [];
  for (const job of jobs) {
    try {
      reports.push({ job: job.name, ok: true, result: await job.run(deps, scheduledTime) });
    } catch (error) {
      console.error(`Job ${job.name} failed`, error);
      reports.push({ job: job.name, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return reports;
}
