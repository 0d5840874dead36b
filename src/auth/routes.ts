import { z } from "@hono/zod-openapi";
import { EmailField } from "../http/fields.ts";
import { bodyProblems, createRouter, defineRoute, jsonBody, jsonContent, OrgParams, problems } from "../http/openapi.ts";
import { checkReturnTo, exchangeSignInCode, sendSignInLink } from "./sign-in.ts";

const tags = ["Member sign-in"];

const MagicLinkRequest = z
  .object({
    email: EmailField,
    returnTo: z.string().max(2000).optional().openapi({
      description: "Frontend URL the e-mailed link opens, with `?code=…` added. Must be https, on an allowed origin.",
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
  description: "Always 202, whether or not the address belongs to a member, so addresses cannot be probed.",
  security: [],
  request: { params: OrgParams, body: jsonBody(MagicLinkRequest) },
  responses: {
    202: jsonContent(z.object({ status: z.literal("accepted") }), "If the address is a member's, a code is on its way."),
    ...problems("not_found", "validation_failed", ...bodyProblems),
  },
});

const token = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/auth/token",
  operationId: "exchangeSignInCode",
  tags,
  summary: "Exchange a sign-in code for a short-lived member token",
  security: [],
  request: { params: OrgParams, body: jsonBody(TokenRequest) },
  responses: {
    200: jsonContent(MemberToken, "A member token, valid for an hour."),
    ...problems("unauthorized", "not_found", "validation_failed", ...bodyProblems),
  },
});

export const signInRoutes = createRouter()
  .openapi(magicLink, async (c) => {
    const { email, returnTo } = c.req.valid("json");
    const deps = c.get("deps");
    await sendSignInLink(deps, c.get("org"), email, checkReturnTo(returnTo, deps.config.corsOrigins));
    return c.json({ status: "accepted" as const }, 202);
  })
  .openapi(token, async (c) => {
    const deps = c.get("deps");
    return c.json(await exchangeSignInCode(deps, c.get("org"), c.req.valid("json").code), 200);
  });
