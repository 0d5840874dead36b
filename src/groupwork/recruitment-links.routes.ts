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
import { RecruitmentLinkCreate, RecruitmentLinkPublic } from "./recruitment-links.schemas.ts";
import {
  createRecruitmentLink,
  getRecruitmentLink,
  listRecruitmentLinks,
  revokeRecruitmentLink,
  toRecruitmentLinkPublic,
} from "./recruitment-links.service.ts";

const tags = ["Recruitment"];
const callers = [requireRoleOrMember("readonly")];
const base = "/v1/orgs/{org}/groups/{id}/recruitment-links";
const LinkParams = OrgIdParams.extend({ linkId: IdSchema.openapi({ param: { name: "linkId", in: "path" } }) });

const create = defineRoute({
  method: "post",
  path: base,
  operationId: "createRecruitmentLink",
  tags,
  summary: "Make a recruitment link for a group (staff, the group's conveners)",
  description:
    "A short code to give out, optionally naming an event or campaign. A public sign-up that sends it as `ref` attributes the " +
    "person, once confirmed, to the group (and the event or campaign), with source `recruitment_link`; when they later become a " +
    "member they count as recruited by the group. Enrolled members who sign up with it are not attributed.",
  security: bearerSecurity,
  middleware: callers,
  request: { params: OrgIdParams, body: jsonBody(RecruitmentLinkCreate) },
  responses: {
    201: { ...jsonContent(RecruitmentLinkPublic, "The link."), headers: { ...etagHeader, ...locationHeader("link") } },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const list = defineRoute({
  method: "get",
  path: base,
  operationId: "listRecruitmentLinks",
  tags,
  summary: "A group's recruitment links, revoked ones included",
  description: "For keys and the group's conveners.",
  security: bearerSecurity,
  middleware: callers,
  request: { params: OrgIdParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(RecruitmentLinkPublic, "RecruitmentLinkPage"), "Links."), ...problems(...authProblems) },
});

const get = defineRoute({
  method: "get",
  path: `${base}/{linkId}`,
  operationId: "getRecruitmentLink",
  tags,
  summary: "Read a recruitment link",
  description: "For keys and the group's conveners.",
  security: bearerSecurity,
  middleware: callers,
  request: { params: LinkParams },
  responses: { 200: { ...jsonContent(RecruitmentLinkPublic, "The link."), headers: etagHeader }, ...problems(...authProblems) },
});

const revoke = defineRoute({
  method: "delete",
  path: `${base}/{linkId}`,
  operationId: "revokeRecruitmentLink",
  tags,
  summary: "Revoke a recruitment link (staff, the group's conveners)",
  description:
    "Sign-ups with its code are refused from now on (422 on `ref`); the link stays listed with `revokedAt`, and the recruitments " +
    "it made keep its code as their reference.",
  security: bearerSecurity,
  middleware: callers,
  request: { params: LinkParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Revoked (also when it already was)." }, ...problems(...authProblems, "precondition_failed") },
});

export const recruitmentLinkRoutes = createRouter()
  .openapi(create, async (c) => {
    const groupId = c.req.valid("param").id;
    const row = await createRecruitmentLink(ctxOf(c), { groupId, input: c.req.valid("json") });
    const slug = c.get("org").slug;
    c.header("Location", `/v1/orgs/${slug}/groups/${groupId}/recruitment-links/${row.id}`);
    setEtag(c, row.version);
    return c.json(toRecruitmentLinkPublic(row, slug), 201);
  })
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listRecruitmentLinks(ctxOf(c), { groupId: c.req.valid("param").id, limit, cursor }), 200);
  })
  .openapi(get, async (c) => {
    const { id, linkId } = c.req.valid("param");
    const row = await getRecruitmentLink(ctxOf(c), { groupId: id, id: linkId });
    setEtag(c, row.version);
    return c.json(toRecruitmentLinkPublic(row, c.get("org").slug), 200);
  })
  .openapi(revoke, async (c) => {
    const { id, linkId } = c.req.valid("param");
    await revokeRecruitmentLink(ctxOf(c), { groupId: id, id: linkId, expected: expectedVersion(c) });
    return c.body(null, 204);
  });
