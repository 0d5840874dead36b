import { requireMember, requireRole, requireRoleOrMember } from "../http/auth.ts";
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
import { GroupCreate, GroupDecline, GroupListQuery, GroupProposalCreate, GroupPublic, GroupUpdate } from "./groups.schemas.ts";
import { createGroup, groupPublic, listGroups, updateGroup, visibleGroup } from "./groups.service.ts";
import { approveProposal, declineProposal, proposeGroup } from "./proposals.service.ts";

const tags = ["Groups"];
const readers = [requireRoleOrMember("readonly")];
/** Staff only; a member is told where members start groups instead. */
const staff = [requireRole("staff", "Groups are created and changed by staff; members propose a group with POST …/groups/proposals.")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups",
  operationId: "listGroups",
  tags,
  summary: "List groups",
  description:
    "By name. Keys see every group; a member sees active groups and their own proposals (`status=proposed` lists those). " +
    "Staff find pending proposals with `status=proposed`. Each group carries its member count and its conveners' names, counted for the " +
    "whole page in one query. `regionId` lists the groups below a region, `town` those in a town.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: PageQuery.extend(GroupListQuery.shape) },
  responses: { 200: jsonContent(pageOf(GroupPublic, "GroupPage"), "Groups."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/groups",
  operationId: "createGroup",
  tags,
  summary: "Create a group (staff)",
  description:
    "The group is active at once. A district group may cover areas (`areaIds`, district only, else 422); an area is covered by at " +
    "most one district group (409). The members living in those areas are assigned to the group in the same transaction.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgParams, body: jsonBody(GroupCreate) },
  responses: {
    201: { ...jsonContent(GroupPublic, "The group."), headers: { ...etagHeader, ...locationHeader("group") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused", "conflict"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}",
  operationId: "getGroup",
  tags,
  summary: "Read a group",
  description: "A member may read active groups and their own proposals (with the decline reason); anything else is 404 to them.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(GroupPublic, "The group."), headers: etagHeader }, ...problems(...authProblems) },
});

const update = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/groups/{id}",
  operationId: "updateGroup",
  tags,
  summary: "Update, close or reopen a group (staff; conveners their group's profile)",
  description:
    "Partial update. Staff change everything. A convener (or contact person) of the group, while in good standing, changes its " +
    "`description`, `focusTags` and `meetingPlace` with a member token; a body naming any other field is 403, as is another group. " +
    "`town` and `areaId` say where a local group is; `parentId` places it under its region. `status: closed` ends every open membership today (history kept); a closed district group no longer takes " +
    "members, who become unassigned. `areaIds` replaces a district group's areas and reassigns the members concerned. The kind cannot " +
    "change. `parentId` must be a group of the organisation and may not make a cycle (422).",
  security: bearerSecurity,
  middleware: readers,
  request: {
    params: OrgIdParams,
    headers: IfMatchHeaders,
    body: jsonBody(GroupUpdate),
  },
  responses: {
    200: { ...jsonContent(GroupPublic, "The updated group."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const propose = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/groups/proposals",
  operationId: "proposeGroup",
  tags,
  summary: "Propose a new group (member)",
  description:
    "A member in active standing (current or in-grace membership of an active kind; otherwise 409 with the reason) proposes a " +
    "local group, network, interest group or working group. It is created with status `proposed`; staff approve or decline it.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, body: jsonBody(GroupProposalCreate) },
  responses: {
    201: { ...jsonContent(GroupPublic, "The proposal."), headers: { ...etagHeader, ...locationHeader("group") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused", "conflict"),
  },
});

const approve = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/groups/{id}/approve",
  operationId: "approveGroupProposal",
  tags,
  summary: "Approve a proposed group (staff)",
  description:
    "The group becomes active and the proposer its convener from today. 409 if the proposal is already decided, or if the " +
    "proposer is no longer in active standing (decline it, or renew the membership first).",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(GroupPublic, "The approved group."), headers: etagHeader },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

const decline = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/groups/{id}/decline",
  operationId: "declineGroupProposal",
  tags,
  summary: "Decline a proposed group (staff)",
  description: "The reason is kept and shown to the proposer. 409 if the proposal is already decided.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(GroupDecline) },
  responses: {
    200: { ...jsonContent(GroupPublic, "The declined proposal."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

export const groupCoreRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await listGroups(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createGroup(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/groups/${row.id}`);
    setEtag(c, row.version);
    return c.json(await groupPublic(ctx, row), 201);
  })
  .openapi(propose, async (c) => {
    const ctx = ctxOf(c);
    const row = await proposeGroup(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/groups/${row.id}`);
    setEtag(c, row.version);
    return c.json(await groupPublic(ctx, row), 201);
  })
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const row = await visibleGroup(ctx, c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(await groupPublic(ctx, row), 200);
  })
  .openapi(update, async (c) => {
    const ctx = ctxOf(c);
    const row = await updateGroup(ctx, { id: c.req.valid("param").id, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(await groupPublic(ctx, row), 200);
  })
  .openapi(approve, async (c) => {
    const ctx = ctxOf(c);
    const row = await approveProposal(ctx, { id: c.req.valid("param").id, expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(await groupPublic(ctx, row), 200);
  })
  .openapi(decline, async (c) => {
    const ctx = ctxOf(c);
    const row = await declineProposal(ctx, {
      id: c.req.valid("param").id,
      reason: c.req.valid("json").reason,
      expected: expectedVersion(c),
    });
    setEtag(c, row.version);
    return c.json(await groupPublic(ctx, row), 200);
  });
