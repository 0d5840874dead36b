/**
 * Member tokens are HS256 JSON Web Tokens: those issued before (by hono/jwt) still sign a
 * member in, and nothing but an unexpired member token signed with the deployment's key does.
 */
import { sign, verify } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { signMemberToken, verifyMemberToken } from "../../src/auth/member-tokens.ts";

const secret = "a-deployment-secret-of-at-least-32-characters";
const now = new Date("2026-11-30T09:00:00Z");
const claims = { memberId: "0b6f6c2e-5d0e-4b7e-9a43-3f1f0c9d2a11", orgId: "org-1" };
const seconds = Math.floor(now.getTime() / 1000);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("member tokens", () => {
  it("are standard HS256 tokens, in both directions: a token of hono/jwt verifies, and ours verify with it", async () => {
    const earlier = await sign(
      { sub: claims.memberId, org: claims.orgId, typ: "member", iat: seconds, exp: seconds + 3600 },
      secret,
      "HS256",
    );
    expect(await verifyMemberToken(secret, earlier, now)).toEqual(claims);
    const { token } = await signMemberToken(secret, claims, now);
    expect(await verify(token, secret, { alg: "HS256", exp: false, iat: false })).toMatchObject({
      sub: claims.memberId,
      org: claims.orgId,
      typ: "member",
    });
    expect(await verifyMemberToken(secret, token, now)).toEqual(claims);
  });

  it("refuse another key, a changed payload, another algorithm, an expired token and anything malformed, after the token was found valid", async () => {
    const { token } = await signMemberToken(secret, claims, now);
    // Found valid first, so that what a valid token leaves behind is tried against each refusal.
    expect(await verifyMemberToken(secret, token, now)).toEqual(claims);
    const [head, , signature] = token.split(".");
    const forged = `${head}.${base64url({ sub: "someone-else", org: claims.orgId, typ: "member", exp: seconds + 3600 })}.${signature}`;
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: claims.memberId, org: claims.orgId, typ: "member", exp: seconds + 3600 })}.`;
    const notMember = await sign({ sub: claims.memberId, org: claims.orgId, typ: "admin", exp: seconds + 3600 }, secret, "HS256");
    for (const [what, candidate, key, at] of [
      ["another key", token, "another-deployment-secret-of-32-characters", now],
      ["a changed payload", forged, secret, now],
      ["alg none", unsigned, secret, now],
      ["another kind of token", notMember, secret, now],
      ["expired", token, secret, new Date(now.getTime() + 3600_000)],
      ["malformed", "eyJ.not-base64!.x", secret, now],
      ["two parts", `${head}.${signature}`, secret, now],
    ] as const) {
      expect(await verifyMemberToken(key, candidate, at), what).toBeUndefined();
    }
  });
});
