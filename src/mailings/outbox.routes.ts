import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { immutableVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  createRouter,
  defineRoute,
  etagHeader,
  jsonContent,
  OrgIdParams,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { listOutbox, outboxMessage } from "./outbox.queries.ts";
import { OutboxMessage, OutboxMessageFull, OutboxQuery } from "./outbox.schemas.ts";

const tags = ["Mail"];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/outbox",
  operationId: "listOutbox",
  tags,
  summary: "Messages kept by the local mail transport, newest first",
  description:
    "Only with GRASROT_MAIL_TRANSPORT=outbox (the default on Node): nothing leaves the machine, every message is kept here. " +
    "What only the recipient may read (sign-in codes and the links that carry them) shows as `[hidden]` to every key but an admin's.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, query: PageQuery.merge(OutboxQuery) },
  responses: { 200: jsonContent(pageOf(OutboxMessage, "OutboxPage"), "Messages."), ...problems(...authProblems) },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/outbox/{id}",
  operationId: "getOutboxMessage",
  tags,
  summary: "One kept message, with headers, bodies and the raw message",
  description: "Sign-in codes, and the links that carry them, show as `[hidden]` to every key but an admin's.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(OutboxMessageFull, "The message."), headers: etagHeader }, ...problems(...authProblems) },
});

export const outboxRoutes = createRouter()
  .openapi(list, async (c) => c.json(await listOutbox(ctxOf(c), c.req.valid("query")), 200))
  .openapi(get, async (c) => {
    const message = await outboxMessage(ctxOf(c), c.req.valid("param").id);
    setEtag(c, immutableVersion);
    return c.json(message, 200);
  });
