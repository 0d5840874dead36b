import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  bodyProblems,
  createRouter,
  defineRoute,
  etagHeader,
  IfMatchHeaders,
  jsonBody,
  jsonContent,
  locationHeader,
  OrgIdParams,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { mailingViewOf } from "./about.ts";
import {
  DeliveryPublic,
  DeliveryQuery,
  MailingCreate,
  MailingListQuery,
  MailingPublic,
  MailingUpdate,
  Preview,
} from "./mailings.schemas.ts";
import {
  cancelMailing,
  createMailing,
  getMailing,
  listDeliveries,
  listMailings,
  previewMailing,
  progressOf,
  toMailingPublic,
  updateMailing,
} from "./mailings.service.ts";

const tags = ["Mailings"];
const writeProblems = [...authProblems, ...bodyProblems, "conflict"] as const;

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/mailings",
  operationId: "createMailing",
  tags,
  summary: "Create a mailing",
  description:
    "Templates use `{{variable}}`: member.name, member.firstName, member.email, member.number, org.name, group.name, unsubscribeUrl (and event.* for event registrants). An unknown variable is a 422. With `sendAt` the mailing is scheduled; with `recurrence` (cron, in the organisation's time zone) each occurrence is sent as its own mailing; with neither it is a draft.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, body: jsonBody(MailingCreate) },
  responses: {
    201: {
      ...jsonContent(MailingPublic, "The mailing."),
      headers: { ...etagHeader, ...locationHeader("mailing") },
    },
    ...problems(...writeProblems, "idempotency_key_reused"),
  },
});

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mailings",
  operationId: "listMailings",
  tags,
  summary: "List mailings, newest first",
  description:
    "The organisation's mailings, newest first, with their status, audience and schedule; filtered by `status` or `kind`. Any API key. Progress counts are left out of lists: read one mailing for them.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgParams, query: PageQuery.merge(MailingListQuery) },
  responses: {
    200: jsonContent(pageOf(MailingPublic, "MailingPage"), "Mailings (progress is null in lists)."),
    ...problems(...authProblems),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mailings/{id}",
  operationId: "getMailing",
  tags,
  summary: "Read a mailing with its progress",
  description:
    "One mailing with its templates, audience, schedule and delivery progress (counts per delivery status once its recipients are fixed), with its ETag. Any API key.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(MailingPublic, "The mailing."), headers: etagHeader }, ...problems(...authProblems) },
});

const update = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/mailings/{id}",
  operationId: "updateMailing",
  tags,
  summary: "Change a draft or scheduled mailing",
  description: "Only before sending starts (409 after). `status` moves it between draft and scheduled.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(MailingUpdate) },
  responses: {
    200: { ...jsonContent(MailingPublic, "The mailing."), headers: etagHeader },
    ...problems(...writeProblems, "precondition_failed"),
  },
});

const cancel = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/mailings/{id}/cancel",
  operationId: "cancelMailing",
  tags,
  summary: "Cancel a mailing",
  description:
    "A draft or scheduled mailing never goes out; a sending one stops (messages already sent stay sent); a recurring one makes no more occurrences.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(MailingPublic, "The cancelled mailing."), headers: etagHeader },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

const preview = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mailings/{id}/preview",
  operationId: "previewMailing",
  tags,
  summary: "Recipient count and a rendered sample",
  description:
    "How many members the audience holds now and how many of them would be mailed (after consent, suppressed addresses and missing addresses), with the mail rendered for a sample recipient. Sends nothing. Staff or admin keys.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams },
  responses: { 200: jsonContent(Preview, "Who would get it now, and what the first of them would read."), ...problems(...authProblems) },
});

const deliveries = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mailings/{id}/deliveries",
  operationId: "listMailingDeliveries",
  tags,
  summary: "Recipients of a mailing with their delivery status",
  description:
    "Each recipient of the mailing with their delivery status (`pending`, `sending`, `sent`, `failed`, `suppressed`, `cancelled`), the reason, attempts and when it was sent, cursor-paginated. Staff or admin keys.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, query: PageQuery.merge(DeliveryQuery) },
  responses: {
    200: jsonContent(pageOf(DeliveryPublic, "MailingDeliveryPage"), "Deliveries in the order they were queued."),
    ...problems(...authProblems),
  },
});

export const mailingCoreRoutes = createRouter()
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createMailing(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/mailings/${row.id}`);
    setEtag(c, row.version);
    return c.json(toMailingPublic(row, null, await mailingViewOf(ctx)), 201);
  })
  .openapi(list, async (c) => {
    return c.json(await listMailings(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const row = await getMailing(ctx, c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(toMailingPublic(row, row.materialisedAt ? await progressOf(ctx, row.id) : null, await mailingViewOf(ctx)), 200);
  })
  .openapi(update, async (c) => {
    const ctx = ctxOf(c);
    const row = await updateMailing(ctx, { id: c.req.valid("param").id, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(toMailingPublic(row, null, await mailingViewOf(ctx)), 200);
  })
  .openapi(cancel, async (c) => {
    const ctx = ctxOf(c);
    const row = await cancelMailing(ctx, { id: c.req.valid("param").id, expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(toMailingPublic(row, row.materialisedAt ? await progressOf(ctx, row.id) : null, await mailingViewOf(ctx)), 200);
  })
  .openapi(preview, async (c) => {
    const ctx = ctxOf(c);
    const row = await getMailing(ctx, c.req.valid("param").id);
    return c.json(await previewMailing(ctx, { row, config: c.get("deps").config }), 200);
  })
  .openapi(deliveries, async (c) => {
    const ctx = ctxOf(c);
    const row = await getMailing(ctx, c.req.valid("param").id);
    return c.json(await listDeliveries(ctx, { mailingId: row.id, ...c.req.valid("query") }), 200);
  });
