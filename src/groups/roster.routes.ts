import type { Ctx } from "../access/context.ts";
import { requireRoleOrMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, setEtag } from "../http/etag.ts";
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
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { notFound } from "../lib/problems.ts";
import { HistoryQuery, MembershipRecord, Role, RoleChange, RosterAdd, RosterEntry } from "./groups.schemas.ts";
import { visibleGroup } from "./groups.service.ts";
import { historyOf, rosterOf } from "./roster.queries.ts";
import { addToGroup, changeRole, checkLeaderChange, currentRole, endMembership, entryVersion, rosterAccess } from "./roster.service.ts";

const tags = ["Group members"];
const MemberParams = OrgIdParams.extend({ memberId: IdSchema.openapi({ param: { name: "memberId", in: "path" } }) });
const whoReads =
  "Readable by API keys and by the group's own conveners and contact persons (member token) while their membership is current or in grace, " +
  "who all see contact details; " +
  "other members get 403 (404 for a group they cannot see).";
const whoWrites =
  "Staff keys manage every roster. A group's conveners and contact persons manage its members and contact persons, but only " +
  "staff appoint or remove conveners and keep committee rosters (403).";

const roster = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/members",
  operationId: "listGroupMembers",
  tags,
  summary: "The group's roster now",
  description: `Members with their role. For a district group: the members its areas assign (source \`district\`) and the explicit roles. ${whoReads}`,
  security: bearerSecurity,
  middleware: [requireRoleOrMember("readonly")],
  request: { params: OrgIdParams, query: PageQuery.extend({ role: Role.optional() }) },
  responses: { 200: jsonContent(pageOf(RosterEntry, "GroupRosterPage"), "The roster, by member id."), ...problems(...authProblems) },
});

const history = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/membership-history",
  operationId: "listGroupMembershipHistory",
  tags,
  summary: "Every membership of the group, past and present",
  description:
    "Joined and left dates of every explicit membership (a role change ends one record and starts the next), and for a district " +
    `group each stay of a member assigned by address. Oldest first. ${whoReads}`,
  security: bearerSecurity,
  middleware: [requireRoleOrMember("readonly")],
  request: { params: OrgIdParams, query: PageQuery.extend(HistoryQuery.shape) },
  responses: { 200: jsonContent(pageOf(MembershipRecord, "GroupMembershipHistoryPage"), "Records."), ...problems(...authProblems) },
});

const getOne = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/members/{memberId}",
  operationId: "getGroupMember",
  tags,
  summary: "One member of the group's roster",
  description: whoReads,
  security: bearerSecurity,
  middleware: [requireRoleOrMember("readonly")],
  request: { params: MemberParams },
  responses: { 200: { ...jsonContent(RosterEntry, "The roster entry."), headers: etagHeader }, ...problems(...authProblems) },
});

const add = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/groups/{id}/members",
  operationId: "addGroupMember",
  tags,
  summary: "Add a member to the group with a role",
  description:
    "The group must be active and the member in active standing (a current or in-grace membership of an active kind); otherwise " +
    "409 with `reason` (`group_not_active`, `membership_lapsed`, `membership_none`, `membership_not_active_kind`). Already in the " +
    "group: 409 `already_member`. A district group takes its ordinary members from their address: role `member` there is 409 " +
    `\`district_assigned\`. ${whoWrites}`,
  security: bearerSecurity,
  middleware: [requireRoleOrMember("staff")],
  request: { params: OrgIdParams, body: jsonBody(RosterAdd) },
  responses: {
    201: {
      ...jsonContent(RosterEntry, "The new roster entry."),
      headers: { ...etagHeader, ...locationHeader("roster entry") },
    },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused", "conflict"),
  },
});

