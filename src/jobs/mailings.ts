import { lt } from "drizzle-orm";
import { schema } from "../db/index.ts";
import { type AppConfig, defaultConfig } from "../deps.ts";
import { planAutomations } from "../mailings/automation-planners.ts";
import { deliverDue } from "../mailings/deliver.ts";
import { planSeries, startDueMailings } from "../mailings/dispatch.ts";
import type { Job, JobDeps } from "./cron-triggers.ts";

const configOf = (deps: JobDeps): AppConfig => deps.config ?? defaultConfig;

/** How long the local outbox keeps messages. */
export const outboxRetentionMs = 30 * 86_400_000;

/**
 * The mailing jobs. Each takes the trigger's time as "now", so a test (or `npm run tick
 * -- --at …`) can run the first of the month at 07:00 on any day.
 */
export const mailingJobs = {
  plan: {
    name: "mailings.plan",
    async run({ db }, scheduledTime) {
      const occurrences = await planSeries(db, scheduledTime);
      const automatic = await planAutomations(db, scheduledTime);
      const started = await startDueMailings(db, scheduledTime);
      return { occurrences, automatic, started };
    },
  },
  deliver: {
    name: "mailings.deliver",
    async run(deps, scheduledTime) {
      return { ...(await deliverDue({ ...deps, config: configOf(deps) }, scheduledTime)) };
    },
  },
  purgeOutbox: {
    name: "mailings.purge-outbox",
    async run({ db }, scheduledTime) {
      const removed = await db
        .delete(schema.mailOutbox)
        .where(lt(schema.mailOutbox.createdAt, new Date(scheduledTime.getTime() - outboxRetentionMs).toISOString()))
        .returning({ id: schema.mailOutbox.id });
      return { outboxPurged: removed.length };
    },
  },
} satisfies Record<string, Job>;
