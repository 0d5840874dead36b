import { z } from "@hono/zod-openapi";
import { and, desc, eq, lt } from "drizzle-orm";
import { schema } from "../db/index.ts";
import { requireRole } from "../http/auth.ts";
import { immutableVersion, setEtag } from "../http/etag.ts";
import { Timestamp } from "../http/fields.ts";
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
import { decodeCursor, PageQuery, page, pageOf } from "../http/pagination.ts";
import { notFound } from "../http/problem.ts";

const tags = ["Mail"];
const o = schema.mailOutbox;

const OutboxMessage = z
  .object({
    id: z.string(),
    to: z.string(),
    from: z.string(),
    subject: z.string(),
    messageId: z.string(),
    createdAt: Timestamp,
  })
  .openapi("OutboxMessage");

const OutboxMessageFull = OutboxMessage.extend({
  headers: z.record(z.string(), z.string()),
  text: z.string(),
  html: z.string().nullable(),
  raw: z.string().openapi({ description: "The whole message (RFC 5322 with MIME parts), as an .eml file holds it." }),
}).openapi("OutboxMessageFull");

const summary = (row: typeof o.$inferSelect) => ({
  id: row.id,
  to: row.to,
  from: row.from,
  subject: row.subject,
  messageId: row.messageId,
  createdAt: row.createdAt,
});

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/outbox",
  operationId: "listOutbox",
  tags,
  summary: "Messages kept by the local mail transport, newest first",
  description: "Only with GRASROT_MAIL_TRANSPORT=outbox (the default on Node): nothing leaves the machine, every message is kept here.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(OutboxMessage, "OutboxPage"), "Messages."), ...problems(...authProblems) },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/outbox/{id}",
  operationId: "getOutboxMessage",
  tags,
  summary: "One kept message, with headers, bodies and the raw message",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(OutboxMessageFull, "The message."), headers: etagHeader }, ...problems(...authProblems) },
});

export const outboxRoutes = createRouter()
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const before = cursor ? String(decodeCursor(cursor, 1)[0]) : undefined;
    const rows = await c
      .get("deps")
      .db.select()
      .from(o)
      .where(and(eq(o.orgId, c.get("org").id), before ? lt(o.id, before) : undefined))
      .orderBy(desc(o.id))
      .limit(limit + 1);
    return c.json(
      page(rows, limit, summary, (row) => [row.id]),
      200,
    );
  })
  .openapi(get, async (c) => {
    const row = await c
      .get("deps")
      .db.query.mailOutbox.findFirst({ where: and(eq(o.id, c.req.valid("param").id), eq(o.orgId, c.get("org").id)) });
    if (!row) throw notFound("Message");
    setEtag(c, immutableVersion);
    return c.json(
      { ...summary(row), headers: JSON.parse(row.headers) as Record<string, string>, text: row.text, html: row.html, raw: row.raw },
      200,
    );
  });
