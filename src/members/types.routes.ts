import { requireVersion } from "../db/versions.ts";
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
import { pageOf } from "../http/pagination.ts";
import { MembershipTypeCreate, MembershipTypeListQuery, MembershipTypePublic, MembershipTypeUpdate } from "./types.schemas.ts";
import {
  createMembershipType,
  getMembershipType,
  listMembershipTypes,
  toMembershipTypePublic,
  updateMembershipType,
} from "./types.service.ts";

const tags = ["Membership types"];
const base = "/v1/orgs/{org}/membership-types";

const list = defineRoute({
  method: "get",
  path: base,
  operationId: "listMembershipTypes",
  tags,
  summary: "List membership types",
  description: "Readable by every key and by members (to choose a type when renewing).",
  security: bearerSecurity,
  middleware: [requireRoleOrMember("readonly")],
  request: { params: OrgParams, query: MembershipTypeListQuery },
  responses: {
    200: jsonContent(pageOf(MembershipTypePublic, "MembershipTypePage"), "Types by name."),
    ...problems(...authProblems),
  },
});

const create = defineRoute({
  method: "post",
  path: base,
  operationId: "createMembershipType",
  tags,
  summary: "Create a membership type",
  description:
    "A kind of membership (`active` or `supporting`) with its fee, period (`calendar_year` or `rolling` N months) and grace days. Names are unique in the organisation. Staff or admin keys.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, body: jsonBody(MembershipTypeCreate) },
  responses: {
    201: { ...jsonContent(MembershipTypePublic, "The new type."), headers: { ...locationHeader("membership type"), ...etagHeader } },
    ...problems(...authProblems, ...bodyProblems, "conflict", "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: `${base}/{id}`,
  operationId: "getMembershipType",
  tags,
  summary: "Read a membership type",
  description: "One membership type with its fee, period, grace days and whether it is archived. Any API key, or a member token.",
  security: bearerSecurity,
  middleware: [requireRoleOrMember("readonly")],
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(MembershipTypePublic, "The type."), headers: etagHeader }, ...problems(...authProblems) },
});

const update = defineRoute({
  method: "patch",
  path: `${base}/{id}`,
  operationId: "updateMembershipType",
  tags,
  summary: "Update a membership type",
  description: "Existing memberships keep the kind, fee and period they were created with.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(MembershipTypeUpdate) },
  responses: {
    200: { ...jsonContent(MembershipTypePublic, "The updated type."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const archive = defineRoute({
  method: "post",
  path: `${base}/{id}/archive`,
  operationId: "archiveMembershipType",
  tags,
  summary: "Archive a membership type",
  description:
    "An archived type takes no new memberships; the memberships it has stay as they are. Archiving twice is harmless. PATCH `archived: false` restores it.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(MembershipTypePublic, "The archived type."), headers: etagHeader },
    ...problems(...authProblems, "precondition_failed", "idempotency_key_reused"),
  },
});

export const membershipTypeRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await listMembershipTypes(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createMembershipType(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/membership-types/${row.id}`);
    setEtag(c, row.version);
    return c.json(toMembershipTypePublic(row), 201);
  })
  .openapi(get, async (c) => {
    const row = await getMembershipType(ctxOf(c), c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(toMembershipTypePublic(row), 200);
  })
  .openapi(update, async (c) => {
    const row = await updateMembershipType(ctxOf(c), {
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
      expected: expectedVersion(c),
    });
    setEtag(c, row.version);
    return c.json(toMembershipTypePublic(row), 200);
  })
  .openapi(archive, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    const expected = expectedVersion(c);
    const current = await getMembershipType(ctx, id);
    requireVersion(expected, current.version);
    const row = current.archived ? current : await updateMembershipType(ctx, { id, input: { archived: true }, expected });
    setEtag(c, row.version);
    return c.json(toMembershipTypePublic(row), 200);
  });
