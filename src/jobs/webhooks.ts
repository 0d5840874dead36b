import { defaultConfig } from "../deps.ts";
import { deliverWebhooksDue } from "../webhooks/deliver.ts";
import type { Job } from "./cron-triggers.ts";

export const webhookJobs = {
  /** Every minute: the webhook deliveries that are due, new ones and retries, within the tick's budget. */
  deliver: {
    name: "webhooks.deliver",
    async run(deps, scheduledTime) {
      return { ...(await deliverWebhooksDue({ ...deps, config: deps.config ?? defaultConfig }, scheduledTime)) };
    },
  },
} satisfies Record<string, Job>;
