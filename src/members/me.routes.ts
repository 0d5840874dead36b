import { memberIdOf } from "../access/viewer.ts";
import { requireMember } from "../http/auth.ts";
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
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { type MemberRow, memberView } from "./members.queries.ts";
import { MemberExport, MembershipPublic, OwnProfile, OwnProfileUpdate } from "./members.schemas.ts";
import { updateMember } from "./members.service.ts";
import { listMemberships } from "./memberships.service.ts";
import { exportMember } from "./personal-data.ts";

/** A member acting for themselves with a member token. Group join and leave (/me/groups) live with the groups. */

const tags = ["Me"];
const base = "/v1/orgs/{org}/me";

const get = defineRoute({
  method: "get",
  path: base,
  operationId: "getOwnProfile",
  tags,
  summary: "My profile, with my membership status",
  description:
    "The signed-in person's personal data, consents, statistics fields (gender, birth year) and membership status today (`current`, `grace`, `lapsed` or `none`), with the ETag to send back when changing them. A contact who signed in (not a member) sees their record too, with `isMember` false and no member number. A member token only.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams },
  responses: { 200: { ...jsonContent(OwnProfile, "Your record."), headers: etagHeader }, ...problems(...authProblems) },
});

const update = defineRoute({
  method: "patch",
  path: base,
  operationId: "updateOwnProfile",
  tags,
  summary: "Change my profile, address or consents",
  description:
    "Everything but the member number, gender and birth year included. A new postal code moves you to the district group of your new area. A new e-mail address is also the one you sign in with; 409 if another member has it.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, headers: IfMatchHeaders, body: jsonBody(OwnProfileUpdate) },
  responses: {
    200: { ...jsonContent(OwnProfile, "Your updated record."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const memberships = defineRoute({
  method: "get",
  path: `${base}/memberships`,
  operationId: "listOwnMemberships",
  tags,
  summary: "My membership periods",
  description: "The signed-in member's membership periods, newest first, cursor-paginated. A member token only.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(MembershipPublic, "OwnMembershipPage"), "Periods, newest first."), ...problems(...authProblems) },
});

const exportOwn = defineRoute({
  method: "get",
  path: `${base}/export`,
  operationId: "exportOwnData",
  tags,
  summary: "Everything the organisation holds about me",
  description:
    "Everything the organisation holds about the signed-in member (personal data, memberships, district history, group memberships, sign-in codes), as JSON, for the right of access. A member token only.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams },
  responses: { 200: jsonContent(MemberExport, "Your data."), ...problems(...authProblems) },
});

/** The person's own view: their record with the statistics fields only they (and staff) see. */
const ownProfile = (row: MemberRow, view: Awaited<ReturnType<typeof memberView>>["view"]) => ({
  ...view,
  isMember: row.enrolled,
  gender: row.gender,
  birthYear: row.birthYear,
});

export const meRoutes = createRouter()
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const { row, view } = await memberView(ctx, memberIdOf(ctx.principal), "people");
    setEtag(c, row.version);
    return c.json(ownProfile(row, view), 200);
  })
  .openapi(update, async (c) => {
    const ctx = ctxOf(c);
    const id = memberIdOf(ctx.principal);
    await updateMember(ctx, { id, input: c.req.valid("json"), expected: expectedVersion(c), reach: "people" });
    const { row, view } = await memberView(ctx, id, "people");
    setEtag(c, row.version);
    return c.json(ownProfile(row, view), 200);
  })
  .openapi(memberships, async (c) => {
    const ctx = ctxOf(c);
    return c.json(await listMemberships(ctx, { memberId: memberIdOf(ctx.principal), ...c.req.valid("query") }), 200);
  })
  .openapi(exportOwn, async (c) => {
    const ctx = ctxOf(c);
    return c.json(await exportMember(ctx, memberIdOf(ctx.principal), "people"), 200);
  });
