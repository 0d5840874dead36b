import { z } from "@hono/zod-openapi";
import { ctxOf } from "../http/context.ts";
import { createRouter, defineRoute, OrgParams, problems } from "../http/openapi.ts";
import { translate } from "../i18n/index.ts";
import { notFound } from "../lib/problems.ts";
import { escapeHtml } from "../mail/template.ts";
import { type UnsubscribeTarget, unsubscribe, unsubscribeSecret, unsubscribeTarget } from "./unsubscribe.service.ts";

const tags = ["Mail"];
const Params = OrgParams.extend({
  token: z
    .string()
    .max(64)
    .openapi({ param: { name: "token", in: "path" } }),
});
const OneClick = z.object({ "List-Unsubscribe": z.string().optional().openapi({ example: "One-Click" }) });
const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

/** The page in the reader's language, every value escaped. */
function page(target: UnsubscribeTarget, state: "ask" | "done"): string {
  const { language } = target;
  const what = isConsentCategory(target.category) ? translate(language, `category.${target.category}`) : target.category;
  const vars = { what, "org.name": target.orgName };
  const title = translate(language, state === "ask" ? "unsubscribe.title" : "unsubscribe.doneTitle");
  const body =
    state === "ask"
      ? `<h1>${escapeHtml(title)}</h1><p>${translate(language, "unsubscribe.question", vars, { html: true })}</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(translate(language, "unsubscribe.button"))}</button></form>`
      : `<h1>${escapeHtml(title)}</h1><p>${translate(language, "unsubscribe.done", vars, { html: true })}</p>`;
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;
}

const isConsentCategory = (category: string): category is "newsletters" | "meeting_summons" | "campaign_news" =>
  category === "newsletters" || category === "meeting_summons" || category === "campaign_news";

const show = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/unsubscribe/{token}",
  operationId: "showUnsubscribe",
  tags,
  summary: "Unsubscribe page (the link in every consent-based e-mail)",
  description:
    "Shows what the link unsubscribes from, with a button; opening it changes nothing (link scanners open links too). " +
    "In the member's preferred language when Grasrot speaks it (Swedish, English), else the organisation's.",
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
    return c.html(page(target, target.consented ? "ask" : "done"), 200) as never;
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
    return c.html(page(target, "done"), 200) as never;
  });
