import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireRole, requireRoleOrMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import type { AppEnv } from "../http/env.ts";
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
import { getArea, listAreas, listPostalCodes, toAreaPublic } from "./areas.queries.ts";
import {
  AreaCreate,
  AreaListQuery,
  AreaPublic,
  AreaUpdate,
  MoveQuery,
  PostalCodePublic,
  PostalCodesBody,
  PostalCodesChanged,
} from "./areas.schemas.ts";
import { changePostalCodes, createArea, deleteArea, removePostalCode, updateArea } from "./areas.service.ts";
import { fromCsv, fromJson, normalisePostalCodes } from "./postal-codes.ts";

const tags = ["Areas"];
const readers = [requireRoleOrMember("readonly")];
const staff = [requireRole("staff")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/areas",
  operationId: "listAreas",
  tags,
  summary: "List areas",
  description: "Areas by code. With `postalCode`, the area that code lies in (at most one). Readable by every key and by members.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: PageQuery.extend(AreaListQuery.shape) },
  responses: { 200: jsonContent(pageOf(AreaPublic, "AreaPage"), "Areas."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/areas",
  operationId: "createArea",
  tags,
  summary: "Create an area, optionally with its postal codes",
  description:
    "The code is unique in the organisation (409). A postal code lies in at most one area: a code already in another area is a 409 " +
    "naming it, unless `move=true`. Members living in the new area's postal codes are assigned to it at once.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgParams, query: MoveQuery, body: jsonBody(AreaCreate) },
  responses: {
    201: {
      ...jsonContent(AreaPublic, "The area."),
      headers: { ...etagHeader, ...locationHeader("area") },
    },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused", "conflict"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/areas/{id}",
  operationId: "getArea",
  tags,
  summary: "Read an area",
  description: "One area with its name, code, district group and number of postal codes, with its ETag. API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(AreaPublic, "The area."), headers: etagHeader }, ...problems(...authProblems) },
});

const update = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/areas/{id}",
  operationId: "updateArea",
  tags,
  summary: "Rename an area or change its code",
  description:
    "Changes the name or the code; postal codes change with /postal-codes, the district group with the group. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(AreaUpdate) },
  responses: {
    200: { ...jsonContent(AreaPublic, "The updated area."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/areas/{id}",
  operationId: "deleteArea",
  tags,
  summary: "Delete an area",
  description:
    "409 while an active district group covers the area: change the group's `areaIds` first. Members living in the area become " +
    "unassigned (no area, no district group), with a history row each.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Deleted." }, ...problems(...authProblems, "conflict", "precondition_failed") },
});

const codesList = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/areas/{id}/postal-codes",
  operationId: "listAreaPostalCodes",
  tags,
  summary: "List an area's postal codes",
  description: "The area's postal codes, normalised (spaces removed), in order, cursor-paginated. API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams, query: PageQuery },
  responses: {
    200: jsonContent(pageOf(PostalCodePublic, "AreaPostalCodePage"), "Postal codes, normalised, in order."),
    ...problems(...authProblems),
  },
});

/** JSON or CSV; a request without a body is refused (415). */
const codesBody = {
  required: true,
  description:
    'Either JSON `{ "postalCodes": [...] }` or `text/csv`: one postal code per line, or a header row with a `postal_code` column ' +
    "(comma, semicolon or tab separated; other columns are ignored). Invalid codes are a 422 listing every one with its line " +
    "number (CSV) or index (JSON), and nothing is changed.",
  content: {
    "application/json": { schema: PostalCodesBody },
    "text/csv": { schema: z.string().openapi({ example: "postal_code,name\n114 55,Östermalm\n11456,Östermalm" }) },
  },
};

