import { createRouter } from "../http/openapi.ts";
import { automationRoutes } from "./automations.routes.ts";
import { mailingCoreRoutes } from "./mailings.routes.ts";
import { outboxRoutes } from "./outbox.routes.ts";
import { suppressionRoutes } from "./suppressions.routes.ts";
import { unsubscribeRoutes } from "./unsubscribe.routes.ts";

/** Mailings and their deliveries, automations, suppressions, the outbox settings and the unsubscribe pages. */
export const mailingRoutes = createRouter()
  .route("/", mailingCoreRoutes)
  .route("/", automationRoutes)
  .route("/", suppressionRoutes)
  .route("/", outboxRoutes)
  .route("/", unsubscribeRoutes);
