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
import { eraseMember, exportPerson } from "../members/personal-data.ts";
import { contactView, listContacts } from "./contacts.queries.ts";
import { ContactCreate, ContactExport, ContactListQuery, ContactPublic, ContactUpdate, EnrolBody } from "./contacts.schemas.ts";
import { createContact, enrolContact, updateContact } from "./contacts.service.ts";

const tags = ["Contacts"];
const base = "/v1/orgs/{org}/contacts";

const list = defineRoute({
  method: "get",
  path: base,
  operationId: "listContacts",
  tags,
  summary: "List and search every person: members and contacts",
  description:
    "Every person of the organisation, members and people who are not (contacts), ordered by name (case-insensitive), then id. `member` keeps members or contacts only; `q` is a prefix of the name or the e-mail address. Gender and birth year are shown to staff and admin keys only. Erased people are never listed. API keys.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgParams, query: ContactListQuery },
  responses: { 200: jsonContent(pageOf(ContactPublic, "ContactPage"), "People by name."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: base,
  operationId: "createContact",
  tags,
  summary: "Create a contact (a person who is not a member)",
  description:
    "A person with no membership: a partner's activist, a guest, a subscriber. An e-mail address belongs to one person in the organisation, member or contact (case-insensitive): a taken one is a 409 whose `existingId` names that person. Consents left out take the organisation's `consentDefaults`. Staff or admin keys.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgParams, body: jsonBody(ContactCreate) },
  responses: {
    201: { ...jsonContent(ContactPublic, "The new contact."), headers: { ...locationHeader("contact"), ...etagHeader } },
    ...problems(...authProblems, ...bodyProblems, "conflict", "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: `${base}/{id}`,
  operationId: "getContact",
  tags,
  summary: "Read a person",
  description: "Any person of the organisation, member or contact. Gender and birth year are shown to staff and admin keys only. API keys.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(ContactPublic, "The person."), headers: etagHeader }, ...problems(...authProblems) },
});

const update = defineRoute({
  method: "patch",
  path: `${base}/{id}`,
  operationId: "updateContact",
  tags,
  summary: "Update a person",
  description:
    "Changes the fields sent, on a member or a contact. A member's new postal code moves their district as through `/members`. An e-mail address another person has is a 409 with `existingId`. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(ContactUpdate) },
  responses: {
    200: { ...jsonContent(ContactPublic, "The updated person."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const erase = defineRoute({
  method: "delete",
  path: `${base}/{id}`,
  operationId: "eraseContact",
  tags,
  summary: "Erase a person's personal data",
  description:
    "The erasure of `DELETE /members/{id}`, for any person: everything that identifies them (name, contact details, address, gender, birth year, sign-in codes) is removed and the anonymous rest kept; the person then answers 404 everywhere. Cannot be undone. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Erased." }, ...problems(...authProblems, "precondition_failed") },
});

const exportOne = defineRoute({
  method: "get",
  path: `${base}/{id}/export`,
  operationId: "exportContact",
  tags,
  summary: "Export everything held about a person",
  description:
    "For a request of access (GDPR art. 15), member or contact: the person with the statistics fields, memberships, district history, groups and sign-in codes. Staff or admin keys; the person themselves uses `/me/export`.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams },
  responses: { 200: jsonContent(ContactExport, "The person's data."), ...problems(...authProblems) },
});

const enrol = defineRoute({
  method: "post",
  path: `${base}/{id}/enrol`,
  operationId: "enrolContact",
  tags,
  summary: "Make a contact a member",
  description:
    "Puts the contact on the member register under the same id, so registrations, consents and mail history stay theirs: with `memberNumber`, or the next free number. The person is then a member (reachable through `/members`, assigned to the district of their postal code) without a membership period until one is added (`POST /members/{id}/memberships`). 409 `already_member` when they are one; 409 when the number is taken. Staff or admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: {
    params: OrgIdParams,
    headers: IfMatchHeaders,
    body: { required: false, content: { "application/json": { schema: EnrolBody } } },
  },
  responses: {
    200: { ...jsonContent(ContactPublic, "The person, now a member."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed", "idempotency_key_reused"),
  },
});

export const contactCoreRoutes = createRouter()
  .openapi(list, async (c) => {
    return c.json(await listContacts(ctxOf(c), c.req.valid("query")), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const id = await createContact(ctx, { input: c.req.valid("json") });
    const { row, view } = await contactView(ctx, id);
    c.header("Location", `/v1/orgs/${ctx.org.slug}/contacts/${id}`);
    setEtag(c, row.version);
    return c.json(view, 201);
  })
  .openapi(get, async (c) => {
    const { row, view } = await contactView(ctxOf(c), c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(view, 200);
  })
  .openapi(update, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    await updateContact(ctx, { id, input: c.req.valid("json"), expected: expectedVersion(c) });
    const { row, view } = await contactView(ctx, id);
    setEtag(c, row.version);
    return c.json(view, 200);
  })
  .openapi(erase, async (c) => {
    await eraseMember(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c), reach: "people" });
    return c.body(null, 204);
  })
  .openapi(exportOne, async (c) => {
    return c.json(await exportPerson(ctxOf(c), c.req.valid("param").id), 200);
  })
  .openapi(enrol, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    const body = (c.req.valid("json") as { memberNumber?: string } | undefined) ?? {};
    await enrolContact(ctx, { id, memberNumber: body.memberNumber, expected: expectedVersion(c) });
    const { row, view } = await contactView(ctx, id);
    setEtag(c, row.version);
    return c.json(view, 200);
  });
