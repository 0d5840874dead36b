import { z } from "@hono/zod-openapi";
import { and, asc, eq, gt } from "drizzle-orm";
import { suppressionReasons } from "../../drizzle/mailings.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { requireVersion } from "../db/versions.ts";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, immutableVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  bodyProblems,
  createRouter,
  defineRoute,
  etagHeader,
  IfMatchHeaders,
  jsonBody,
  jsonContent,
  OrgIdParams,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { EmailField, Timestamp } from "../lib/fields.ts";
import { newId } from "../lib/ids.ts";
import { notFound } from "../lib/problems.ts";
import { multiline } from "../lib/text.ts";

const tags = ["Mail"];
const s = schema.mailSuppressions;

const Suppression = z
  .object({ id: z.string(), email: z.string(), reason: z.enum(suppressionReasons), detail: z.string().nullable(), createdAt: Timestamp })
  .openapi("MailSuppression");

const SuppressionCreate = z
  .object({
    email: EmailField,
    reason: z.enum(["hard_bounce", "complaint", "manual"]),
    detail: multiline(z.string().max(1000)).optional().openapi({ description: "The bounce message or why, for the record." }),
  })
  .strict()
  .openapi("MailSuppressionCreate");

const toPublic = (row: typeof s.$inferSelect) => ({
  id: row.id,
  email: row.emailKey,
  reason: row.reason,
  detail: row.detail,
  createdAt: row.createdAt,
});

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mail-suppressions",
  operationId: "listMailSuppressions",
  tags,
  summary: "Addresses that are not mailed (bounces, complaints, staff decisions)",
  description:
    "Addresses no mailing reaches, with why (`hard_bounce`, `complaint`, `manual`, `smtp_permanent`, `provider_inactive`) and when, cursor-paginated. Staff or admin keys.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(Suppression, "MailSuppressionPage"), "Suppressed addresses."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/mail-suppressions",
  operationId: "addMailSuppression",
  tags,
  summary: "Suppress an address (feed bounces and complaints here)",
  description: "Adding an address that is already suppressed answers 200 with the existing entry.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, body: jsonBody(SuppressionCreate) },
  responses: {
    200: { ...jsonContent(Suppression, "Already suppressed."), headers: etagHeader },
    201: { ...jsonContent(Suppression, "Suppressed."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/mail-suppressions/{id}",
  operationId: "removeMailSuppression",
  tags,
  summary: "Mail an address again",
  description: 'A suppression never changes once made: its ETag is always `"1"`.',
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Removed." }, ...problems(...authProblems, "precondition_failed") },
});

export const suppressionRoutes = createRouter()
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
    const { db, org } = ctxOf(c);
    const rows = await db
      .select()
      .from(s)
      .where(and(eq(s.orgId, org.id), after ? gt(s.id, after) : undefined))
      .orderBy(asc(s.id))
      .limit(limit + 1);
    return c.json(
      page(rows, limit, toPublic, (row) => [row.id]),
      200,
    );
  })
  .openapi(create, async (c) => {
    const { db, org, now } = ctxOf(c);
    const orgId = org.id;
    const input = c.req.valid("json");
    const emailKey = input.email.toLowerCase();
    const [inserted] = await db
      .insert(s)
      .values({ id: newId(now), orgId, emailKey, reason: input.reason, detail: input.detail ?? null, createdAt: now.toISOString() })
      .onConflictDoNothing()
      .returning();
    setEtag(c, immutableVersion);
    if (inserted) {
      c.header("Location", `/v1/orgs/${org.slug}/mail-suppressions/${inserted.id}`);
      return c.json(toPublic(inserted), 201);
    }
    const existing = await db.query.mailSuppressions.findFirst({ where: and(eq(s.orgId, orgId), eq(s.emailKey, emailKey)) });
    if (!existing) throw notFound("Suppression");
    return c.json(toPublic(existing), 200);
  })
  .openapi(remove, async (c) => {
    const { db, org } = ctxOf(c);
    const mine = and(eq(s.id, c.req.valid("param").id), eq(s.orgId, org.id));
    if (!(await db.query.mailSuppressions.findFirst({ columns: { id: true }, where: mine }))) throw notFound("Suppression");
    requireVersion(expectedVersion(c), immutableVersion);
    const removed = await db.delete(s).where(mine).returning({ id: s.id });
    if (removed.length === 0) throw notFound("Suppression");
    return c.body(null, 204);
  });
