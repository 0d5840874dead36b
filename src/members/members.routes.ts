import { z } from "@hono/zod-openapi";
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
import { pageOf } from "../http/pagination.ts";
import { memberGuard, seesContactOnly } from "./access.ts";
import { findMember, memberView, toMemberContact } from "./members.queries.ts";
import { MemberContact, MemberCreate, MemberExport, MemberListQuery, MemberPublic, MemberUpdate } from "./members.schemas.ts";
import { createMember, listMembers, updateMember } from "./members.service.ts";
import { eraseMember, exportMember } from "./personal-data.ts";

const tags = ["Members"];
const base = "/v1/orgs/{org}/members";

const list = defineRoute({
  method: "get",
  path: base,
  operationId: "listMembers",
  tags,
  summary: "List and search members",
  description:
    "Ordered by name (case-insensitive), then id. Filters combine. `q` is a prefix of the name or the e-mail address. Erased members are never listed.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgParams, query: MemberListQuery },
  responses: {
    200: jsonContent(pageOf(MemberPublic, "MemberPage"), "Members by name."),
    ...problems(...authProblems),
  },
});

const create = defineRoute({
  method: "post",
  path: base,
  operationId: "createMember",
  tags,
  summary: "Create a member",
  description:
    "E-mail addresses (case-insensitive) and member numbers are unique in the organisation (409); an e-mail address belongs to one person, member or contact, and the 409 names them (`existingId`): a contact becomes a member through `POST /contacts/{id}/enrol`. Without `memberNumber` the next number is assigned. The district follows from the postal code.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, body: jsonBody(MemberCreate) },
  responses: {
    201: { ...jsonContent(MemberPublic, "The new member."), headers: { ...locationHeader("member"), ...etagHeader } },
    ...problems(...authProblems, ...bodyProblems, "conflict", "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: `${base}/{id}`,
  operationId: "getMember",
  tags,
  summary: "Read a member",
  description:
    "Keys see the full record. With a member token: one's own record in full; a member of a group one convenes (or is contact person of) in the contact view; anyone else is 404.",
  security: bearerSecurity,
  middleware: [memberGuard("readonly", "self_or_leader")],
  request: { params: OrgIdParams },
  responses: {
    200: {
      ...jsonContent(z.union([MemberPublic, MemberContact]).openapi("MemberView"), "The member; `view` says which shape."),
      headers: etagHeader,
    },
    ...problems(...authProblems),
  },
});

const update = defineRoute({
  method: "patch",
  path: `${base}/{id}`,
  operationId: "updateMember",
  tags,
  summary: "Update a member",
  description: "A new postal code reassigns the area and district group and records the move in the district history.",
  security: bearerSecurity,
  middleware: [memberGuard("staff", "none")],
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(MemberUpdate) },
  responses: {
    200: { ...jsonContent(MemberPublic, "The updated member."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const erase = defineRoute({
  method: "delete",
  path: `${base}/{id}`,
  operationId: "eraseMember",
  tags,
  summary: "Erase a member's personal data",
  description:
    "Removes everything that identifies the person (name, contact details, address, language, payment references, postal codes in the district history, sign-in codes) and keeps the anonymous rest: memberships with their fees, group membership rows (closed). The member then answers 404 everywhere, as if unknown; erasing again is 404 too. Cannot be undone.",
  security: bearerSecurity,
  middleware: [memberGuard("staff", "none")],
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Erased." }, ...problems(...authProblems, "precondition_failed") },
});

const exportOne = defineRoute({
  method: "get",
  path: `${base}/{id}/export`,
  operationId: "exportMember",
  tags,
  summary: "Export everything held about a member",
  description: "For a request of access (GDPR art. 15). A member can also fetch their own through `/me/export`.",
  security: bearerSecurity,
  middleware: [memberGuard("staff", "self")],
  request: { params: OrgIdParams },
  responses: { 200: jsonContent(MemberExport, "The member's data."), ...problems(...authProblems) },
});

export const memberCoreRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await listMembers(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const id = await createMember(ctx, { input: c.req.valid("json") });
    const { row, view } = await memberView(ctx, id);
    c.header("Location", `/v1/orgs/${ctx.org.slug}/members/${id}`);
    setEtag(c, row.version);
    return c.json(view, 201);
  })
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    if (seesContactOnly(ctx.principal, id)) {
      const row = await findMember(ctx, id);
      setEtag(c, row.version);
      return c.json(toMemberContact(row), 200);
    }
    const { row, view } = await memberView(ctx, id);
    setEtag(c, row.version);
    return c.json(view, 200);
  })
  .openapi(update, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    await updateMember(ctx, { id, input: c.req.valid("json"), expected: expectedVersion(c) });
    const { row, view } = await memberView(ctx, id);
    setEtag(c, row.version);
    return c.json(view, 200);
  })
  .openapi(erase, async (c) => {
    await eraseMember(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    return c.body(null, 204);
  })
  .openapi(exportOne, async (c) => {
    return c.json(await exportMember(ctxOf(c), c.req.valid("param").id), 200);
  });
