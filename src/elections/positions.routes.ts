import { and, eq } from "drizzle-orm";
import { memberIdOf } from "../access/viewer.ts";
import { schema } from "../db/index.ts";
import { requireMember, requireRoleOrMember } from "../http/auth.ts";
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
import { ApiError, notFound } from "../lib/problems.ts";
import { createMandate, getMandate, listMandates, updateMandateEnd } from "./mandates.ts";
import {
  MandateCreate,
  MandatePublic,
  MandateQuery,
  MandateUpdate,
  OrgMandateQuery,
  PositionCreate,
  PositionPublic,
  PositionUpdate,
} from "./positions.schemas.ts";
import { createPosition, getPosition, listPositions, positionWithHolders, toPositionPublic, updatePosition } from "./positions.service.ts";
import { staffOnly } from "./route-parts.ts";

const tags = ["Positions and mandates"];
const readers = [requireRoleOrMember("readonly")];
const MandatePage = pageOf(MandatePublic, "MandatePage");

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/positions",
  operationId: "listPositions",
  tags,
  summary: "List positions",
  description: "The organisation's positions of representatives with their seats and term, cursor-paginated. API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(PositionPublic, "PositionPage"), "Positions, oldest first."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/positions",
  operationId: "createPosition",
  tags,
  summary: "Create a position (staff)",
  description: "A position of the organisation, or of a group (`bodyGroupId`): title, role description, seats and term length.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgParams, body: jsonBody(PositionCreate) },
  responses: {
    201: { ...jsonContent(PositionPublic, "The position."), headers: { ...etagHeader, ...locationHeader("position") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/positions/{id}",
  operationId: "getPosition",
  tags,
  summary: "Read a position with its current representatives",
  description: "One position with its seats, term and the representatives holding a mandate today (`holders`), with its ETag. API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: {
    200: { ...jsonContent(PositionPublic, "The position; `holders` are today's mandate holders."), headers: etagHeader },
    ...problems(...authProblems),
  },
});

const update = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/positions/{id}",
  operationId: "updatePosition",
  tags,
  summary: "Update a position (staff)",
  description: "Changes apply to elections created afterwards; an election keeps the seats it was created with.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(PositionUpdate) },
  responses: {
    200: { ...jsonContent(PositionPublic, "The position."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const positionMandates = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/positions/{id}/mandates",
  operationId: "listPositionMandates",
  tags,
  summary: "Mandates on a position; `current=true` for today's representatives",
  description:
    "Every mandate on the position, cursor-paginated; with `current=true` only those whose term covers today (the organisation's day). API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams, query: MandateQuery },
  responses: { 200: jsonContent(MandatePage, "Mandates, oldest first."), ...problems(...authProblems) },
});

const orgMandates = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mandates",
  operationId: "listMandates",
  tags,
  summary: "Mandates on every position; `current=true` for today's holders of positions of trust",
  description:
    "Every mandate of the organisation, cursor-paginated; with `current=true` only those whose term covers today (the organisation's day), " +
    "with `positionId` only those on one position (404 for a position that does not exist). Keys and members, as for a position's mandates.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: OrgMandateQuery },
  responses: { 200: jsonContent(MandatePage, "Mandates, oldest first."), ...problems(...authProblems) },
});

