import type { Transaction } from "@libsql/client";
import { and, eq, lt, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { principalScope } from "../auth/principal.ts";
import { clientInTransaction } from "../db/in-transaction.ts";
import { createDb, type Db, schema } from "../db/index.ts";
import type { AppDeps } from "../deps.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { ApiError } from "../lib/problems.ts";
import { createOutboxMailer } from "../mail/outbox.ts";
import type { AppEnv } from "./env.ts";
import { problemBody } from "./problem.ts";

/** The request line and the body as they came, one byte string. */
function requestBytes(line: string, body: ArrayBuffer): Uint8Array<ArrayBuffer> {
  const head = new TextEncoder().encode(line);
  const bytes = new Uint8Array(head.length + body.byteLength);
  bytes.set(head);
  bytes.set(new Uint8Array(body), head.length);
  return bytes;
}

/** How long a key's response is remembered. */
export const idempotencyTtlMs = 24 * 60 * 60 * 1000;
/**
 * How long a request holds its key: longer than the slowest request, so that nobody takes over
 * a key whose holder is still at work; short, so that the retry of a request whose process died
 * is not kept waiting.
 */
export const idempotencyLeaseMs = 60_000;
const keyPattern = /^[\x21-\x7e]{1,255}$/;
const replayedHeaders = ["content-type", "location", "etag"];
const keys = schema.idempotencyKeys;

/**
 * Idempotency-Key on POST.
 *
 * 1. The request claims the key under a lease: it inserts the key's row, or takes over a row
 *    that has no response and whose lease ran out (its holder died). The claim is committed
 *    at once, so a retry that arrives meanwhile is told to wait (409, Retry-After).
 * 2. The handler runs inside one write transaction, and the response is stored in that same
 *    transaction: its writes and the response are committed together or not at all. A holder
 *    that dies leaves neither, so the retry that takes its key over after the lease simply
 *    runs the request again, and cannot create a second object.
 * 3. A retry with the same body gets the stored response; with another body, a 422.
 *    A 5xx is not stored: its writes are rolled back and the key is released at once.
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
  const deps = c.get("deps");
  const { db, clock } = deps;
  const scope = principalScope(principal);
  // Hashed as bytes: reading the body as text would decode it as UTF-8 for every later reader, and an
  // upload in another encoding (a member file in Windows-1252) would reach its route already damaged.
  const requestHash = await sha256Hex(requestBytes(`${c.req.method} ${c.req.path}\n`, await c.req.arrayBuffer()));
  const now = clock.now();
  const where = and(eq(keys.scope, scope), eq(keys.key, key)) as SQL;

  await db.delete(keys).where(and(where, lt(keys.expiresAt, now.toISOString())));
  const lease = new Date(now.getTime() + idempotencyLeaseMs).toISOString();
  const claimed = await db
    .insert(keys)
    .values({
      scope,
      key,
      requestHash,
      lockedUntil: lease,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + idempotencyTtlMs).toISOString(),
    })
    .onConflictDoUpdate({
      target: [keys.scope, keys.key],
      set: { lockedUntil: lease },
      // Only a key without a response, for the same request, whose holder's lease is over.
      setWhere: sql`${keys.status} IS NULL AND ${keys.requestHash} = ${requestHash}
        AND (${keys.lockedUntil} IS NULL OR ${keys.lockedUntil} <= ${now.toISOString()})`,
    })
    .returning({ key: keys.key });
  if (claimed.length === 0) return answerFromStoredKey(c, db, where, requestHash, now);

  // The claim's lease time names it: only this claim may store a response or release the key.
  const mine = and(where, eq(keys.lockedUntil, lease), sql`${keys.status} IS NULL`) as SQL;
  let transaction: Transaction;
  try {
    transaction = await db.$client.transaction("write");
  } catch (error) {
    await releaseKey(db, mine);
    throw error;
  }
  const inTransaction = createDb(clientInTransaction(transaction, db.$client.protocol));
  c.set("deps", withDatabase(deps, inTransaction));
  // rolled_back: nothing of this run is in the database; unknown: the commit failed, so whether it happened is not known.
  let outcome: "rolled_back" | "unknown" | "committed" = "rolled_back";
  try {
    await next();
    // A server failure is not a result worth replaying: its writes are undone and the key released below.
    if (c.res.status < 500) {
      const kept = await keptResponse(c);
      const stored = await inTransaction.update(keys).set(kept).where(mine).returning({ key: keys.key });
      if (stored.length === 0) {
        // The lease ran out before this request got to write, and a retry took the key over: its outcome counts.
        throw new ApiError("conflict", "This request took longer than its Idempotency-Key lease; retry it to get the outcome.", {
          headers: { "Retry-After": "1" },
        });
      }
      outcome = "unknown";
      await transaction.commit();
      outcome = "committed";
    }
  } finally {
    c.set("deps", deps);
    if (outcome !== "committed") await rollBack(transaction);
    // After a failed commit the key stays claimed until its lease ends; a retry then finds the stored
    // response, or runs the request again because nothing was written.
    if (outcome === "rolled_back") await releaseKey(db, mine);
  }
});

/**
 * What a retry will be answered. A response marked `Cache-Control: no-store` carries a secret
 * shown once (a new API key, a feed token): it is not kept; a retry learns that the request
 * was done and where its resource is, as a 409.
 */
async function keptResponse(c: Context<AppEnv>) {
  const headers = Object.fromEntries(replayedHeaders.flatMap((name) => (c.res.headers.has(name) ? [[name, c.res.headers.get(name)]] : [])));
  if (!/\bno-store\b/i.test(c.res.headers.get("Cache-Control") ?? "")) {
    return { status: c.res.status, headers: JSON.stringify(headers), body: await c.res.clone().text() };
  }
  const done = new ApiError(
    "conflict",
    "This request was done already. Its answer held a secret that is shown only once and is not kept; the resource is at Location.",
  );
  const location = c.res.headers.get("location");
  return {
    status: done.status,
    headers: JSON.stringify({ "content-type": "application/problem+json", ...(location ? { location } : {}) }),
    body: JSON.stringify(problemBody(done, c.get("requestId"))),
  };
}

/** Lets a retry run the request again at once. Should that fail too, the lease ends the claim a little later. */
async function releaseKey(db: Db, mine: SQL): Promise<void> {
  try {
    await db.delete(keys).where(mine);
  } catch (error) {
    console.warn("Could not release an idempotency key; it is released when its lease ends:", error);
  }
}

/** The dependencies of a request running inside the transaction: the local outbox is written in it too. */
function withDatabase(deps: AppDeps, db: Db): AppDeps {
  const mailer = deps.mailer.transport === "outbox" ? createOutboxMailer(db, deps.clock, deps.config.mail.from) : deps.mailer;
  return { ...deps, db, mailer };
}

async function rollBack(transaction: Transaction): Promise<void> {
  try {
    await transaction.rollback();
  } catch {
    // The connection is gone (and its transaction with it); nothing left to undo.
    transaction.close();
  }
}

/** The key is held or answered already: replay its response, or tell the retry to wait for the holder. */
async function answerFromStoredKey(c: Context<AppEnv>, db: Db, where: SQL, requestHash: string, now: Date) {
  const stored = await db.query.idempotencyKeys.findFirst({ where });
  if (!stored) {
    throw new ApiError("conflict", "The idempotency key was released meanwhile; retry the request.", { headers: { "Retry-After": "1" } });
  }
  if (stored.requestHash !== requestHash) {
    throw new ApiError(
      "idempotency_key_reused",
      "This Idempotency-Key was used with a different request. Use a new key for a new request.",
    );
  }
  if (stored.status === null) {
    const remainingMs = stored.lockedUntil ? new Date(stored.lockedUntil).getTime() - now.getTime() : 0;
    throw new ApiError("conflict", "A request with this Idempotency-Key is still being processed; retry shortly.", {
      headers: { "Retry-After": String(Math.max(1, Math.ceil(remainingMs / 1000))) },
    });
  }
  const headers: Record<string, string> = { ...JSON.parse(stored.headers ?? "{}"), "Idempotent-Replayed": "true" };
  // A replayed problem names this request's id, as its X-Request-Id header does.
  const body =
    headers["content-type"] === "application/problem+json" && stored.body
      ? JSON.stringify({ ...JSON.parse(stored.body), requestId: c.get("requestId") })
      : stored.body;
  return c.newResponse(body, stored.status as 200, headers);
}

/** Housekeeping: forget keys past their lifetime. */
export async function purgeExpiredIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const removed = await db.delete(keys).where(lt(keys.expiresAt, now.toISOString())).returning({ key: keys.key });
  return removed.length;
}
