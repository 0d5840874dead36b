import { and, asc, eq, gt, isNull, ne, or, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import type { Role } from "../auth/principal.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion } from "../db/versions.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { newId } from "../lib/ids.ts";
import { conflict, notFound } from "../lib/problems.ts";

type KeyRow = typeof schema.apiKeys.$inferSelect;

export function toApiKeyPublic(row: KeyRow) {
  return { id: row.id, name: row.name, role: row.role, prefix: row.prefix, createdAt: row.createdAt, revokedAt: row.revokedAt };
}

/**
 * A new key row and its secret. The secret is `grs_` + 32 base62 characters unless the
 * operator supplies one (GRASROT_ADMIN_KEY at first start); only its hash is kept.
 */
export async function newApiKey(input: { orgId: string; name: string; role: Role; now: Date; secret?: string }) {
  const secret = input.secret ?? `grs_${randomToken(32)}`;
  const row: KeyRow = {
    id: newId(input.now),
    orgId: input.orgId,
    name: input.name,
    role: input.role,
    prefix: secret.slice(0, 8),
    secretHash: await sha256Hex(secret),
    createdAt: input.now.toISOString(),
    revokedAt: null,
    version: 1,
  };
  return { row, secret };
}

export async function createApiKey(ctx: Ctx, options: { name: string; role: Role }) {
  const { row, secret } = await newApiKey({ orgId: ctx.org.id, name: options.name, role: options.role, now: ctx.now });
  await ctx.db.insert(schema.apiKeys).values(row);
  return { key: { ...toApiKeyPublic(row), secret }, version: row.version };
}

export async function listApiKeys(ctx: Ctx, options: { limit: number; cursor?: string }) {
  const { limit, cursor } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const rows = await ctx.db
    .select()
    .from(schema.apiKeys)
    .where(and(eq(schema.apiKeys.orgId, ctx.org.id), after ? gt(schema.apiKeys.id, after) : undefined))
    .orderBy(asc(schema.apiKeys.id))
    .limit(limit + 1);
  return page(rows, limit, toApiKeyPublic, (row) => [row.id]);
}

export async function getApiKey(ctx: Ctx, id: string) {
  const row = await ctx.db.query.apiKeys.findFirst({ where: and(eq(schema.apiKeys.orgId, ctx.org.id), eq(schema.apiKeys.id, id)) });
  if (!row) throw notFound("API key");
  return row;
}

/**
 * Revoking is final. The last active admin key cannot be revoked, or nobody could manage
 * the organisation; the check, the version read (If-Match) and the update are one
 * statement, so two concurrent revocations cannot both pass it.
 */
export async function revokeApiKey(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { id, expected } = options;
  const k = schema.apiKeys;
  const row = await getApiKey(ctx, id);
  requireVersion(expected, row.version);
  if (row.revokedAt) return;
  const otherAdmins = sql`(SELECT count(*) FROM ${k} WHERE ${k.orgId} = ${orgId} AND ${k.role} = 'admin' AND ${k.revokedAt} IS NULL AND ${k.id} != ${id})`;
  const revoked = await db
    .update(k)
    .set({ revokedAt: now.toISOString(), version: sql`${k.version} + 1` })
    .where(and(eq(k.id, id), eq(k.version, row.version), isNull(k.revokedAt), or(ne(k.role, "admin"), sql`${otherAdmins} > 0`)))
    .returning({ id: k.id });
  if (revoked.length > 0) return;
  const latest = await getApiKey(ctx, id);
  if (latest.version === row.version) {
    throw conflict("This is the organisation's last active admin key; create another admin key first.");
  }
  // Revoked (or otherwise changed) meanwhile: without If-Match, revoking what is revoked is done.
  if (expected !== undefined) throw staleVersion();
}
