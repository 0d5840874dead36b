import { z } from "@hono/zod-openapi";
import { ctxOf } from "../http/context.ts";
import { createRouter, defineRoute, OrgParams, problems } from "../http/openapi.ts";
import { notFound } from "../lib/problems.ts";
import { escapeHtml } from "../mail/template.ts";
import { unsubscribe, unsubscribeSecret, unsubscribeTarget } from "./unsubscribe.service.ts";

const tags = ["Mail"];
const Params = OrgParams.extend({
  token: z
    .string()
    .max(64)
    .openapi({ param: { name: "token", in: "path" } }),
});
const OneClick = z.object({ "List-Unsubscribe": z.string().optional().openapi({ example: "One-Click" }) });
const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

const categoryNames: Record<string, string> = {
  newsletters: "newsletters",
  meeting_summons: "meeting summons",
  campaign_news: "campaign news",
};

function pageHtml(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;
}

const show = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/unsubscribe/{token}",
  operationId: "showUnsubscribe",
  tags,
  summary: "Unsubscribe page (the link in every consent-based e-mail)",
  description: "Shows what the link unsubscribes from, with a button; opening it changes nothing (link scanners open links too).",
  security: [],
  request: { params: Params },
  responses: { 200: html("A confirmation page."), ...problems("not_found", "validation_failed") },
});

const oneClick = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/unsubscribe/{token}",
  operationId: "unsubscribe",
  tags,
  summary: "Unsubscribe, one click (RFC 8058)",
  description:
    "What mail clients POST for `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, and what the page's button sends. No authentication: the token is the authority. Withdraws the member's consent to the mailing's category.",
  security: [],
  request: {
    params: Params,
    body: {
      required: false,
      content: { "application/x-www-form-urlencoded": { schema: OneClick }, "multipart/form-data": { schema: OneClick } },
    },
  },
  responses: { 200: html("Unsubscribed."), ...problems("not_found", "validation_failed", "unsupported_media_type") },
});

export const unsubscribeRoutes = createRouter()
  .openapi(show, async (c) => {
    const ctx = ctxOf(c);
    const secret = await unsubscribeSecret(ctx.db, c.get("deps").config.tokenSecret);
    const target = await unsubscribeTarget(ctx, { secret, token: c.req.valid("param").token });
    if (!target) throw notFound("Unsubscribe link");
    const what = categoryNames[target.category] ?? target.category;
    const body = target.consented
      ? `<h1>Unsubscribe</h1><p>Stop receiving ${escapeHtml(what)} from ${escapeHtml(target.orgName)}?</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`
      : `<h1>Unsubscribed</h1><p>You no longer receive ${escapeHtml(what)} from ${escapeHtml(target.orgName)}.</p>`;
    return c.html(pageHtml("Unsubscribe", body), 200) as never;
  })
  .openapi(oneClick, async (c) => {
    const ctx = ctxOf(c);
    const secret = await unsubscribeSecret(ctx.db, c.get("deps").config.tokenSecret);
    const target = await unsubscribeTarget(ctx, { secret, token: c.req.valid("param").token });
    if (!target) throw notFound("Unsubscribe link");
    if (target.consented) {
      const via = (c.req.header("Content-Type") ?? "").includes("multipart") || c.req.header("Origin") === undefined ? "one_click" : "page";
      await unsubscribe(ctx, { target, via });
    }
    const what = categoryNames[target.category] ?? target.category;
    return c.html(
      pageHtml("Unsubscribed", `<h1>Unsubscribed</h1><p>You no longer receive ${escapeHtml(what)} from ${escapeHtml(target.orgName)}.</p>`),
      200,
    ) as never;
  });
