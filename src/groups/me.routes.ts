import { memberIdOf } from "../access/viewer.ts";
import { requireMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  createRouter,
  defineRoute,
  etagHeader,
  IdSchema,
  IfMatchHeaders,
  jsonContent,
  locationHeader,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { notFound } from "../lib/problems.ts";
import { MyGroup } from "./groups.schemas.ts";
import { visibleGroup } from "./groups.service.ts";
import { myGroups } from "./roster.queries.ts";
import { endMembership, entryVersion, joinSelf } from "./roster.service.ts";

/** A member's own groups, with a member token: list, join, leave. */

const tags = ["Group members"];
const GroupParams = OrgParams.extend({ groupId: IdSchema.openapi({ param: { name: "groupId", in: "path" } }) });

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/me/groups",
  operationId: "listMyGroups",
  tags,
  summary: "My groups",
  description:
    "The groups the member is in now, with their role: joined ones and the district group their address assigns (source `district`).",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(MyGroup, "MyGroupPage"), "Groups, by group id."), ...problems(...authProblems) },
});

const getOne = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/me/groups/{groupId}",
  operationId: "getMyGroup",
  tags,
  summary: "My membership of one group",
  description:
    "The signed-in member's place in one group: the group, their role, when they joined, and whether by joining or by their district. Shares its ETag with the roster entry. A member token only.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: GroupParams },
  responses: { 200: { ...jsonContent(MyGroup, "The membership."), headers: etagHeader }, ...problems(...authProblems) },
});

const join = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/me/groups/{groupId}",
  operationId: "joinGroup",
  tags,
  summary: "Join a group",
  description:
    "Members join active local groups, networks, interest groups and working groups themselves. A district group follows the " +
    "address (409 `district_assigned`); committees are appointed by staff (403). Needs active standing (409 with `reason`); " +
    "joining twice is 409 `already_member`.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: GroupParams },
  responses: {
    201: {
      ...jsonContent(MyGroup, "The membership."),
      headers: { ...etagHeader, ...locationHeader("membership") },
    },
    ...problems(...authProblems, "conflict", "idempotency_key_reused"),
  },
});

const leave = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/me/groups/{groupId}",
  operationId: "leaveGroup",
  tags,
  summary: "Leave a group",
  description:
    "Ends the membership today (kept in the group's history); a convener stepping down leaves this way too. The district group " +
    "of one's address cannot be left (409 `district_assigned`), only an explicit role in it.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: GroupParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Left." }, ...problems(...authProblems, "conflict", "precondition_failed") },
});

export const meRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await myGroups(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(getOne, async (c) => {
    const ctx = ctxOf(c);
    const memberId = memberIdOf(ctx.principal);
    const { groupId } = c.req.valid("param");
    // The same entry as the group's roster has for the member, with the same ETag.
    const version = await entryVersion(ctx, { groupId, memberId });
    const [entry] = (await myGroups(ctx, { limit: 1, groupId })).data;
    if (!entry) throw notFound("Your membership of this group");
    setEtag(c, version);
    return c.json(entry, 200);
  })
  .openapi(join, async (c) => {
    const ctx = ctxOf(c);
    const memberId = memberIdOf(ctx.principal);
    const group = await visibleGroup(ctx, c.req.valid("param").groupId);
    await joinSelf(ctx, group);
    const version = await entryVersion(ctx, { groupId: group.id, memberId });
    const [entry] = (await myGroups(ctx, { limit: 1, groupId: group.id })).data;
    if (!entry) throw notFound("Your membership of this group");
    c.header("Location", `/v1/orgs/${ctx.org.slug}/me/groups/${group.id}`);
    setEtag(c, version);
    return c.json(entry, 201);
  })
  .openapi(leave, async (c) => {
    const ctx = ctxOf(c);
    const memberId = memberIdOf(ctx.principal);
    const group = await visibleGroup(ctx, c.req.valid("param").groupId);
    await endMembership(ctx, { group, memberId, expected: expectedVersion(c) });
    return c.body(null, 204);
  });
