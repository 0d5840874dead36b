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
import { PageQuery, pageOf } from "../http/pagination.ts";
import { ContactParams, PartnerContact, PartnerCreate, PartnerListQuery, PartnerPublic, PartnerUpdate } from "./partners.schemas.ts";
import {
  addPartnerContact,
  createPartner,
  deletePartner,
  getPartner,
  listPartnerContacts,
  listPartners,
  partnerPublic,
  removePartnerContact,
  updatePartner,
} from "./partners.service.ts";

const tags = ["Partners"];
/** Partners are the organisation's own records; members see the names of those linked to events they can see, with the event. */
const readers = [requireRole("readonly")];
const staff = [requireRole("staff")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/partners",
  operationId: "listPartners",
  tags,
  summary: "List partner organisations",
  description:
    "External organisations (parties, movements, NGOs, networks, authorities, funders) by name, filtered by kind, country or programme area. API keys; members see partners' names on the events and campaigns they can see.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: PageQuery.extend(PartnerListQuery.shape) },
  responses: { 200: jsonContent(pageOf(PartnerPublic, "PartnerPage"), "Partners by name."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/partners",
  operationId: "createPartner",
  tags,
  summary: "Create a partner organisation",
  description: "With its kind, country, website, notes, programme areas and relations (each with dates). Staff or admin keys.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgParams, body: jsonBody(PartnerCreate) },
  responses: {
    201: { ...jsonContent(PartnerPublic, "The partner."), headers: { ...etagHeader, ...locationHeader("partner") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/partners/{id}",
  operationId: "getPartner",
  tags,
  summary: "Read a partner organisation",
  description: "One partner with its programme areas and relations, with its ETag. API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(PartnerPublic, "The partner."), headers: etagHeader }, ...problems(...authProblems) },
});

const patch = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/partners/{id}",
  operationId: "updatePartner",
  tags,
  summary: "Update a partner organisation",
  description:
    "Changes the fields sent; `programmeAreaIds` and `relations` replace their lists. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(PartnerUpdate) },
  responses: {
    200: { ...jsonContent(PartnerPublic, "The updated partner."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/partners/{id}",
  operationId: "deletePartner",
  tags,
  summary: "Delete a partner organisation",
  description:
    "Events and campaigns no longer name it; its contact persons stay, belonging to no organisation. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Deleted." }, ...problems(...authProblems, "precondition_failed") },
});

const contacts = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/partners/{id}/contacts",
  operationId: "listPartnerContacts",
  tags,
  summary: "A partner's contact persons",
  description: "Members and contacts who belong to the partner, by name, with their contact details. Staff or admin keys (personal data).",
  security: bearerSecurity,
  middleware: staff,
  request: { params: OrgIdParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(PartnerContact, "PartnerContactPage"), "Contact persons by name."), ...problems(...authProblems) },
});

const putContact = defineRoute({
  method: "put",
  path: "/v1/orgs/{org}/partners/{id}/contacts/{personId}",
  operationId: "addPartnerContact",
  tags,
  summary: "Make a person a contact person of the partner",
  description:
    "The person (a member or a contact of the organisation) belongs to the partner from now on; a person belongs to one partner at most, so this moves them from another. Repeating it changes nothing. The link is part of the person's record: If-Match takes the person's ETag (`GET /members/{personId}`), and the answer carries their new one. Staff or admin keys.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: ContactParams, headers: IfMatchHeaders },
  responses: {
    200: { ...jsonContent(PartnerContact, "The contact person."), headers: etagHeader },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

const deleteContact = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/partners/{id}/contacts/{personId}",
  operationId: "removePartnerContact",
  tags,
  summary: "A person is no longer a contact person of the partner",
  description:
    "The person stays in the organisation, belonging to no partner. 404 when they are not this partner's. If-Match takes the person's ETag. Staff or admin keys.",
  security: bearerSecurity,
  middleware: staff,
  request: { params: ContactParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Removed." }, ...problems(...authProblems, "conflict", "precondition_failed") },
});

export const partnerRoutes = createRouter()
  .openapi(list, async (c) => c.json(await listPartners(ctxOf(c), c.req.valid("query")), 200))
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createPartner(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/partners/${row.id}`);
    setEtag(c, row.version);
    return c.json(await partnerPublic(ctx, row), 201);
  })
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const row = await getPartner(ctx, c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(await partnerPublic(ctx, row), 200);
  })
  .openapi(patch, async (c) => {
    const ctx = ctxOf(c);
    const row = await updatePartner(ctx, { id: c.req.valid("param").id, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(await partnerPublic(ctx, row), 200);
  })
  .openapi(remove, async (c) => {
    await deletePartner(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    return c.body(null, 204);
  })
  .openapi(contacts, async (c) =>
    c.json(await listPartnerContacts(ctxOf(c), { partnerId: c.req.valid("param").id, ...c.req.valid("query") }), 200),
  )
  .openapi(putContact, async (c) => {
    const { id, personId } = c.req.valid("param");
    const added = await addPartnerContact(ctxOf(c), { partnerId: id, personId, expected: expectedVersion(c) });
    setEtag(c, added.version);
    return c.json(added.contact, 200);
  })
  .openapi(deleteContact, async (c) => {
    const { id, personId } = c.req.valid("param");
    await removePartnerContact(ctxOf(c), { partnerId: id, personId, expected: expectedVersion(c) });
    return c.body(null, 204);
  });
