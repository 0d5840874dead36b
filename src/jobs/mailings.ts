import { lt } from "drizzle-orm";
import { schema } from "../db/index.ts";
import { type AppConfig, defaultConfig } from "../deps.ts";
import { planAutomations } from "../mailings/automation-planners.ts";
import { deliverDue } from "../mailings/deliver.ts";
import { planSeries, startDueMailings } from "../mailings/dispatch.ts";
import { enqueueDue } from "../mailings/queue.ts";
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
      const deliverDeps = { ...deps, config: configOf(deps) };
      if (deps.mailQueue) return { ...(await enqueueDue(deliverDeps, deps.mailQueue, scheduledTime)) };
      if (deps.mailSender) {
        // It runs past the tick, for as long as anything is due; the tick does not wait for it.
        deps.mailSender.wake();
        return { woken: true };
      }
      return { ...(await deliverDue(deliverDeps, scheduledTime)) };
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
