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
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import { memberGuard } from "./access.ts";
import { assertMember } from "./members.queries.ts";
import {
  DistrictAssignmentPublic,
  MembershipCreate,
  MembershipParams,
  MembershipPaymentUpdate,
  MembershipPublic,
} from "./members.schemas.ts";
import {
  addMembership,
  getMembership,
  listDistrictHistory,
  listMemberships,
  toMembershipPublic,
  updatePayment,
} from "./memberships.service.ts";

const tags = ["Memberships"];
const base = "/v1/orgs/{org}/members/{id}/memberships";

const list = defineRoute({
  method: "get",
  path: base,
  operationId: "listMemberships",
  tags,
  summary: "A member's membership periods",
  description: "Newest first. Readable by keys and by the member themselves.",
  security: bearerSecurity,
  middleware: [memberGuard("readonly", "self")],
  request: { params: OrgIdParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(MembershipPublic, "MembershipPage"), "Periods, newest first."), ...problems(...authProblems) },
});

const create = defineRoute({
  method: "post",
  path: base,
  operationId: "createMembership",
  tags,
  summary: "Add a membership period (join or renew)",
  description:
    "Kind, fee and currency are copied from the type. A calendar_year period ends on 31 December of its start year; a rolling period of N months ends the day before the same date N months later (31 January + 1 month ends on 27 February, or 28 in a leap year). Without `startsOn` it is a renewal: it starts the day after the latest period ends, or today if the member has lapsed (past the grace period). 409 if the type is archived or the same period already exists.",
  security: bearerSecurity,
  middleware: [memberGuard("staff", "none")],
  request: { params: OrgIdParams, body: jsonBody(MembershipCreate) },
  responses: {
    201: { ...jsonContent(MembershipPublic, "The new period."), headers: { ...etagHeader, ...locationHeader("membership period") } },
    ...problems(...authProblems, ...bodyProblems, "conflict", "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: `${base}/{membershipId}`,
  operationId: "getMembership",
  tags,
  summary: "Read a membership period",
  description:
    "One period of membership of the member: type, dates, fee and payment. API keys, or the member themself with a member token.",
  security: bearerSecurity,
  middleware: [memberGuard("readonly", "self")],
  request: { params: MembershipParams },
  responses: { 200: { ...jsonContent(MembershipPublic, "The period."), headers: etagHeader }, ...problems(...authProblems) },
});

const pay = defineRoute({
  method: "patch",
  path: `${base}/{membershipId}`,
  operationId: "recordMembershipPayment",
  tags,
  summary: "Record or correct the payment of a period",
  description: "Only `paidAt` and `paymentReference` change; null clears them. The period itself is fixed.",
  security: bearerSecurity,
  middleware: [memberGuard("staff", "none")],
  request: { params: MembershipParams, headers: IfMatchHeaders, body: jsonBody(MembershipPaymentUpdate) },
  responses: {
    200: { ...jsonContent(MembershipPublic, "The period."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "precondition_failed"),
  },
});

const history = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/members/{id}/district-history",
  operationId: "getDistrictHistory",
  tags: ["Members"],
  summary: "Where a member was assigned, and when",
  description: "Area, district group and postal code of each stay, with its reason; newest first. The open stay has `to` null.",
  security: bearerSecurity,
  middleware: [memberGuard("readonly", "self")],
  request: { params: OrgIdParams, query: PageQuery },
  responses: {
    200: jsonContent(pageOf(DistrictAssignmentPublic, "DistrictAssignmentPage"), "Assignments, newest first."),
    ...problems(...authProblems),
  },
});

export const membershipRoutes = createRouter()
  .openapi(list, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    await assertMember(ctx, id);
    return c.json(await listMemberships(ctx, { memberId: id, ...c.req.valid("query") }), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    await assertMember(ctx, id);
    const row = await addMembership(ctx, { memberId: id, input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/members/${id}/memberships/${row.id}`);
    setEtag(c, row.version);
    return c.json(toMembershipPublic(row), 201);
  })
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const { id, membershipId } = c.req.valid("param");
    await assertMember(ctx, id);
    const row = await getMembership(ctx, { memberId: id, id: membershipId });
    setEtag(c, row.version);
    return c.json(toMembershipPublic(row), 200);
  })
  .openapi(pay, async (c) => {
    const ctx = ctxOf(c);
    const { id, membershipId } = c.req.valid("param");
    await assertMember(ctx, id);
    const row = await updatePayment(ctx, { memberId: id, id: membershipId, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(toMembershipPublic(row), 200);
  })
  .openapi(history, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    await assertMember(ctx, id);
    return c.json(await listDistrictHistory(ctx, { memberId: id, ...c.req.valid("query") }), 200);
  });
