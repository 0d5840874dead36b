import { eq } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { randomToken } from "../lib/crypto.ts";
import { signJwt, verifyJwt } from "../lib/jwt.ts";

/** Member tokens are short-lived: a member signs in again by e-mail link. */
export const memberTokenTtlSeconds = 60 * 60;

/** Member tokens look like JWTs; API keys never do. */
export const looksLikeMemberToken = (token: string) => /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(token);

const secrets = new WeakMap<Db, Promise<string>>();

/**
 * The signing key: configured (GRASROT_TOKEN_SECRET), or made once by the deployment and
 * kept in its database, so the embedded default needs no configuration. The insert is
 * "first writer wins", so two instances starting together agree on one key.
 */
export function tokenSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return Promise.resolve(configured);
  let secret = secrets.get(db);
  if (!secret) {
    secret = (async () => {
      await db
        .insert(schema.deploymentSecrets)
        .values({ name: "member_token_key", value: randomToken(48) })
        .onConflictDoNothing();
      const row = await db.query.deploymentSecrets.findFirst({ where: eq(schema.deploymentSecrets.name, "member_token_key") });
      if (!row) throw new Error("member token key missing after insert");
      return row.value;
    })();
    secret.catch(() => secrets.delete(db));
    secrets.set(db, secret);
  }
  return secret;
}

export interface MemberClaims {
  memberId: string;
  orgId: string;
}

export async function signMemberToken(secret: string, claims: MemberClaims, now: Date) {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + memberTokenTtlSeconds;
  const token = await signJwt({ sub: claims.memberId, org: claims.orgId, typ: "member", iat, exp }, secret);
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The claims of a valid, unexpired member token; undefined for anything else. */
export async function verifyMemberToken(secret: string, token: string, now: Date): Promise<MemberClaims | undefined> {
  const payload = await verifyJwt(token, secret);
  if (payload?.typ !== "member" || typeof payload.sub !== "string" || typeof payload.org !== "string") return undefined;
  if (typeof payload.exp !== "number" || payload.exp * 1000 <= now.getTime()) return undefined;
  return { memberId: payload.sub, orgId: payload.org };
}
