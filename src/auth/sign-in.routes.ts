import { z } from "@hono/zod-openapi";
import { limits } from "../abuse/limits.ts";
import { enforce, tooManyRequests } from "../abuse/rate-limit.ts";
import { per, rateLimitedResponses, requestClient, requestRateLimiter } from "../abuse/requests.ts";
import { afterResponse } from "../http/after-response.ts";
import { ctxOf } from "../http/context.ts";
import { bodyProblems, createRouter, defineRoute, jsonBody, jsonContent, OrgParams, problems } from "../http/openapi.ts";
import { EmailField } from "../lib/fields.ts";
import { ApiError } from "../lib/problems.ts";
import { checkReturnTo, emailKeyOf, exchangeSignInCode, issueSignInCode, mailSignInCode } from "./sign-in.service.ts";

const tags = ["Member sign-in"];

const MagicLinkRequest = z
  .object({
    email: EmailField,
    returnTo: z
      .string()
      .max(2000)
      .optional()
      .openapi({
        description:
          "Frontend URL the e-mailed link opens, with `?code=…` added. Must be https (http only on localhost), on this deployment's " +
          "origin (GRASROT_PUBLIC_URL) or one listed in GRASROT_CORS_ORIGINS.",
        example: "https://members.example.org/sign-in",
      }),
  })
  .strict()
  .openapi("MagicLinkRequest");

const TokenRequest = z
  .object({ code: z.string().min(1).max(200) })
  .strict()
  .openapi("MemberTokenRequest");

const MemberToken = z
  .object({
    token: z.string().openapi({ description: "Send as `Authorization: Bearer <token>`." }),
    tokenType: z.literal("Bearer"),
    expiresAt: z.string().openapi({ format: "date-time" }),
    memberId: z.string(),
  })
  .openapi("MemberToken");

const magicLink = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/auth/magic-link",
  operationId: "requestSignInLink",
  tags,
  summary: "E-mail a member a one-time sign-in code",
  description:
    "Always 202, whether or not the address belongs to a member, and in the same time: the mail is sent after the answer, so " +
    `addresses cannot be probed. Limited per address (${per(limits.signInMailPerAddress)}) and per client ` +
    `(${per(limits.signInMailPerClient)}): 429 with \`Retry-After\`, for members' and unknown addresses alike.`,
  security: [],
  request: { params: OrgParams, body: jsonBody(MagicLinkRequest) },
  responses: {
    202: jsonContent(z.object({ status: z.literal("accepted") }), "If the address is a member's, a code is on its way."),
    ...problems("not_found", "validation_failed", ...bodyProblems),
    ...rateLimitedResponses,
  },
});

const token = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/auth/token",
  operationId: "exchangeSignInCode",
  tags,
  summary: "Exchange a sign-in code for a short-lived member token",
  description:
    "A code works once, for 15 minutes, in its own organisation only. Wrong codes are limited per client " +
    `(${per(limits.signInFailuresPerClient)}): past that, 429 with \`Retry-After\` until the window ends, whatever code is sent.`,
  security: [],
  request: { params: OrgParams, body: jsonBody(TokenRequest) },
  responses: {
    200: jsonContent(MemberToken, "A member token, valid for an hour."),
    ...problems("unauthorized", "not_found", "validation_failed", ...bodyProblems),
    ...rateLimitedResponses,
  },
});

export const signInRoutes = createRouter()
  .openapi(magicLink, async (c) => {
    const { email, returnTo } = c.req.valid("json");
    const deps = c.get("deps");
    const ctx = ctxOf(c);
    const link = checkReturnTo(returnTo, deps.config);
    // Counted alike for members' and unknown addresses, so a 429 tells nothing either.
    await enforce(
      requestRateLimiter(c),
      [
        [limits.signInMailPerClient, requestClient(c)],
        [limits.signInMailPerAddress, `${ctx.org.id}\n${emailKeyOf(email)}`],
      ],
      "Too many sign-in codes were asked for.",
    );
    const issued = await issueSignInCode(ctx, { email });
    if (issued) afterResponse(c, "Mailing a sign-in code", () => mailSignInCode(ctx, { mailer: deps.mailer, issued, returnTo: link }));
    return c.json({ status: "accepted" as const }, 202);
  })
  .openapi(token, async (c) => {
    const deps = c.get("deps");
    const limiter = requestRateLimiter(c);
    const client = requestClient(c);
    // A client over its failures is refused before its code is looked at, so guessing on learns nothing.
    const standing = await limiter.check(limits.signInFailuresPerClient, client);
    if (!standing.allowed) throw tooManyRequests(standing, "Too many wrong sign-in codes came from this client.");
    try {
      const code = c.req.valid("json").code;
      return c.json(await exchangeSignInCode(ctxOf(c), { code, configuredSecret: deps.config.tokenSecret }), 200);
    } catch (error) {
      if (error instanceof ApiError && error.code === "unauthorized") await limiter.hit(limits.signInFailuresPerClient, client);
      throw error;
    }
  });
