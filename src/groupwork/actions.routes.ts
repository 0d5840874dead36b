import { memberIdOf } from "../access/viewer.ts";
import { requireMember, requireRole, requireRoleOrMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, immutableVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  bodyProblems,
  createRouter,
  defineRoute,
  etagHeader,
  IdSchema,
  IfMatchHeaders,
  jsonBody,
  jsonContent,
  locationHeader,
  OrgIdParams,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import {
  ActionCreate,
  ActionPublic,
  ActionReportCreate,
  ActionReportPublic,
  ActionTotalsQuery,
  ActionTotalsReport,
  ActionUpdate,
  MyLettersCreate,
} from "./actions.schemas.ts";
import {
  actionTotals,
  createAction,
  getAction,
  getGroupReport,
  listActions,
  listGroupReports,
  reportForGroup,
  reportMyLetters,
  toActionPublic,
  toReportPublic,
  updateAction,
} from "./actions.service.ts";

const tags = ["Actions"];
const readers = [requireRoleOrMember("readonly")];
const staff = [requireRole("staff")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/campaigns/{id}/actions",
  operationId: "listCampaignActions",
  tags,
  summary: "A campaign's actions, by start date",
  description: "For keys and members: what groups are asked to do in the campaign, earliest first.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(ActionPublic, "ActionPage"), "Actions."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/campaigns/{id}/actions",
  operationId: "createCampaignAction",
  tags,
  summary: "Add an action to a campaign",
  description: "An urgent action, a petition or a letter, with whom it presses and the days groups can act on it.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, body: jsonBody(ActionCreate) },
  responses: {
    201: { ...jsonContent(ActionPublic, "The action."), headers: { ...etagHeader, ...locationHeader("action") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/actions/{id}",
  operationId: "getAction",
  tags,
  summary: "Read an action",
  description: "For keys and members. The ETag is the version that `updateAction` takes in If-Match.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(ActionPublic, "The action."), headers: etagHeader }, ...problems(...authProblems) },
});

const patch = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/actions/{id}",
  operationId: "updateAction",
  tags,
  summary: "Update an action",
  description: "Staff only. Give the ETag of the action read last in If-Match; a stale one is 412.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(ActionUpdate) },
  responses: {
    200: { ...jsonContent(ActionPublic, "The updated action."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const groupReport = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/groups/{id}/action-reports",
  operationId: "reportGroupAction",
  tags,
  summary: "Record what a group did for an action",
  description:
    "Letters written, signatures collected, a meeting with a politician, a street activity with its estimated reach, on a day. " +
    "Staff for any group; a convener or contact person for their own. 422 when the action has ended or not begun, the day is " +
    "in the future or before the action, or the group is not active. A report is never changed once made.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams, body: jsonBody(ActionReportCreate) },
  responses: {
    201: { ...jsonContent(ActionReportPublic, "The report."), headers: { ...etagHeader, ...locationHeader("report") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const groupReports = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/action-reports",
  operationId: "listGroupActionReports",
  tags,
  summary: "What a group did for actions, by day",
  description: "For keys, the group's conveners and its members in good standing.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(ActionReportPublic, "ActionReportPage"), "Reports."), ...problems(...authProblems) },
});

const groupReportGet = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/action-reports/{reportId}",
  operationId: "getGroupActionReport",
  tags,
  summary: "Read one action report of a group",
  description: "For keys and the group's conveners and members in good standing; others are refused (403).",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams.extend({ reportId: IdSchema.openapi({ param: { name: "reportId", in: "path" } }) }) },
  responses: { 200: { ...jsonContent(ActionReportPublic, "The report."), headers: etagHeader }, ...problems(...authProblems) },
});

const myLetters = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/me/action-reports",
  operationId: "reportMyLetters",
  tags,
  summary: "Record letters I wrote for an action",
  description: "Counted for the member's group (name it with `groupId` when in several). Needs a membership that is current or in grace.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, body: jsonBody(MyLettersCreate) },
  responses: {
    201: { ...jsonContent(ActionReportPublic, "The report."), headers: { ...etagHeader, ...locationHeader("report") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const totals = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/action-totals",
  operationId: "getActionTotals",
  tags,
  summary: "Totals of what groups did: per action, per group, per campaign",
  description:
    "Letters, signatures, meetings with politicians, street activities and their reach, of the reports the filters select " +
    "(all of the organisation without one), in all and by action and by group.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: ActionTotalsQuery },
  responses: { 200: jsonContent(ActionTotalsReport, "Totals."), ...problems(...authProblems) },
});

export const actionRoutes = createRouter()
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listActions(ctxOf(c), { campaignId: c.req.valid("param").id, limit, cursor }), 200);
  })
  .openapi(create, async (c) => {
    const row = await createAction(ctxOf(c), { campaignId: c.req.valid("param").id, input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${c.get("org").slug}/actions/${row.id}`);
    setEtag(c, row.version);
    return c.json(toActionPublic(row), 201);
  })
  .openapi(get, async (c) => {
    const row = await getAction(ctxOf(c), { id: c.req.valid("param").id });
    setEtag(c, row.version);
    return c.json(toActionPublic(row), 200);
  })
  .openapi(patch, async (c) => {
    const row = await updateAction(ctxOf(c), { id: c.req.valid("param").id, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(toActionPublic(row), 200);
  })
  .openapi(groupReport, async (c) => {
    const groupId = c.req.valid("param").id;
    const row = await reportForGroup(ctxOf(c), { groupId, input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${c.get("org").slug}/groups/${groupId}/action-reports/${row.id}`);
    setEtag(c, immutableVersion);
    return c.json(toReportPublic(row), 201);
  })
  .openapi(groupReports, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listGroupReports(ctxOf(c), { groupId: c.req.valid("param").id, limit, cursor }), 200);
  })
  .openapi(groupReportGet, async (c) => {
    const { id, reportId } = c.req.valid("param");
    const row = await getGroupReport(ctxOf(c), { groupId: id, id: reportId });
    setEtag(c, immutableVersion);
    return c.json(toReportPublic(row), 200);
  })
  .openapi(myLetters, async (c) => {
    const ctx = ctxOf(c);
    const row = await reportMyLetters(ctx, { memberId: memberIdOf(ctx.viewer), input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${c.get("org").slug}/groups/${row.groupId}/action-reports/${row.id}`);
    setEtag(c, immutableVersion);
    return c.json(toReportPublic(row), 201);
  })
  .openapi(totals, async (c) => c.json(await actionTotals(ctxOf(c), c.req.valid("query")), 200));
