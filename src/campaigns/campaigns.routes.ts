import { and, eq } from "drizzle-orm";
import { schema } from "../db/index.ts";
import { Instant, maxRangeDays, OccurrencePublic } from "../events/events.schemas.ts";
import { listOccurrences, rangeOf } from "../events/occurrences.ts";
import { sightOf, visibleTo } from "../events/visibility.ts";
import { requireRole, requireRoleOrMember } from "../http/auth.ts";
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
import { invalid } from "../lib/problems.ts";
import { CampaignCreate, CampaignFigures, CampaignListQuery, CampaignPublic, CampaignUpdate } from "./campaigns.schemas.ts";
import {
  campaignFigures,
  campaignView,
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  periodOf,
  updateCampaign,
} from "./campaigns.service.ts";

const tags = ["Campaigns"];
const readers = [requireRoleOrMember("readonly")];
const staff = [requireRole("staff")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/campaigns",
  operationId: "listCampaigns",
  tags,
  summary: "List campaigns by start date",
  description:
    "The organisation's campaigns ordered by start date, cursor-paginated; `programmeArea` keeps those in one programme area. API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: PageQuery.extend(CampaignListQuery.shape) },
  responses: { 200: jsonContent(pageOf(CampaignPublic, "CampaignPage"), "Campaigns, earliest first."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/campaigns",
  operationId: "createCampaign",
  tags,
  summary: "Create a campaign",
  description:
    "A campaign with its name, description, focus, period and materials; events join it by their `campaignId`. Staff or admin keys.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgParams, body: jsonBody(CampaignCreate) },
  responses: {
    201: {
      ...jsonContent(CampaignPublic, "The campaign."),
      headers: { ...etagHeader, ...locationHeader("campaign") },
    },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/campaigns/{id}",
  operationId: "getCampaign",
  tags,
  summary: "Read a campaign",
  description: "One campaign with its focus, period and materials, with its ETag. API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(CampaignPublic, "The campaign."), headers: etagHeader }, ...problems(...authProblems) },
});

const patch = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/campaigns/{id}",
  operationId: "updateCampaign",
  tags,
  summary: "Update a campaign",
  description: "Changes the fields sent. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(CampaignUpdate) },
  responses: {
    200: { ...jsonContent(CampaignPublic, "The updated campaign."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/campaigns/{id}",
  operationId: "deleteCampaign",
  tags,
  summary: "Delete a campaign (its events stay, without a campaign)",
  description: "Deletes the campaign; its events remain, no longer part of a campaign. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Deleted." }, ...problems(...authProblems, "precondition_failed") },
});

const calendar = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/campaigns/{id}/events",
  operationId: "listCampaignEvents",
  tags,
  summary: "The campaign's calendar",
  description: `Occurrences of the campaign's events the caller may see. Without \`from\`/\`to\` the campaign's period is used; it, or the range given, may span at most ${maxRangeDays} days.`,
  security: bearerSecurity,
  middleware: readers,
  request: {
    params: OrgIdParams,
    query: PageQuery.extend({ from: Instant.optional(), to: Instant.optional() }),
  },
  responses: {
    200: jsonContent(pageOf(OccurrencePublic, "EventOccurrencePage"), "Occurrences in start order."),
    ...problems(...authProblems),
  },
});

const figures = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/campaigns/{id}/figures",
  operationId: "getCampaignFigures",
  tags,
  summary: "A campaign's figures: events, occurrences, registrations, attendance",
  description: "Counts of the campaign's events, their occurrences, registrations and attendance, computed when asked. Any API key.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgIdParams },
  responses: { 200: jsonContent(CampaignFigures, "Figures."), ...problems(...authProblems) },
});

export const campaignRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await listCampaigns(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createCampaign(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/campaigns/${row.id}`);
    setEtag(c, row.version);
    return c.json(await campaignView(ctx, row), 201);
  })
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const row = await getCampaign(ctx, c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(await campaignView(ctx, row), 200);
  })
  .openapi(patch, async (c) => {
    const ctx = ctxOf(c);
    const row = await updateCampaign(ctx, { id: c.req.valid("param").id, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(await campaignView(ctx, row), 200);
  })
  .openapi(remove, async (c) => {
    await deleteCampaign(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    return c.body(null, 204);
  })
  .openapi(calendar, async (c) => {
    const ctx = ctxOf(c);
    const { org } = ctx;
    const campaign = await getCampaign(ctx, c.req.valid("param").id);
    const query = c.req.valid("query");
    if ((query.from === undefined) !== (query.to === undefined))
      throw invalid(query.from ? "query.to" : "query.from", "give both from and to, or neither");
    const period = periodOf(campaign, org.timeZone);
    const range = rangeOf({ from: query.from ?? new Date(period.from).toISOString(), to: query.to ?? new Date(period.to).toISOString() });
    const sight = await sightOf(ctx);
    const filter = and(visibleTo(sight), eq(schema.events.campaignId, campaign.id));
    return c.json(await listOccurrences(ctx, { range, filter, limit: query.limit, cursor: query.cursor }), 200);
  })
  .openapi(figures, async (c) => c.json(await campaignFigures(ctxOf(c), c.req.valid("param").id), 200));
