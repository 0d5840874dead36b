import { and, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import type { AppConfig } from "../deps.ts";
import { languageFor, translate } from "../i18n/index.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { ApiError } from "../lib/problems.ts";
import type { Mailer } from "../mail/mailer.ts";
import { signMemberToken, tokenSecret } from "./member-tokens.ts";

export const signInCodeTtlMs = 15 * 60 * 1000;

/** The form every address is compared and counted in, as members' `email_key` holds it. */
export const emailKeyOf = (email: string) => email.trim().toLowerCase();

const isLocalHttp = (url: URL) => url.protocol === "http:" && ["localhost", "127.0.0.1"].includes(url.hostname);

/**
 * Where the link in the e-mail may point: this deployment (GRASROT_PUBLIC_URL) or a frontend
 * listed in GRASROT_CORS_ORIGINS, never anywhere else — the link carries the code, and a
 * link elsewhere would hand it to whoever asked for the mail.
 */
export function checkReturnTo(returnTo: string | undefined, config: Pick<AppConfig, "corsOrigins" | "publicUrl">): URL | undefined {
  if (returnTo === undefined) return undefined;
  const url = URL.canParse(returnTo) ? new URL(returnTo) : undefined;
  if (!url || (url.protocol !== "https:" && !isLocalHttp(url))) {
    throw new ApiError("validation_failed", "returnTo must be an https URL of your frontend.", {
      errors: [{ field: "body.returnTo", message: "must be an https URL" }],
    });
  }
  const allowed = new Set([new URL(config.publicUrl).origin, ...(config.corsOrigins === "*" ? [] : config.corsOrigins)]);
  if (!allowed.has(url.origin)) {
    throw new ApiError(
      "validation_failed",
      "returnTo must be on this deployment (GRASROT_PUBLIC_URL) or on one of the origins listed in GRASROT_CORS_ORIGINS.",
      { errors: [{ field: "body.returnTo", message: "origin not allowed" }] },
    );
  }
  return url;
}

export interface IssuedCode {
  memberId: string;
  code: string;
}

/**
 * Makes a one-time code for the member with this address, if there is one. Known and unknown
 * addresses cost the same: a code is made either way, and one statement inserts it for the
 * member it finds — or for nobody. Only what happens after the response differs.
 */
export async function issueSignInCode(ctx: Ctx, options: { email: string }): Promise<IssuedCode | undefined> {
  const { db, org, now } = ctx;
  const { email } = options;
  const m = schema.members;
  const code = randomToken(32);
  const codeHash = await sha256Hex(code);
  const [issued] = await db
    .insert(schema.signInCodes)
    .select(
      db
        .select({
          codeHash: sql<string>`${codeHash}`.as("code_hash"),
          orgId: m.orgId,
          memberId: m.id,
          expiresAt: sql<string>`${new Date(now.getTime() + signInCodeTtlMs).toISOString()}`.as("expires_at"),
          usedAt: sql<null>`NULL`.as("used_at"),
          createdAt: sql<string>`${now.toISOString()}`.as("created_at"),
        })
        .from(m)
        .where(and(eq(m.orgId, org.id), eq(m.emailKey, emailKeyOf(email)), isNull(m.erasedAt), isNotNull(m.email))),
    )
    .returning({ memberId: schema.signInCodes.memberId });
  return issued ? { memberId: issued.memberId, code } : undefined;
}

/** Sends an issued code to its member; run after the response, so its cost shows in no timing. */
export async function mailSignInCode(ctx: Ctx, options: { mailer: Mailer; issued: IssuedCode; returnTo: URL | undefined }) {
  const { db, org } = ctx;
  const { mailer, issued, returnTo } = options;
  const [found] = await db
    .select({
      name: schema.members.name,
      email: schema.members.email,
      preferredLanguage: schema.members.preferredLanguage,
      organisation: schema.organisations.name,
      orgLocale: schema.organisations.locale,
    })
    .from(schema.members)
    .innerJoin(schema.organisations, eq(schema.organisations.id, schema.members.orgId))
    .where(and(eq(schema.members.id, issued.memberId), eq(schema.members.orgId, org.id), isNull(schema.members.erasedAt)));
  if (!found?.email) return;
  const language = languageFor(found.preferredLanguage, found.orgLocale);
  let link = "";
  if (returnTo) {
    const url = new URL(returnTo);
    url.searchParams.set("code", issued.code);
    link = translate(language, "signIn.link", { url: url.toString() });
  }
  const variables = { "org.name": found.organisation, "member.name": found.name ?? "", code: issued.code, link };
  await mailer.send({
    to: found.email,
    orgId: org.id,
    subject: translate(language, "signIn.subject", variables).replace(/[\r\n]+/g, " "),
    text: translate(language, "signIn.text", variables),
    // The code is the member's key: whoever reads it can act as them.
    secrets: [issued.code],
  });
}

/** Exchanges a sign-in code, once, for a member token signed with the configured secret (or the stored one). */
export async function exchangeSignInCode(ctx: Ctx, options: { code: string; configuredSecret: string | undefined }) {
  const { db, org, now } = ctx;
  const { code } = options;
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
  const secret = await tokenSecret(db, options.configuredSecret);
  const token = await signMemberToken(secret, { memberId: member.id, orgId: org.id }, now);
  return { token: token.token, tokenType: "Bearer" as const, expiresAt: token.expiresAt, memberId: member.id };
}
