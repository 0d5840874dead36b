import type { z } from "@hono/zod-openapi";
import { and, asc, eq, gt } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { type Expected, immutableVersion, requireVersion } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { notFound } from "../lib/problems.ts";
import type { SuppressionCreate } from "./suppressions.schemas.ts";

const s = schema.mailSuppressions;

const toPublic = (row: typeof s.$inferSelect) => ({
  id: row.id,
  email: row.emailKey,
  reason: row.reason,
  detail: row.detail,
  createdAt: row.createdAt,
});

export async function listSuppressions(ctx: Ctx, options: { limit: number; cursor?: string }) {
  const { limit, cursor } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const rows = await ctx.db
    .select()
    .from(s)
    .where(and(eq(s.orgId, ctx.org.id), after ? gt(s.id, after) : undefined))
    .orderBy(asc(s.id))
    .limit(limit + 1);
  return page(rows, limit, toPublic, (row) => [row.id]);
}

/** Suppresses an address; one already suppressed keeps its entry (`created: false`). */
export async function addSuppression(ctx: Ctx, input: z.infer<typeof SuppressionCreate>) {
  const { db, org, now } = ctx;
  const emailKey = input.email.toLowerCase();
  const [inserted] = await db
    .insert(s)
    .values({ id: newId(now), orgId: org.id, emailKey, reason: input.reason, detail: input.detail ?? null, createdAt: now.toISOString() })
    .onConflictDoNothing()
    .returning();
  if (inserted) return { created: true, suppression: toPublic(inserted) };
  const existing = await db.query.mailSuppressions.findFirst({ where: and(eq(s.orgId, org.id), eq(s.emailKey, emailKey)) });
  if (!existing) throw notFound("Suppression");
  return { created: false, suppression: toPublic(existing) };
}

export async function removeSuppression(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { db, org } = ctx;
  const mine = and(eq(s.id, options.id), eq(s.orgId, org.id));
  if (!(await db.query.mailSuppressions.findFirst({ columns: { id: true }, where: mine }))) throw notFound("Suppression");
  requireVersion(options.expected, immutableVersion);
  const removed = await db.delete(s).where(mine).returning({ id: s.id });
  if (removed.length === 0) throw notFound("Suppression");
}
