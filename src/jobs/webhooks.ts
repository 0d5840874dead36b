import { sql } from "drizzle-orm";
import { schema } from "../db/index.ts";
import { defaultConfig } from "../deps.ts";
import { deliverWebhooksDue } from "../webhooks/deliver.ts";
import { recordLapses } from "../webhooks/lapses.ts";
import type { Job } from "./cron-triggers.ts";

/** How long events and their delivery logs are kept once nothing of them is left to send. */
export const webhookLogRetentionMs = 30 * 86_400_000;

export const webhookJobs = {
  /** Every minute: lapses of memberships since the day before, then the deliveries that are due, within the tick's budget. */
  deliver: {
    name: "webhooks.deliver",
    async run(deps, scheduledTime) {
      const lapses = await recordLapses(deps.db, scheduledTime);
      return { lapses, ...(await deliverWebhooksDue({ ...deps, config: deps.config ?? defaultConfig }, scheduledTime)) };
    },
  },
  /** Daily: events older than the retention, with their deliveries (cascade), unless one still waits to be sent. */
  purge: {
    name: "webhooks.purge",
    async run({ db }, scheduledTime) {
      const ev = schema.webhookEvents;
      const d = schema.webhookDeliveries;
      const before = new Date(scheduledTime.getTime() - webhookLogRetentionMs).toISOString();
      const removed = await db.run(sql`DELETE FROM ${ev} WHERE ${ev.occurredAt} < ${before}
        AND NOT EXISTS (SELECT 1 FROM ${d} WHERE ${d.eventId} = ${ev.id} AND ${d.status} IN ('pending', 'sending'))`);
      return { webhookEventsPurged: removed.rowsAffected };
    },
  },
} satisfies Record<string, Job>;
