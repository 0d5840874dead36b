import { requireRole, requireRoleOrMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, hasIfMatch, setEtag } from "../http/etag.ts";
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
  problems,
} from "../http/openapi.ts";
import { GroupRecruitment, PeriodQuery, RecruitmentPublic, RecruitmentPut } from "./recruitment.schemas.ts";
import { getRecruitment, groupRecruitment, putRecruitment, toRecruitmentPublic } from "./recruitment.service.ts";

const tags = ["Recruitment"];

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/members/{id}/recruitment",
  operationId: "getMemberRecruitment",
  tags,
  summary: "Which group recruited a member",
  description: "404 when the member was attributed to no group.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(RecruitmentPublic, "The attribution."), headers: etagHeader }, ...problems(...authProblems) },
});

const put = defineRoute({
  method: "put",
  path: "/v1/orgs/{org}/members/{id}/recruitment",
  operationId: "putMemberRecruitment",
  tags,
  summary: "Attribute a member to the group that recruited them (staff)",
  description:
    "At entry, from the sign-up form's source, or from a group's recruitment link (its code as `reference`): the group, and the " +
    "event or campaign. One per member: 201 the first time, 200 when corrected (If-Match applies; with If-Match and no " +
    "attribution yet, 412).",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(RecruitmentPut) },
  responses: {
    200: { ...jsonContent(RecruitmentPublic, "The corrected attribution."), headers: etagHeader },
    201: { ...jsonContent(RecruitmentPublic, "The attribution."), headers: { ...etagHeader, ...locationHeader("attribution") } },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const figures = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/recruitment",
  operationId: "getGroupRecruitment",
  tags,
  summary: "What a group recruited in a period",
  description:
    "New members, new supporters, and of those recruited a year or more ago, how many were still members a year later. For keys, " +
    "the group's conveners and its members in good standing.",
  security: bearerSecurity,
  middleware: [requireRoleOrMember("readonly")],
  request: { params: OrgIdParams, query: PeriodQuery },
  responses: { 200: jsonContent(GroupRecruitment, "The figures."), ...problems(...authProblems) },
});

export const recruitmentRoutes = createRouter()
  .openapi(get, async (c) => {
    const row = await getRecruitment(ctxOf(c), { memberId: c.req.valid("param").id });
    setEtag(c, row.version);
    return c.json(toRecruitmentPublic(row), 200);
  })
  .openapi(put, async (c) => {
    const memberId = c.req.valid("param").id;
    const { row, created } = await putRecruitment(ctxOf(c), {
      memberId,
      input: c.req.valid("json"),
      expected: expectedVersion(c),
      mustExist: hasIfMatch(c),
    });
    setEtag(c, row.version);
    if (!created) return c.json(toRecruitmentPublic(row), 200);
    c.header("Location", `/v1/orgs/${c.get("org").slug}/members/${memberId}/recruitment`);
    return c.json(toRecruitmentPublic(row), 201);
  })
  .openapi(figures, async (c) =>
    c.json(await groupRecruitment(ctxOf(c), { groupId: c.req.valid("param").id, ...c.req.valid("query") }), 200),
  );
