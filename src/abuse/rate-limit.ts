import { eq, lte, sql } from "drizzle-orm";
import { type Db, schema } from "../db/index.ts";
import type { Clock } from "../deps.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { ApiError } from "../lib/problems.ts";

/** A limit: at most `limit` events per key in each window of `windowSeconds`. */
export interface RateLimitRule {
  /** Names the counter, so two rules never count into one. */
  name: string;
  limit: number;
  windowSeconds: number;
  /**
   * On Workers, the Rate Limiting binding (wrangler.toml `[[ratelimits]]`) that enforces this
   * rule when it is configured; its `limit` and `period` must be the rule's. Only rules with a
   * window Cloudflare accepts (10 or 60 seconds) and counted with `hit` can have one.
   */
  binding?: string;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until the key may try again; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one event against `key` and tells whether it is still within the rule. */
  hit(rule: RateLimitRule, key: string): Promise<RateLimitVerdict>;
  /**
   * Tells whether `key` is within the rule without counting: for limits on failures, which
   * are counted (with `hit`) only once they have happened.
   */
  check(rule: RateLimitRule, key: string): Promise<RateLimitVerdict>;
}

const allowed: RateLimitVerdict = { allowed: true, retryAfterSeconds: 0 };

function verdictOf(rule: RateLimitRule, hits: number, windowEndsAt: string, now: Date): RateLimitVerdict {
  if (hits <= rule.limit) return allowed;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(windowEndsAt) - now.getTime()) / 1000)) };
}

/** The counter's row key: the rule and the key, hashed, so no address is stored in clear. */
const counterKey = (rule: RateLimitRule, key: string) => sha256Hex(`${rule.name}\n${key}`);

/**
 * Fixed windows counted in the database, so every process on one database shares them (the
 * Node server and `npm run tick` on one file; every Worker isolate on one libSQL database).
 * One statement per hit: an upsert that starts a new window when the old one has ended.
 */
export function databaseRateLimiter(db: Db, clock: Clock): RateLimiter {
  const t = schema.rateLimitCounters;
  return {
    async hit(rule, key) {
      const now = clock.now();
      const nowIso = now.toISOString();
      const windowEndsAt = new Date(now.getTime() + rule.windowSeconds * 1000).toISOString();
      // SQLite evaluates every SET expression against the row as it was, so both CASEs see the old window.
      const ended = sql`${t.windowEndsAt} <= ${nowIso}`;
      const [row] = await db
        .insert(t)
        .values({ key: await counterKey(rule, key), hits: 1, windowEndsAt })
        .onConflictDoUpdate({
          target: t.key,
          set: {
            hits: sql`CASE WHEN ${ended} THEN 1 ELSE ${t.hits} + 1 END`,
            windowEndsAt: sql`CASE WHEN ${ended} THEN ${windowEndsAt} ELSE ${t.windowEndsAt} END`,
          },
        })
        .returning({ hits: t.hits, windowEndsAt: t.windowEndsAt });
      if (!row) throw new Error("rate limit upsert returned no row");
      return verdictOf(rule, row.hits, row.windowEndsAt, now);
    },
    async check(rule, key) {
      const now = clock.now();
      const row = await db.query.rateLimitCounters.findFirst({ where: eq(t.key, await counterKey(rule, key)) });
      if (!row || row.windowEndsAt <= now.toISOString()) return allowed;
      // Within the rule while the next event would still be allowed.
      return verdictOf(rule, row.hits + 1, row.windowEndsAt, now);
    },
  };
}

/** Forgets counters whose window has ended (the daily housekeeping job). */
export async function purgeEndedRateLimitWindows(db: Db, now: Date): Promise<number> {
  const t = schema.rateLimitCounters;
  const removed = await db.delete(t).where(lte(t.windowEndsAt, now.toISOString())).returning({ key: t.key });
  return removed.length;
}

/** What a Cloudflare Rate Limiting binding offers (`env.NAME.limit({ key })`). */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

function bindingOf(bindings: unknown, rule: RateLimitRule): RateLimitBinding | undefined {
  if (!rule.binding || typeof bindings !== "object" || bindings === null) return undefined;
  const candidate = (bindings as Record<string, unknown>)[rule.binding];
  return typeof (candidate as RateLimitBinding | undefined)?.limit === "function" ? (candidate as RateLimitBinding) : undefined;
}

/**
 * Rules with a configured Workers binding are counted by Cloudflare, at the edge and without a
 * database statement; everything else by `fallback`. The binding does not say when its window
 * ends, so a refusal asks to wait its whole period.
 */
export function withRateLimitBindings(bindings: unknown, fallback: RateLimiter): RateLimiter {
  return {
    async hit(rule, key) {
      const binding = bindingOf(bindings, rule);
      if (!binding) return fallback.hit(rule, key);
      const { success } = await binding.limit({ key });
      return success ? allowed : { allowed: false, retryAfterSeconds: rule.windowSeconds };
    },
    check: (rule, key) => fallback.check(rule, key),
  };
}

/** 429 with Retry-After: the problem every limit answers with. */
export function tooManyRequests(verdict: RateLimitVerdict, detail: string): ApiError {
  const seconds = Math.max(1, verdict.retryAfterSeconds);
  return new ApiError("too_many_requests", `${detail} Try again in ${seconds} seconds.`, {
    headers: { "Retry-After": String(seconds) },
  });
}

/** Counts every event against its rule; if any is over its limit, refuses with the longest wait. */
export async function enforce(limiter: RateLimiter, events: [RateLimitRule, string][], detail: string): Promise<void> {
  const verdicts = await Promise.all(events.map(([rule, key]) => limiter.hit(rule, key)));
  const refused = verdicts.filter((verdict) => !verdict.allowed);
  if (refused.length === 0) return;
  throw tooManyRequests({ allowed: false, retryAfterSeconds: Math.max(...refused.map((v) => v.retryAfterSeconds)) }, detail);
}
