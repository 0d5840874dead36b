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
import { ProgrammeAreaCreate, ProgrammeAreaPublic, ProgrammeAreaUpdate } from "./programme-areas.schemas.ts";
import {
  createProgrammeArea,
  deleteProgrammeArea,
  getProgrammeArea,
  listProgrammeAreas,
  toProgrammeAreaPublic,
  updateProgrammeArea,
} from "./programme-areas.service.ts";

const tags = ["Programme areas"];
const readers = [requireRoleOrMember("readonly")];
const staff = [requireRole("staff")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/programme-areas",
  operationId: "listProgrammeAreas",
  tags,
  summary: "List programme areas",
  description: "The organisation's programme areas by name, cursor-paginated. Every key and members.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: PageQuery },
  responses: {
    200: jsonContent(pageOf(ProgrammeAreaPublic, "ProgrammeAreaPage"), "Programme areas by name."),
    ...problems(...authProblems),
  },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/programme-areas",
  operationId: "createProgrammeArea",
  tags,
  summary: "Create a programme area",
  description:
    "A programme area (extended democracy, capacity building, …) with its period. Events, campaigns, groups and partners name it in their `programmeAreaIds`. Staff or admin keys.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgParams, body: jsonBody(ProgrammeAreaCreate) },
  responses: {
    201: { ...jsonContent(ProgrammeAreaPublic, "The programme area."), headers: { ...etagHeader, ...locationHeader("programme area") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/programme-areas/{id}",
  operationId: "getProgrammeArea",
  tags,
  summary: "Read a programme area",
  description: "One programme area with its ETag. Every key and members.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(ProgrammeAreaPublic, "The programme area."), headers: etagHeader }, ...problems(...authProblems) },
});

const patch = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/programme-areas/{id}",
  operationId: "updateProgrammeArea",
  tags,
  summary: "Update a programme area",
  description: "Changes the fields sent. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(ProgrammeAreaUpdate) },
  responses: {
    200: { ...jsonContent(ProgrammeAreaPublic, "The updated programme area."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/programme-areas/{id}",
  operationId: "deleteProgrammeArea",
  tags,
  summary: "Delete a programme area",
  description: "The events, campaigns, groups and partners in it stay, no longer in the area. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Deleted." }, ...problems(...authProblems, "precondition_failed") },
});

export const programmeAreaRoutes = createRouter()
  .openapi(list, async (c) => c.json(await listProgrammeAreas(ctxOf(c), c.req.valid("query")), 200))
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createProgrammeArea(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/programme-areas/${row.id}`);
    setEtag(c, row.version);
    return c.json(toProgrammeAreaPublic(row), 201);
  })
  .openapi(get, async (c) => {
    const row = await getProgrammeArea(ctxOf(c), c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(toProgrammeAreaPublic(row), 200);
  })
  .openapi(patch, async (c) => {
    const row = await updateProgrammeArea(ctxOf(c), {
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
      expected: expectedVersion(c),
    });
    setEtag(c, row.version);
    return c.json(toProgrammeAreaPublic(row), 200);
  })
  .openapi(remove, async (c) => {
    await deleteProgrammeArea(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    return c.body(null, 204);
  });
