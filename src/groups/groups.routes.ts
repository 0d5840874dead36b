import { memberIdOf, viewerOf } from "../access/viewer.ts";
import { requireMember, requireRole, requireRoleOrMember } from "../http/auth.ts";
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
    "Staff find pending proposals with `status=proposed`.",
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
  summary: "Update, close or reopen a group (staff)",
  description:
    "Partial update. `status: closed` ends every open membership today (history kept); a closed district group no longer takes " +
    "members, who become unassigned. `areaIds` replaces a district group's areas and reassigns the members concerned. The kind cannot " +
    "change. `parentId` must be a group of the organisation and may not make a cycle (422).",
  security: bearerSecurity,
  middleware: staff,
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
    const { limit, cursor, ...filter } = c.req.valid("query");
    const viewer = viewerOf(c.get("principal"));
    return c.json(await listGroups(c.get("deps").db, c.get("org").id, viewer, filter, limit, cursor), 200);
  })
  .openapi(create, async (c) => {
    const { db, clock } = c.get("deps");
    const org = c.get("org");
    const row = await createGroup(db, org.id, c.req.valid("json"), clock.now());
    c.header("Location", `/v1/orgs/${org.slug}/groups/${row.id}`);
    setEtag(c, row.version);
    return c.json(await groupPublic(db, row, viewerOf(c.get("principal"))), 201);
  })
  .openapi(propose, async (c) => {
    const { db, clock } = c.get("deps");
    const org = c.get("org");
    const memberId = memberIdOf(c.get("principal"));
    const row = await proposeGroup(db, org, memberId, c.req.valid("json"), clock.now());
    c.header("Location", `/v1/orgs/${org.slug}/groups/${row.id}`);
    setEtag(c, row.version);
    return c.json(await groupPublic(db, row, { kind: "member", memberId }), 201);
  })
  .openapi(get, async (c) => {
    const { db } = c.get("deps");
    const viewer = viewerOf(c.get("principal"));
    const row = await visibleGroup(db, c.get("org").id, viewer, c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(await groupPublic(db, row, viewer), 200);
  })
  .openapi(update, async (c) => {
    const { db, clock } = c.get("deps");
    const row = await updateGroup(db, c.get("org"), c.req.valid("param").id, c.req.valid("json"), expectedVersion(c), clock.now());
    setEtag(c, row.version);
    return c.json(await groupPublic(db, row, viewerOf(c.get("principal"))), 200);
  })
  .openapi(approve, async (c) => {
    const { db, clock } = c.get("deps");
    const row = await approveProposal(db, c.get("org"), c.req.valid("param").id, expectedVersion(c), clock.now());
    setEtag(c, row.version);
    return c.json(await groupPublic(db, row, viewerOf(c.get("principal"))), 200);
  })
  .openapi(decline, async (c) => {
    const { db, clock } = c.get("deps");
    const { id } = c.req.valid("param");
    const row = await declineProposal(db, c.get("org"), id, c.req.valid("json").reason, expectedVersion(c), clock.now());
    setEtag(c, row.version);
    return c.json(await groupPublic(db, row, viewerOf(c.get("principal"))), 200);
  });
