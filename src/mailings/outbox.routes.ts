import { z } from "@hono/zod-openapi";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { immutableVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  createRouter,
  defineRoute,
  etagHeader,
  IdSchema,
  jsonContent,
  OrgIdParams,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { Timestamp } from "../lib/fields.ts";
import { notFound } from "../lib/problems.ts";
import { buildRawMessage } from "../mail/mime.ts";

const tags = ["Mail"];
const o = schema.mailOutbox;

const OutboxMessage = z
  .object({
    id: z.string(),
    to: z.string().openapi({ description: "The recipient's address alone, whatever kind of mail it is.", example: "ada@example.org" }),
    toName: z.string().nullable().openapi({ description: "The recipient's display name, when the message gave one." }),
    mailingId: z
      .string()
      .nullable()
      .openapi({ description: "The mailing the message belongs to; null for sign-in and other single messages." }),
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

const OutboxQuery = z.object({
  to: z
    .string()
    .trim()
    .min(3)
    .max(320)
    .regex(/^[^\s<>@]+@[^\s<>@]+$/, "must be an e-mail address")
    .optional()
    .openapi({ description: "Only messages to this address (any case, with or without a display name)." }),
  mailingId: IdSchema.optional().openapi({ description: "Only the messages of this mailing." }),
});

type OutboxRow = typeof o.$inferSelect;

export const hiddenSecret = "[hidden]";

/**
 * A message as a reader other than an admin may see it: the recipient's secrets (a sign-in
 * code, and with it the link that carries it) hidden in every part, the raw message rebuilt
 * from the hidden parts. Outbox rows exist only where the outbox is the transport, a
 * deployment whose mail never leaves: there an admin may read codes to sign members in while
 * developing, as an admin could make any member's address their own anyway.
 */
function asSeenBy(principal: Principal, row: OutboxRow): OutboxRow {
  if (principal.kind === "api_key" && principal.role === "admin") return row;
  const secrets = row.secrets ? (JSON.parse(row.secrets) as string[]).filter((secret) => secret.length > 0) : [];
  if (secrets.length === 0) return row;
  const hide = (value: string) => secrets.reduce((out, secret) => out.replaceAll(secret, hiddenSecret), value);
  const headers = Object.fromEntries(
    Object.entries(JSON.parse(row.headers) as Record<string, string>).map(([name, value]) => [name, hide(value)]),
  );
  const text = hide(row.text);
  const html = row.html === null ? null : hide(row.html);
  return {
    ...row,
    subject: hide(row.subject),
    headers: JSON.stringify(headers),
    text,
    html,
    raw: buildRawMessage(headers, text, html ?? undefined, row.id),
  };
}

/** `Name <address>`, `"Name" <address>` or a bare address, as the one shape the API gives. */
export function recipientOf(to: string): { to: string; toName: string | null } {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(to);
  if (!match) return { to: to.trim(), toName: null };
  const name = (match[1] ?? "").replace(/^"(.*)"$/, "$1").trim();
  return { to: (match[2] ?? "").trim(), toName: name === "" ? null : name };
}

const mailingHeader = "X-Grasrot-Mailing";
const mailingOf = sql`json_extract(${o.headers}, ${`$."${mailingHeader}"`})`;

const summary = (row: OutboxRow) => ({
  id: row.id,
  ...recipientOf(row.to),
  mailingId: (JSON.parse(row.headers) as Record<string, string>)[mailingHeader] ?? null,
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
  .openapi(list, async (c) => {
    const { limit, cursor, to, mailingId } = c.req.valid("query");
    const before = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
    const { db, org } = ctxOf(c);
    const rows = await db
      .select()
      .from(o)
      .where(
        and(
          eq(o.orgId, org.id),
          before ? lt(o.id, before) : undefined,
          // The address alone, or as `Name <address>`: both shapes the transport kept.
          to
            ? sql`(lower(${o.to}) = lower(${to}) OR substr(lower(${o.to}), -(length(${to}) + 2)) = '<' || lower(${to}) || '>')`
            : undefined,
          mailingId ? sql`${mailingOf} = ${mailingId}` : undefined,
        ),
      )
      .orderBy(desc(o.id))
      .limit(limit + 1);
    const principal = ctxOf(c).principal;
    return c.json(
      page(
        rows,
        limit,
        (row) => summary(asSeenBy(principal, row)),
        (row) => [row.id],
      ),
      200,
    );
  })
  .openapi(get, async (c) => {
    const { db, org } = ctxOf(c);
    const found = await db.query.mailOutbox.findFirst({ where: and(eq(o.id, c.req.valid("param").id), eq(o.orgId, org.id)) });
    if (!found) throw notFound("Message");
    setEtag(c, immutableVersion);
    const row = asSeenBy(ctxOf(c).principal, found);
    return c.json(
      { ...summary(row), headers: JSON.parse(row.headers) as Record<string, string>, text: row.text, html: row.html, raw: row.raw },
      200,
    );
  });
