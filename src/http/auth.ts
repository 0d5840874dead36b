import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { memberIdOf, unauthorized } from "../access/viewer.ts";
import { looksLikeMemberToken, tokenSecret, verifyMemberToken } from "../auth/member-tokens.ts";
import type { Principal, Role } from "../auth/principal.ts";
import { type Db, schema } from "../db/index.ts";
import { sha256Hex, timingSafeEqual } from "../lib/crypto.ts";
import { ApiError } from "../lib/problems.ts";
import { livePersonId } from "../members/members.queries.ts";
import type { OrgContext } from "../orgs/context.ts";
import { CallerCache } from "./caller-cache.ts";
import type { AppEnv } from "./env.ts";

const rank: Record<Role, number> = { readonly: 0, staff: 1, admin: 2 };

/** The bearer token of the request; undefined when there is no Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized("The Authorization header must be 'Bearer <key>'.");
  return match[1];
}

const orgColumns = { id: schema.organisations.id, slug: schema.organisations.slug, timeZone: schema.organisations.timeZone };

type KeyCaller = { principal: Extract<Principal, { kind: "api_key" }>; org: OrgContext };

/**
 * What authentication remembers between requests, one per app: API keys' callers by the
 * key, organisations by slug (see CallerCache for how long, and why).
 */
export class AuthCache {
  readonly keys = new CallerCache<KeyCaller>();
  readonly orgs = new CallerCache<OrgContext>();
  #memberTokenSecret: string | undefined;

  /**
   * The member-token key, read from the database once per app: it never changes once made.
   * tokenSecret remembers it per Db, which on Workers is made per invocation, so without this
   * every member-token request there would spend two statements on it. Kept as the value,
   * never as a pending promise, so no request waits on I/O another request started.
   */
  async memberTokenSecret(db: Db, configured: string | undefined): Promise<string> {
    this.#memberTokenSecret ??= await tokenSecret(db, configured);
    return this.#memberTokenSecret;
  }

  /** After a key is revoked or an organisation changed: the next request looks everything up afresh. */
  clear() {
    this.keys.clear();
    this.orgs.clear();
  }
}

/**
 * The caller an API key secret stands for, and the key's organisation; undefined when no
 * active key has this secret (unknown, or revoked). With a cache, an active key found
 * lately is taken from it; unknown keys are always looked up.
 */
export async function apiKeyCaller(db: Db, secret: string, cache?: AuthCache): Promise<KeyCaller | undefined> {
  // Remembered by the secret itself, which the request carries anyway: hashing it (WebCrypto,
  // asynchronous) cost more than everything else authentication does. Kept a second at most.
  const cached = cache?.keys.get(secret);
  if (cached) return cached;
  const generation = cache?.keys.generation ?? 0;
  const hash = await sha256Hex(secret);
  const [found] = await db
    .select({
      keyId: schema.apiKeys.id,
      role: schema.apiKeys.role,
      org: orgColumns,
    })
    .from(schema.apiKeys)
    .innerJoin(schema.organisations, eq(schema.organisations.id, schema.apiKeys.orgId))
    .where(and(eq(schema.apiKeys.secretHash, hash), isNull(schema.apiKeys.revokedAt)))
    .limit(1);
  if (!found) return undefined;
  const caller: KeyCaller = { principal: { kind: "api_key", keyId: found.keyId, orgId: found.org.id, role: found.role }, org: found.org };
  cache?.keys.set(secret, caller, generation);
  return caller;
}

async function orgBySlug(db: Db, slug: string, cache: AuthCache): Promise<OrgContext | undefined> {
  const cached = cache.orgs.get(slug);
  if (cached) return cached;
  const generation = cache.orgs.generation;
  const [org] = await db.select(orgColumns).from(schema.organisations).where(eq(schema.organisations.slug, slug)).limit(1);
  if (org) cache.orgs.set(slug, org, generation);
  return org;
}

/**
 * Resolves the organisation named in the path and the caller. A key of another
 * organisation gets 404, exactly as an unknown slug does, so slugs cannot be probed.
 * `cache` is the app's: routes that revoke a key or change an organisation clear it
 * (`forgetCallers`).
 */
export function orgContext(cache: AuthCache) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { db, clock, config } = c.get("deps");
    c.set("authCache", cache);
    const slug = c.req.param("org") ?? "";
    const token = bearerToken(c.req.header("Authorization"));
    // Made only when needed: an error records a stack trace, a cost no request should pay for nothing.
    const orgMissing = () => new ApiError("not_found", `Organisation '${slug}' was not found.`);

    if (token === undefined || looksLikeMemberToken(token)) {
      const org = await orgBySlug(db, slug, cache);
      if (!org) throw orgMissing();
      c.set("org", org);
      if (token === undefined) {
        c.set("principal", { kind: "anonymous" });
        return next();
      }
      const claims = await verifyMemberToken(await cache.memberTokenSecret(db, config.tokenSecret), token, clock.now());
      if (!claims) throw unauthorized("The member token is not valid or has expired; sign in again.");
      if (claims.orgId !== org.id) throw orgMissing();
      // Never cached: an erased member's token stops working on the next request.
      const [member] = await livePersonId(db).all({ id: claims.memberId, orgId: org.id });
      if (!member) throw unauthorized("The member of this token no longer exists.");
      c.set("principal", { kind: "member", memberId: member.id, orgId: org.id });
      return next();
    }

    const found = await apiKeyCaller(db, token, cache);
    if (!found) throw unauthorized("The API key is not valid or has been revoked.");
    if (found.org.slug !== slug) throw orgMissing();
    c.set("principal", found.principal);
    c.set("org", found.org);
    return next();
  });
}

/** Forgets what authentication remembered, after a change it depends on (a revoked key, a changed organisation). */
export function forgetCallers(c: Context<AppEnv>) {
  c.get("authCache")?.clear();
}

/** Route guard: a member acting for themselves (member token); the handler reads the id with `memberIdOf`. */
export const requireMember = createMiddleware<AppEnv>(async (c, next) => {
  memberIdOf(c.get("principal"));
  return next();
});

/** Route guard: an API key of at least `minimum` role, or a member token (the handler then checks what the member may do). */
export function requireRoleOrMember(minimum: Role) {
  const keyGuard = requireRole(minimum);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("principal").kind === "member") return next();
    return keyGuard(c, next);
  });
}

/**
 * Route guard: an API key of at least `minimum` role. A member token is refused with
 * `toMembers` where the route can tell members what they do instead.
 */
export function requireRole(minimum: Role, toMembers = "Members cannot do this with a member token.") {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    if (principal.kind === "member") throw new ApiError("forbidden", toMembers);
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