const codeChangeDoc = {
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, query: MoveQuery, headers: IfMatchHeaders, body: codesBody },
  responses: {
    200: { ...jsonContent(PostalCodesChanged, "What changed."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
};

const codesReplace = defineRoute({
  method: "put",
  path: "/v1/orgs/{org}/areas/{id}/postal-codes",
  operationId: "replaceAreaPostalCodes",
  tags,
  summary: "Replace an area's postal codes (bulk import)",
  description:
    "The area's postal codes become exactly the ones sent; all or nothing. Members whose area or district group changes are " +
    "reassigned in the same transaction, each with a history row. Bumps the area's ETag; If-Match is honoured.",
  ...codeChangeDoc,
});

const codesAdd = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/areas/{id}/postal-codes",
  operationId: "addAreaPostalCodes",
  tags,
  summary: "Add postal codes to an area",
  description: "Adds the codes sent (codes already in the area are left as they are); all or nothing; members reassigned as for PUT.",
  ...codeChangeDoc,
  responses: {
    ...codeChangeDoc.responses,
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed", "idempotency_key_reused"),
  },
});

const codeRemove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/areas/{id}/postal-codes/{postalCode}",
  operationId: "removeAreaPostalCode",
  tags,
  summary: "Remove one postal code from an area",
  description: "Members with that postal code become unassigned, with a history row each.",
  security: bearerSecurity,
  middleware: staff,
  request: {
    params: OrgIdParams.extend({
      postalCode: z
        .string()
        .max(32)
        .regex(/^[A-Za-z0-9 -]+$/, "must be a postal code: letters, digits, spaces and dashes")
        .openapi({ param: { name: "postalCode", in: "path" }, example: "11455" }),
    }),
    headers: IfMatchHeaders,
  },
  responses: { 204: { description: "Removed." }, ...problems(...authProblems, "precondition_failed") },
});

/** The codes of a JSON or CSV body, normalised; a 422 lists every invalid one. */
async function postedCodes(c: Context<AppEnv>, json: string | { postalCodes?: string[] }): Promise<string[]> {
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType === "text/csv") return normalisePostalCodes(fromCsv(await c.req.text()));
  return normalisePostalCodes(fromJson(typeof json === "string" ? [] : (json.postalCodes ?? [])));
}

export const areaRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await listAreas(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const input = c.req.valid("json");
    const postalCodes = normalisePostalCodes(fromJson(input.postalCodes));
    const area = await createArea(ctx, { input: { ...input, postalCodes }, move: c.req.valid("query").move === "true" });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/areas/${area.id}`);
    setEtag(c, area.version);
    return c.json(toAreaPublic(area), 201);
  })
  .openapi(get, async (c) => {
    const area = await getArea(c.get("deps").db, c.get("org").id, c.req.valid("param").id);
    setEtag(c, area.version);
    return c.json(toAreaPublic(area), 200);
  })
  .openapi(update, async (c) => {
    const area = await updateArea(ctxOf(c), { id: c.req.valid("param").id, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, area.version);
    return c.json(toAreaPublic(area), 200);
  })
  .openapi(remove, async (c) => {
    await deleteArea(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    return c.body(null, 204);
  })
  .openapi(codesList, async (c) => {
    return c.json(await listPostalCodes(ctxOf(c), { areaId: c.req.valid("param").id, ...c.req.valid("query") }), 200);
  })
  .openapi(codesReplace, async (c) => {
    const expected = expectedVersion(c);
    const codes = await postedCodes(c, c.req.valid("json"));
    const move = c.req.valid("query").move === "true";
    const changed = await changePostalCodes(ctxOf(c), { areaId: c.req.valid("param").id, codes, mode: "replace", move, expected });
    setEtag(c, changed.version);
    return c.json(changed.result, 200);
  })
  .openapi(codesAdd, async (c) => {
    const expected = expectedVersion(c);
    const codes = await postedCodes(c, c.req.valid("json"));
    const move = c.req.valid("query").move === "true";
    const changed = await changePostalCodes(ctxOf(c), { areaId: c.req.valid("param").id, codes, mode: "add", move, expected });
    setEtag(c, changed.version);
    return c.json(changed.result, 200);
  })
  .openapi(codeRemove, async (c) => {
    const { id, postalCode } = c.req.valid("param");
    await removePostalCode(ctxOf(c), { areaId: id, postalCode, expected: expectedVersion(c) });
    return c.body(null, 204);
  });