const patch = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/groups/{id}/members/{memberId}",
  operationId: "changeGroupMemberRole",
  tags,
  summary: "Change a member's role in the group",
  description: `Ends the current record and starts one with the new role today, so the history shows each role's period. ${whoWrites}`,
  security: bearerSecurity,
  middleware: [requireRoleOrMember("staff")],
  request: { params: MemberParams, headers: IfMatchHeaders, body: jsonBody(RoleChange) },
  responses: {
    200: { ...jsonContent(RosterEntry, "The roster entry."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/groups/{id}/members/{memberId}",
  operationId: "removeGroupMember",
  tags,
  summary: "End a member's membership of the group",
  description:
    "Sets the left date to today; the record stays in the history. Members assigned to a district group by address cannot be " +
    `removed (409 \`district_assigned\`); only their explicit role ends. ${whoWrites} Leaders may always remove themselves.`,
  security: bearerSecurity,
  middleware: [requireRoleOrMember("staff")],
  request: { params: MemberParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Ended." }, ...problems(...authProblems, "conflict", "precondition_failed") },
});

/** A roster entry and its version (the ETag), read in that order. */
async function entryOf(ctx: Ctx, groupId: string, memberId: string) {
  const version = await entryVersion(ctx, { groupId, memberId });
  const { data } = await rosterOf(ctx, { groupId, memberId, limit: 1 });
  const [entry] = data;
  if (!entry) throw notFound("This member in the group's roster");
  return { entry, version };
}

/** The group of the path, if the caller may see it and do this with its roster. */
async function rosterGroup(ctx: Ctx, id: string, write: boolean) {
  const group = await visibleGroup(ctx, id);
  await rosterAccess(ctx, { group, write });
  return group;
}

export const rosterRoutes = createRouter()
  .openapi(roster, async (c) => {
    const ctx = ctxOf(c);
    const group = await rosterGroup(ctx, c.req.valid("param").id, false);
    return c.json(await rosterOf(ctx, { groupId: group.id, ...c.req.valid("query") }), 200);
  })
  .openapi(history, async (c) => {
    const ctx = ctxOf(c);
    const group = await rosterGroup(ctx, c.req.valid("param").id, false);
    return c.json(await historyOf(ctx, { groupId: group.id, ...c.req.valid("query") }), 200);
  })
  .openapi(getOne, async (c) => {
    const ctx = ctxOf(c);
    const { id, memberId } = c.req.valid("param");
    const group = await rosterGroup(ctx, id, false);
    const { entry, version } = await entryOf(ctx, group.id, memberId);
    setEtag(c, version);
    return c.json(entry, 200);
  })
  .openapi(add, async (c) => {
    const ctx = ctxOf(c);
    const group = await rosterGroup(ctx, c.req.valid("param").id, true);
    const { memberId, role } = c.req.valid("json");
    checkLeaderChange(group, ctx.viewer, { memberId, to: role });
    await addToGroup(ctx, { group, memberId, role });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/groups/${group.id}/members/${memberId}`);
    const { entry, version } = await entryOf(ctx, group.id, memberId);
    setEtag(c, version);
    return c.json(entry, 201);
  })
  .openapi(patch, async (c) => {
    const ctx = ctxOf(c);
    const { id, memberId } = c.req.valid("param");
    const group = await rosterGroup(ctx, id, true);
    const { role } = c.req.valid("json");
    checkLeaderChange(group, ctx.viewer, { memberId, from: await currentRole(ctx, { groupId: group.id, memberId }), to: role });
    await changeRole(ctx, { group, memberId, role, expected: expectedVersion(c) });
    const { entry, version } = await entryOf(ctx, group.id, memberId);
    setEtag(c, version);
    return c.json(entry, 200);
  })
  .openapi(remove, async (c) => {
    const ctx = ctxOf(c);
    const { id, memberId } = c.req.valid("param");
    const group = await rosterGroup(ctx, id, true);
    checkLeaderChange(group, ctx.viewer, { memberId, from: await currentRole(ctx, { groupId: group.id, memberId }) });
    await endMembership(ctx, { group, memberId, expected: expectedVersion(c) });
    return c.body(null, 204);
  });
