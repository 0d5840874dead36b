import { and, eq, gt, isNull } from "drizzle-orm";
import { schema } from "../db/index.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../http/problem.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { signMemberToken, tokenSecret } from "./member-tokens.ts";

export const signInCodeTtlMs = 15 * 60 * 1000;

/** Where the link in the e-mail may point: a frontend of the organisation, never anywhere else. */
export function checkReturnTo(returnTo: string | undefined, corsOrigins: "*" | string[]): URL | undefined {
  if (returnTo === undefined) return undefined;
  const url = URL.canParse(returnTo) ? new URL(returnTo) : undefined;
  const local = url?.protocol === "http:" && ["localhost", "127.0.0.1"].includes(url.hostname);
  if (!url || (url.protocol !== "https:" && !local)) {
    throw new ApiError("validation_failed", "returnTo must be an https URL of your frontend.", {
      errors: [{ field: "body.returnTo", message: "must be an https URL" }],
    });
  }
  if (corsOrigins !== "*" && !corsOrigins.includes(url.origin)) {
    throw new ApiError("validation_failed", "returnTo must be on one of the origins allowed by GRASROT_CORS_ORIGINS.", {
      errors: [{ field: "body.returnTo", message: "origin not allowed" }],
    });
  }
  return url;
}

/**
 * Sends a one-time sign-in code to the member with this e-mail, if there is one.
 * The caller answers the same whether or not the address is known.
 */
export async function sendSignInLink(deps: AppDeps, org: { id: string }, email: string, returnTo: URL | undefined) {
  const { db, clock, mailer } = deps;
  const member = await db.query.members.findFirst({
    columns: { id: true, name: true, email: true },
    where: and(eq(schema.members.orgId, org.id), eq(schema.members.emailKey, email.trim().toLowerCase()), isNull(schema.members.erasedAt)),
  });
  if (!member?.email) return;
  const organisation = await db.query.organisations.findFirst({ columns: { name: true }, where: eq(schema.organisations.id, org.id) });
  const code = randomToken(32);
  const now = clock.now();
  await db.insert(schema.signInCodes).values({
    codeHash: await sha256Hex(code),
    orgId: org.id,
    memberId: member.id,
    expiresAt: new Date(now.getTime() + signInCodeTtlMs).toISOString(),
    createdAt: now.toISOString(),
  });
  let link = "";
  if (returnTo) {
    const url = new URL(returnTo);
    url.searchParams.set("code", code);
    link = `\n\nOpen this link to sign in:\n${url}\n`;
  }
  await mailer.send({
    to: member.email,
    orgId: org.id,
    subject: `Sign in to ${organisation?.name ?? "Grasrot"}`,
    text: `Hello ${member.name ?? ""},${link}\n\nYour sign-in code: ${code}\n\nIt works once, for 15 minutes. If you did not ask to sign in, ignore this message.\n`,
  });
}

/** Exchanges a sign-in code, once, for a member token. */
export async function exchangeSignInCode(deps: AppDeps, org: { id: string }, code: string) {
  const { db, clock } = deps;
  const now = clock.now();
  const codes = schema.signInCodes;
  const [used] = await db
    .update(codes)
    .set({ usedAt: now.toISOString() })
    .where(
      and(eq(codes.codeHash, await sha256Hex(code)), eq(codes.orgId, org.id), isNull(codes.usedAt), gt(codes.expiresAt, now.toISOString())),
    )
    .returning({ memberId: codes.memberId });
  if (!used) throw new ApiError("unauthorized", "The sign-in code is not valid, was already used, or has expired.");
  const member = await db.query.members.findFirst({
    columns: { id: true },
    where: and(eq(schema.members.id, used.memberId), isNull(schema.members.erasedAt)),
  });
  if (!member) throw new ApiError("unauthorized", "The member of this code no longer exists.");
  const secret = await tokenSecret(db, deps.config.tokenSecret);
  const token = await signMemberToken(secret, { memberId: member.id, orgId: org.id }, now);
  return { token: token.token, tokenType: "Bearer" as const, expiresAt: token.expiresAt, memberId: member.id };
}
