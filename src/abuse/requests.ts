import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/env.ts";
import { ProblemSchema } from "../http/problem.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { clientAddress } from "./client-address.ts";
import { limits } from "./limits.ts";
import { databaseRateLimiter, enforce, type RateLimiter, type RateLimitRule, withRateLimitBindings } from "./rate-limit.ts";

/** The limiter of a request: the Workers bindings it has (c.env), else the database. */
export function requestRateLimiter(c: Context<AppEnv>): RateLimiter {
  const { db, clock } = c.get("deps");
  return withRateLimitBindings(c.env, databaseRateLimiter(db, clock));
}

/** The client of a request, as the deployment's settings say to find it. */
export const requestClient = (c: Context<AppEnv>) => clientAddress(c, c.get("deps").config.trustedProxyHops ?? 0);

/**
 * Limits the requests made with one API key (or member token), before the route looks at the
 * key: counted by the key's hash. A request without a bearer token is left to the route's own
 * authentication, which refuses it.
 */
export function limitPerBearerToken(rule: RateLimitRule, what: string): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
    if (token !== undefined) {
      await enforce(requestRateLimiter(c), [[rule, await sha256Hex(token)]], `${what} allows ${per(rule)} per key.`);
    }
    return next();
  });
}

/** A rule in words, for descriptions and problems: "5 per hour", "20 per 10 minutes". */
export function per(rule: RateLimitRule): string {
  const window = rule.windowSeconds;
  const unit =
    window % 3600 === 0
      ? ([window / 3600, "hour"] as const)
      : window % 60 === 0
        ? ([window / 60, "minute"] as const)
        : ([window, "second"] as const);
  return `${rule.limit} per ${unit[0] === 1 ? unit[1] : `${unit[0]} ${unit[1]}s`}`;
}

/** `POST /v1/tally`: counts per API key (mounted in app.ts, before the route's own authentication). */
export const tallyRateLimit = limitPerBearerToken(limits.tallyPerApiKey, "Counting");

const tooManyDescription = "Too many requests: a limit of this route was reached (see Abuse limits); wait `Retry-After` seconds.";
const retryAfterHeader = {
  "Retry-After": { schema: { type: "integer" as const, minimum: 1 }, description: "Seconds to wait before trying again." },
};

/** The documented 429 of a limited route (route definitions spread it into `responses`). */
export const rateLimitedResponses = {
  429: { description: tooManyDescription, headers: retryAfterHeader, content: { "application/problem+json": { schema: ProblemSchema } } },
};

/** Adds the 429 to an operation limited by middleware outside its route definition (app.ts mounts it). */
export function documentRateLimit(document: { paths?: Record<string, unknown> }, path: string, method: string): void {
  const operation = (document.paths?.[path] as Record<string, { responses?: Record<string, unknown> }> | undefined)?.[method];
  if (!operation?.responses) throw new Error(`No operation ${method.toUpperCase()} ${path} to document a rate limit on`);
  operation.responses["429"] = {
    description: tooManyDescription,
    headers: retryAfterHeader,
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  };
}
