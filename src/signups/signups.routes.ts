import { z } from "@hono/zod-openapi";
import { limits } from "../abuse/limits.ts";
import { enforce } from "../abuse/rate-limit.ts";
import { per, rateLimitedResponses, requestClient, requestRateLimiter } from "../abuse/requests.ts";
import { checkReturnTo, emailKeyOf } from "../auth/sign-in.service.ts";
import { afterResponse } from "../http/after-response.ts";
import { ctxOf } from "../http/context.ts";
import { bodyProblems, createRouter, defineRoute, jsonBody, jsonContent, OrgParams, problems } from "../http/openapi.ts";
import { type Language, translate } from "../i18n/index.ts";
import { escapeHtml } from "../mail/template.ts";
import { SignupAccepted, SignupConfirm, SignupConfirmed, SignupCreate } from "./signups.schemas.ts";
import {
  confirmSignup,
  createSignup,
  mailSignupConfirmation,
  signupExpired,
  signupPurposeText,
  signupTtlHours,
  viewSignup,
} from "./signups.service.ts";

const tags = ["Public sign-up"];

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/signups",
  operationId: "signUp",
  tags,
  summary: "Sign up for the newsletter or a public event (double opt-in, no key)",
  description:
    "Stores a pending sign-up and e-mails a confirmation link at once; nothing is stored as consent and no person is created " +
    `until the link is followed (within ${signupTtlHours} hours). Always 202, whether or not the address is known. An event must ` +
    "be public and take registrations (404 / 409 otherwise); on confirmation a person who is not a member registers as a guest. " +
    `\`ref\`: a group's recruitment link. Limited per address (${per(limits.signupPerAddress)}) and per client ` +
    `(${per(limits.signupPerClient)}): 429 with \`Retry-After\`.`,
  security: [],
  request: { params: OrgParams, body: jsonBody(SignupCreate) },
  responses: {
    202: jsonContent(SignupAccepted, "A confirmation link is on its way to the address."),
    ...problems("not_found", "conflict", "validation_failed", ...bodyProblems),
    ...rateLimitedResponses,
  },
});

const confirm = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/signups/confirm",
  operationId: "confirmSignup",
  tags,
  summary: "Confirm a sign-up with the token of its e-mailed link (for frontends)",
  description:
    "Finds the person with the address (member or contact) or creates a contact, sets the consents asked for, registers for the " +
    "event, and attributes a new contact to the recruitment link's group, all at once. Confirming again answers the same and " +
    "changes nothing. 410 once the link has expired, 404 for a token never issued; 409 when the event can no longer take the " +
    "person (with `reason`).",
  security: [],
  request: { params: OrgParams, body: jsonBody(SignupConfirm) },
  responses: {
    200: jsonContent(SignupConfirmed, "Confirmed."),
    ...problems("not_found", "conflict", "gone", "validation_failed", ...bodyProblems),
  },
});

const TokenParams = OrgParams.extend({
  token: z
    .string()
    .max(200)
    .openapi({ param: { name: "token", in: "path" } }),
});
const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });
const FormBody = z.object({ confirm: z.string().optional() });

const page = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/signups/confirm/{token}",
  operationId: "showSignupConfirmation",
  tags,
  summary: "Confirmation page (the link in the sign-up mail)",
  description:
    "Shows what the link confirms, with a button that posts the form; opening it confirms nothing (mail scanners open links too).",
  security: [],
  request: { params: TokenParams },
  responses: { 200: html("The confirmation page."), ...problems("not_found", "gone", "validation_failed") },
});

const pageConfirm = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/signups/confirm/{token}",
  operationId: "confirmSignupFromPage",
  tags,
  summary: "Confirm a sign-up from its page (the page's form)",
  description: "What the confirmation page's button posts; the same confirmation as `POST …/signups/confirm`, answered as a page.",
  security: [],
  request: {
    params: TokenParams,
    body: { required: true, content: { "application/x-www-form-urlencoded": { schema: FormBody } } },
  },
  responses: {
    200: html("Confirmed."),
    ...problems("not_found", "conflict", "gone", "validation_failed", "unsupported_media_type"),
  },
});

function pageHtml(language: Language, title: string, body: string): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;
}

type PageView = { language: Language; orgName: string; eventTitle: string | null };

/** The variables of a page's texts; rendered with the html option, so an event's title is escaped. */
const pageVariables = (view: PageView) => ({ what: signupPurposeText(view.language, view.eventTitle), "org.name": view.orgName });

function confirmationPage(view: PageView) {
  const { language } = view;
  const title = translate(language, "signup.title");
  const body =
    `<h1>${escapeHtml(title)}</h1><p>${translate(language, "signup.question", pageVariables(view), { html: true })}</p>` +
    `<form method="post"><input type="hidden" name="confirm" value="1"><button type="submit">${escapeHtml(translate(language, "signup.button"))}</button></form>`;
  return pageHtml(language, title, body);
}

function confirmedPage(view: PageView) {
  const { language } = view;
  const title = translate(language, "signup.doneTitle");
  return pageHtml(
    language,
    title,
    `<h1>${escapeHtml(title)}</h1><p>${translate(language, "signup.done", pageVariables(view), { html: true })}</p>`,
  );
}

export const signupRoutes = createRouter()
  .openapi(create, async (c) => {
    const input = c.req.valid("json");
    const deps = c.get("deps");
    const ctx = ctxOf(c);
    const returnTo = checkReturnTo(input.returnTo, deps.config);
    // Counted alike for every address, known or not, so a 429 tells nothing either.
    await enforce(
      requestRateLimiter(c),
      [
        [limits.signupPerClient, requestClient(c)],
        [limits.signupPerAddress, `${ctx.org.id}\n${emailKeyOf(input.email)}`],
      ],
      "Too many sign-ups were sent.",
    );
    const pending = await createSignup(ctx, { input });
    let link: string;
    if (returnTo) {
      const url = new URL(returnTo);
      url.searchParams.set("token", pending.token);
      link = url.toString();
    } else {
      link = `${deps.config.publicUrl}/v1/orgs/${ctx.org.slug}/signups/confirm/${pending.token}`;
    }
    afterResponse(c, "Mailing a sign-up confirmation", () => mailSignupConfirmation(ctx, { mailer: deps.mailer, pending, link }));
    return c.json({ status: "accepted" as const }, 202);
  })
  .openapi(confirm, async (c) => c.json(await confirmSignup(ctxOf(c), { token: c.req.valid("json").token }), 200))
  .openapi(page, async (c) => {
    const ctx = ctxOf(c);
    const { token } = c.req.valid("param");
    const view = await viewSignup(ctx, { token });
    if (view.confirmedAt !== null) return c.html(confirmedPage(view), 200) as never;
    if (view.expired) throw signupExpired();
    return c.html(confirmationPage(view), 200) as never;
  })
  .openapi(pageConfirm, async (c) => {
    const ctx = ctxOf(c);
    const { token } = c.req.valid("param");
    await confirmSignup(ctx, { token });
    return c.html(confirmedPage(await viewSignup(ctx, { token })), 200) as never;
  });
