import { forgetCallers, requireOperator, requireRole } from "../http/auth.ts";
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
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { OrganisationCreate, OrganisationCreated, OrganisationPublic, OrganisationUpdate } from "./orgs.schemas.ts";
import { createOrganisation, getOrganisation, listOrganisations, toOrganisationPublic, updateOrganisation } from "./orgs.service.ts";

const tags = ["Organisations"];

const getOrg = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}",
  operationId: "getOrganisation",
  tags,
  summary: "Read an organisation",
  description: "The organisation's slug, name, time zone, locale and contact, with its ETag. Any API key of the organisation.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgParams },
  responses: {
    200: { ...jsonContent(OrganisationPublic, "The organisation."), headers: etagHeader },
    ...problems(...authProblems),
  },
});

const patchOrg = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}",
  operationId: "updateOrganisation",
  tags,
  summary: "Update an organisation's name, time zone, locale, contact or consent defaults",
  description:
    "Changes the fields sent; the slug never changes. The time zone decides the organisation's local day (membership status, cut-off days, schedules of automatic mailings). `consentDefaults` are the consents a person created without them starts with (members and contacts, through the API or an import); people already stored keep theirs. Admin keys only; If-Match is honoured.",
  security: bearerSecurity,
  middleware: [requireRole("admin")],
  request: { params: OrgParams, headers: IfMatchHeaders, body: jsonBody(OrganisationUpdate) },
  responses: {
    200: { ...jsonContent(OrganisationPublic, "The updated organisation."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const createOrg = defineRoute({
  method: "post",
  path: "/v1/orgs",
  operationId: "createOrganisation",
  tags,
  summary: "Create an organisation (deployment operator)",
  description:
    "Needs the operator key (GRASROT_OPERATOR_KEY). Creates the organisation and its first admin API key, whose secret is shown once. Without `consentDefaults` the organisation opts in: people created without consents consent to meeting summons only, not to newsletters or campaign news.",
  security: bearerSecurity,
  middleware: [requireOperator],
  request: { body: jsonBody(OrganisationCreate) },
  responses: {
    201: {
      ...jsonContent(OrganisationCreated, "The organisation and its admin key."),
      headers: locationHeader("organisation"),
    },
    ...problems(
      "unauthorized",
      "forbidden",
      "conflict",
      "malformed_body",
      "unsupported_media_type",
      "payload_too_large",
      "idempotency_key_reused",
    ),
  },
});

const listOrgs = defineRoute({
  method: "get",
  path: "/v1/orgs",
  operationId: "listOrganisations",
  tags,
  summary: "List organisations (deployment operator)",
  description:
    "Every organisation of the deployment, by slug, cursor-paginated. The deployment operator's key only (`GRASROT_OPERATOR_KEY`).",
  security: bearerSecurity,
  middleware: [requireOperator],
  request: { query: PageQuery },
  responses: {
    200: jsonContent(pageOf(OrganisationPublic, "OrganisationPage"), "Organisations by slug."),
    ...problems("unauthorized", "forbidden", "validation_failed"),
  },
});

export const organisationRoutes = createRouter()
  .openapi(getOrg, async (c) => {
    const row = await getOrganisation(ctxOf(c));
    setEtag(c, row.version);
    return c.json(toOrganisationPublic(row), 200);
  })
  .openapi(patchOrg, async (c) => {
    const row = await updateOrganisation(ctxOf(c), { input: c.req.valid("json"), expected: expectedVersion(c) });
    forgetCallers(c);
    setEtag(c, row.version);
    return c.json(toOrganisationPublic(row), 200);
  })
  .openapi(createOrg, async (c) => {
    const { db, clock } = c.get("deps");
    const created = await createOrganisation(db, c.req.valid("json"), clock.now());
    c.header("Location", `/v1/orgs/${created.organisation.slug}`);
    // The first admin key is shown once: no cache, and no stored replay, keeps a copy.
    c.header("Cache-Control", "no-store");
    setEtag(c, created.organisation.version);
    return c.json({ organisation: toOrganisationPublic(created.organisation), adminKey: created.adminKey }, 201);
  })
  .openapi(listOrgs, async (c) => {
    return c.json(await listOrganisations(c.get("deps").db, c.req.valid("query")), 200);
  });