const addMandate = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/positions/{id}/mandates",
  operationId: "createMandate",
  tags,
  summary: "Record a mandate not produced by an election here (staff)",
  description: "An appointment, a co-option, or the holders from before the organisation used Grasrot. Default end: a full term.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, body: jsonBody(MandateCreate) },
  responses: {
    201: { ...jsonContent(MandatePublic, "The mandate."), headers: { ...etagHeader, ...locationHeader("mandate") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const getOne = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mandates/{id}",
  operationId: "getMandate",
  tags,
  summary: "Read a mandate",
  description:
    "One mandate: who holds it, on which position, from which election and place, its first and last day and whether it is current, with its ETag. API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(MandatePublic, "The mandate."), headers: etagHeader }, ...problems(...authProblems) },
});

const endMandate = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/mandates/{id}",
  operationId: "updateMandate",
  tags,
  summary: "Change the last day of a mandate, e.g. when the holder steps down (staff)",
  description:
    "Sets a new last day, e.g. when the holder steps down; the seat is then vacant from the day after. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: staffOnly,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(MandateUpdate) },
  responses: {
    200: { ...jsonContent(MandatePublic, "The mandate."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const memberMandates = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/members/{id}/mandates",
  operationId: "listMemberMandates",
  tags,
  summary: "A member's mandates (keys; a member reads their own at /me/mandates)",
  description:
    "The member's mandates, cursor-paginated; with `current=true` only those covering today. API keys; members read their own at /me/mandates.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams, query: MandateQuery },
  responses: { 200: jsonContent(MandatePage, "Mandates, oldest first."), ...problems(...authProblems) },
});

const myMandates = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/me/mandates",
  operationId: "listMyMandates",
  tags,
  summary: "The signed-in member's mandates",
  description: "The signed-in member's mandates, cursor-paginated; with `current=true` only those covering today. A member token only.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, query: MandateQuery },
  responses: { 200: jsonContent(MandatePage, "Mandates, oldest first."), ...problems(...authProblems) },
});

export const positionRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await listPositions(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createPosition(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/positions/${row.id}`);
    setEtag(c, row.version);
    return c.json(toPositionPublic(row), 201);
  })
  .openapi(get, async (c) => {
    const { row, body } = await positionWithHolders(ctxOf(c), c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(body, 200);
  })
  .openapi(update, async (c) => {
    const row = await updatePosition(ctxOf(c), { id: c.req.valid("param").id, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(toPositionPublic(row), 200);
  })
  .openapi(positionMandates, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    await getPosition(ctx, id);
    return c.json(await listMandates(ctx, { positionId: id, ...c.req.valid("query") }), 200);
  })
  .openapi(orgMandates, async (c) => {
    const ctx = ctxOf(c);
    const query = c.req.valid("query");
    if (query.positionId) await getPosition(ctx, query.positionId);
    return c.json(await listMandates(ctx, query), 200);
  })
  .openapi(addMandate, async (c) => {
    const ctx = ctxOf(c);
    const position = await getPosition(ctx, c.req.valid("param").id);
    const { mandate, version } = await createMandate(ctx, { position, input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/mandates/${mandate.id}`);
    setEtag(c, version);
    return c.json(mandate, 201);
  })
  .openapi(getOne, async (c) => {
    const { mandate, version } = await getMandate(ctxOf(c), c.req.valid("param").id);
    setEtag(c, version);
    return c.json(mandate, 200);
  })
  .openapi(endMandate, async (c) => {
    const { id } = c.req.valid("param");
    const { mandate, version } = await updateMandateEnd(ctxOf(c), { id, endsOn: c.req.valid("json").endsOn, expected: expectedVersion(c) });
    setEtag(c, version);
    return c.json(mandate, 200);
  })
  .openapi(memberMandates, async (c) => {
    const ctx = ctxOf(c);
    const { db, viewer } = ctx;
    const { id } = c.req.valid("param");
    if (viewer.kind === "member" && viewer.memberId !== id)
      throw new ApiError("forbidden", "A member reads their own mandates at /me/mandates.");
    const member = await db.query.members.findFirst({
      columns: { id: true },
      // A member route: a contact (not enrolled) is no member here.
      where: and(eq(schema.members.orgId, ctx.org.id), eq(schema.members.id, id), eq(schema.members.enrolled, true)),
    });
    if (!member) throw notFound("Member");
    return c.json(await listMandates(ctx, { memberId: id, ...c.req.valid("query") }), 200);
  })
  .openapi(myMandates, async (c) => {
    const ctx = ctxOf(c);
    return c.json(await listMandates(ctx, { memberId: memberIdOf(ctx.viewer), ...c.req.valid("query") }), 200);
  });
