import { and, eq, isNull } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { schema } from "../db/index.ts";
import { sha256Hex, timingSafeEqual } from "../lib/crypto.ts";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./problem.ts";

export const roles = ["admin", "staff", "readonly"] as const;
export type Role = (typeof roles)[number];

/**
 * Who is calling. API keys act for an organisation with a role; the operator runs the
 * deployment; member tokens (a person acting for themselves) join this union later.
 */
export type Principal = { kind: "anonymous" } | { kind: "operator" } | { kind: "api_key"; keyId: string; orgId: string; role: Role };

const rank: Record<Role, number> = { readonly: 0, staff: 1, admin: 2 };

const unauthorized = (detail: string) =>
  new ApiError("unauthorized", detail, { headers: { "WWW-Authenticate": 'Bearer realm="grasrot"' } });

/** The bearer token of the request; undefined when there is no Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized("The Authorization header must be 'Bearer <key>'.");
  return match[1];
}

/**
 * Resolves the organisation named in the path and the caller. A key of another
 * organisation gets 404, exactly as an unknown slug does, so slugs cannot be probed.
 */
export const orgContext = createMiddleware<AppEnv>(async (c, next) => {
  const { db } = c.get("deps");
  const slug = c.req.param("org") ?? "";
  const token = bearerToken(c.req.header("Authorization"));
  const orgMissing = new ApiError("not_found", `Organisation '${slug}' was not found.`);

  if (token === undefined) {
    const org = await db.query.organisations.findFirst({
      columns: { id: true, slug: true },
      where: eq(schema.organisations.slug, slug),
    });
    if (!org) throw orgMissing;
    c.set("principal", { kind: "anonymous" });
    c.set("org", org);
    return next();
  }

  const hash = await sha256Hex(token);
  const [found] = await db
    .select({ keyId: schema.apiKeys.id, role: schema.apiKeys.role, orgId: schema.organisations.id, slug: schema.organisations.slug })
    .from(schema.apiKeys)
    .innerJoin(schema.organisations, eq(schema.organisations.id, schema.apiKeys.orgId))
    .where(and(eq(schema.apiKeys.secretHash, hash), isNull(schema.apiKeys.revokedAt)))
    .limit(1);
  if (!found) throw unauthorized("The API key is not valid or has been revoked.");
  if (found.slug !== slug) throw orgMissing;
  c.set("principal", { kind: "api_key", keyId: found.keyId, orgId: found.orgId, role: found.role });
  c.set("org", { id: found.orgId, slug: found.slug });
  return next();
});

/** Route guard: an API key of at least `minimum` role. */
export function requireRole(minimum: Role) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    if (principal.kind !== "api_key") throw unauthorized("This operation needs an API key.");
    if (rank[principal.role] < rank[minimum]) {
      throw new ApiError("forbidden", `This operation needs a key with the '${minimum}' role; this key is '${principal.role}'.`);
    }
    return next();
  });
}

/** Route guard for the deployment operator's key (configuration GRASROT_OPERATOR_KEY). */
export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const { operatorKey } = c.get("deps").config;
  const token = bearerToken(c.req.header("Authorization"));
  if (token === undefined) throw unauthorized("This operation needs the operator key.");
  if (!operatorKey) throw new ApiError("forbidden", "No operator key is configured on this deployment.");
  const [given, expected] = await Promise.all([sha256Hex(token), sha256Hex(operatorKey)]);
  if (!timingSafeEqual(given, expected)) throw unauthorized("The operator key is not valid.");
  c.set("principal", { kind: "operator" });
  return next();
});

/** The scope idempotency keys and audit entries are recorded under. */
export function principalScope(principal: Principal): string {
  switch (principal.kind) {
    case "api_key":
      return `key:${principal.keyId}`;
    case "operator":
      return "operator";
    case "anonymous":
      return "anonymous";
  }
}
