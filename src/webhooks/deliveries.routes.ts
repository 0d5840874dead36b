import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { authProblems, bearerSecurity, createRouter, defineRoute, jsonContent, OrgIdParams, problems } from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { DeliveryParams, WebhookDeliveryPublic } from "./deliveries.schemas.ts";
import { listDeliveries, redeliver, toDeliveryPublic } from "./deliveries.service.ts";

const tags = ["Webhooks"];
const adminOnly = [requireRole("admin")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/webhooks/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  tags,
  summary: "The delivery log of a webhook endpoint",
  description: "Every delivery to the endpoint, newest first: its status, attempts, the last answer's status and error, and when.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: OrgIdParams, query: PageQuery },
  responses: {
    200: jsonContent(pageOf(WebhookDeliveryPublic, "WebhookDeliveryPage"), "Deliveries."),
    ...problems(...authProblems),
  },
});

const again = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/webhooks/{id}/deliveries/{deliveryId}/redeliver",
  operationId: "redeliverWebhook",
  tags,
  summary: "Send a delivery's event again",
  description:
    "A new delivery of the same message (same `webhook-id` and body), attempted at once and retried like any other. " +
    "409 while the endpoint is disabled.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: DeliveryParams },
  responses: {
    202: jsonContent(WebhookDeliveryPublic, "The new delivery; it shows in the delivery log."),
    ...problems(...authProblems, "conflict", "idempotency_key_reused"),
  },
});

export const deliveryRoutes = createRouter()
  .openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await listDeliveries(ctxOf(c), { endpointId: id, ...c.req.valid("query") }), 200);
  })
  .openapi(again, async (c) => {
    const ctx = ctxOf(c);
    const { id, deliveryId } = c.req.valid("param");
    const row = await redeliver(ctx, { endpointId: id, deliveryId });
    return c.json(toDeliveryPublic(row), 202);
  });
