import { and, eq, lt } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { type Db, schema } from "../db/index.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { principalScope } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./problem.ts";

/** How long a key's response is remembered. */
export const idempotencyTtlMs = 24 * 60 * 60 * 1000;
const keyPattern = /^[\x21-\x7e]{1,255}$/;
const replayedHeaders = ["content-type", "location", "etag"];

/**
 * Idempotency-Key on POST: the first request claims the key by inserting a row
 * (the primary key makes the claim atomic), and its response is stored; a retry with
 * the same body gets that stored response, with another body a 422.
 */
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("Idempotency-Key");
  const principal = c.get("principal");
  // Anonymous callers share no scope a key could be remembered under safely.
  if (c.req.method !== "POST" || key === undefined || principal.kind === "anonymous") return next();
  if (!keyPattern.test(key)) {
    throw new ApiError("validation_failed", "Idempotency-Key must be 1–255 visible ASCII characters.", {
      errors: [{ field: "header.idempotency-key", message: "must be 1–255 visible ASCII characters" }],
    });
  }
  const { db, clock } = c.get("deps");
  const scope = principalScope(principal);
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const now = clock.now();
  const where = and(eq(schema.idempotencyKeys.scope, scope), eq(schema.idempotencyKeys.key, key));

  await db.delete(schema.idempotencyKeys).where(and(where, lt(schema.idempotencyKeys.expiresAt, now.toISOString())));
  const claimed = await db
    .insert(schema.idempotencyKeys)
    .values({
      scope,
      key,
      requestHash,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + idempotencyTtlMs).toISOString(),
    })
    .onConflictDoNothing()
    .returning({ key: schema.idempotencyKeys.key });

  if (claimed.length === 0) {
    const stored = await db.query.idempotencyKeys.findFirst({ where });
    if (!stored) throw new ApiError("conflict", "The idempotency key was released meanwhile; retry the request.");
    if (stored.requestHash !== requestHash) {
      throw new ApiError(
        "idempotency_key_reused",
        "This Idempotency-Key was used with a different request. Use a new key for a new request.",
      );
    }
    if (stored.status === null) {
      throw new ApiError("conflict", "A request with this Idempotency-Key is still being processed; retry shortly.", {
        headers: { "Retry-After": "1" },
      });
    }
    const headers: Record<string, string> = { ...JSON.parse(stored.headers ?? "{}"), "Idempotent-Replayed": "true" };
    return c.newResponse(stored.body, stored.status as 200, headers);
  }

  await next();
  // A server failure is not a result worth replaying: release the key so a retry runs again.
  if (c.res.status >= 500) {
    await db.delete(schema.idempotencyKeys).where(where);
    return;
  }
  const headers = Object.fromEntries(replayedHeaders.flatMap((name) => (c.res.headers.has(name) ? [[name, c.res.headers.get(name)]] : [])));
  await db
    .update(schema.idempotencyKeys)
    .set({ status: c.res.status, headers: JSON.stringify(headers), body: await c.res.clone().text() })
    .where(where);
});

/** Housekeeping: forget keys past their lifetime. */
export async function purgeExpiredIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const removed = await db
    .delete(schema.idempotencyKeys)
    .where(lt(schema.idempotencyKeys.expiresAt, now.toISOString()))
    .returning({ key: schema.idempotencyKeys.key });
  return removed.length;
}
