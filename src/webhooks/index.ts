import { createMiddleware } from "hono/factory";
import { afterResponse } from "../http/after-response.ts";
import type { AppEnv } from "../http/env.ts";
import { createRouter } from "../http/openapi.ts";
import { deliverWebhooksDue, hasFreshDeliveries } from "./deliver.ts";
import { deliveryRoutes } from "./deliveries.routes.ts";
import { endpointRoutes } from "./endpoints.routes.ts";

export { webhookEvent, webhookEventTypes } from "./events.ts";

export const webhookRoutes = createRouter().route("/", endpointRoutes).route("/", deliveryRoutes);

/** Deliveries tried right after the request that caused them, at most this many; the rest wait for the minute's tick. */
const deliveriesAfterRequest = 20;

/**
 * A write of an organisation may have queued webhook deliveries: they are tried once the
 * response is handed over (on Workers within `waitUntil`), so a receiver hears of a change in
 * seconds rather than at the next tick. One indexed look-up decides whether there is anything.
 */
export const deliverAfterWrites = createMiddleware<AppEnv>(async (c, next) => {
  // The dependencies as they are outside any request transaction (Idempotency-Key): the delivery runs after the commit.
  const deps = c.get("deps");
  await next();
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS" || c.res.status >= 400) return;
  const org = c.get("org");
  if (!org) return;
  afterResponse(c, "Delivering webhooks", async () => {
    if (!(await hasFreshDeliveries(deps.db, org.id))) return;
    await deliverWebhooksDue(deps, deps.clock.now(), { orgId: org.id, maxDeliveries: deliveriesAfterRequest });
  });
});
