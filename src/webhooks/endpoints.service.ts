import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { type Expected, lostRace, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { invalid, notFound } from "../lib/problems.ts";
import type { WebhookEndpointCreateInput, WebhookEndpointUpdateInput } from "./endpoints.schemas.ts";
import type { WebhookEventType } from "./events.ts";
import { newWebhookSecret } from "./signing.ts";
import { type UrlRuleOptions, webhookUrlProblem } from "./url-rules.ts";

const ep = schema.webhookEndpoints;
type EndpointRow = typeof ep.$inferSelect;

/** How long the secret a rotation replaces still signs deliveries beside the new one. */
export const previousSecretGraceMs = 24 * 60 * 60_000;

export function toEndpointPublic(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.eventTypes) as WebhookEventType[],
    enabled: row.enabled,
    disabledAt: row.disabledAt,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function requireAllowedUrl(url: string, rules: UrlRuleOptions) {
  const problem = webhookUrlProblem(url, rules);
  if (problem) throw invalid("body.url", problem);
}

export async function getEndpoint(ctx: Ctx, options: { id: string }): Promise<EndpointRow> {
  const row = await ctx.db.query.webhookEndpoints.findFirst({ where: and(eq(ep.orgId, ctx.org.id), eq(ep.id, options.id)) });
  if (!row) throw notFound("Webhook endpoint");
  return row;
}

export async function listEndpoints(ctx: Ctx, options: { limit: number; cursor?: string }) {
  const after = options.cursor ? decodeCursor(options.cursor, ["string"])[0] : undefined;
  const rows = await ctx.db
    .select()
    .from(ep)
    .where(and(eq(ep.orgId, ctx.org.id), after ? gt(ep.id, after) : undefined))
    .orderBy(asc(ep.id))
    .limit(options.limit + 1);
  return page(rows, options.limit, toEndpointPublic, (row) => [row.id]);
}

/** A new endpoint and its secret, which is returned this once. */
export async function createEndpoint(ctx: Ctx, options: { input: WebhookEndpointCreateInput; rules: UrlRuleOptions }) {
  const { db, now } = ctx;
  const { input, rules } = options;
  requireAllowedUrl(input.url, rules);
  const at = now.toISOString();
  const row: EndpointRow = {
    id: newId(now),
    orgId: ctx.org.id,
    url: input.url,
    description: input.description ?? null,
    eventTypes: JSON.stringify(input.eventTypes),
    secret: newWebhookSecret(),
    previousSecret: null,
    previousSecretUntil: null,
    enabled: true,
    disabledAt: null,
    disabledReason: null,
    consecutiveFailures: 0,
    failingSince: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await db.insert(ep).values(row);
  return row;
}

export async function updateEndpoint(
  ctx: Ctx,
  options: { id: string; input: WebhookEndpointUpdateInput; expected: Expected; rules: UrlRuleOptions },
) {
  const { db, now } = ctx;
  const { id, input, expected, rules } = options;
  const current = await getEndpoint(ctx, { id });
  requireVersion(expected, current.version);
  if (input.url !== undefined) requireAllowedUrl(input.url, rules);
  const at = now.toISOString();
  // Enabling starts afresh: the failures that disabled it no longer count towards disabling it again.
  const enabling = input.enabled === true && !current.enabled;
  const [updated] = await db
    .update(ep)
    .set({
      ...(input.url !== undefined && { url: input.url }),
      ...(input.eventTypes !== undefined && { eventTypes: JSON.stringify(input.eventTypes) }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.enabled === false && current.enabled && { enabled: false, disabledAt: at, disabledReason: "Disabled through the API." }),
      ...(enabling && { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0, failingSince: null }),
      version: sql`${ep.version} + 1`,
      updatedAt: at,
    })
    .where(and(eq(ep.orgId, ctx.org.id), eq(ep.id, id), versionMatches(ep.version, expected)))
    .returning();
  if (!updated) throw lostRace(expected, () => notFound("Webhook endpoint"));
  return updated;
}

export async function deleteEndpoint(ctx: Ctx, options: { id: string; expected: Expected }) {
  const current = await getEndpoint(ctx, { id: options.id });
  requireVersion(options.expected, current.version);
  // Its deliveries go with it (cascade).
  const deleted = await ctx.db
    .delete(ep)
    .where(and(eq(ep.orgId, ctx.org.id), eq(ep.id, options.id), versionMatches(ep.version, options.expected)))
    .returning({ id: ep.id });
  if (deleted.length === 0 && options.expected !== undefined) throw staleVersion();
}

/** A new secret; the one it replaces keeps signing beside it for `previousSecretGraceMs`. */
export async function rotateSecret(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { db, now } = ctx;
  const current = await getEndpoint(ctx, { id: options.id });
  requireVersion(options.expected, current.version);
  const until = new Date(now.getTime() + previousSecretGraceMs).toISOString();
  const [updated] = await db
    .update(ep)
    .set({
      secret: newWebhookSecret(),
      previousSecret: current.secret,
      previousSecretUntil: until,
      version: sql`${ep.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(ep.id, current.id), eq(ep.version, current.version)))
    .returning();
  if (!updated) throw staleVersion();
  return { row: updated, previousSecretValidUntil: until };
}
