import { memberIdOf } from "../access/viewer.ts";
import { requireMember, requireRoleOrMember } from "../http/auth.ts";
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
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import {
  AttendanceQuery,
  AttendanceSummary,
  RegistrationCreate,
  RegistrationListQuery,
  RegistrationPublic,
  RegistrationUpdate,
} from "./registrations.schemas.ts";
import {
  attendanceSummary,
  changeRegistration,
  getRegistration,
  listRegistrations,
  myRegistrations,
  register,
  toRegistrationPublic,
} from "./registrations.service.ts";

const tags = ["Registrations"];
const keyOrMember = [requireRoleOrMember("readonly")];
const RegistrationParams = OrgIdParams.extend({ registrationId: IdSchema.openapi({ param: { name: "registrationId", in: "path" } }) });

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/events/{id}/registrations",
  operationId: "registerForEvent",
  tags,
  summary: "Register for an event (or one occurrence of it)",
  description:
    "A member registers themselves with their token; a staff key registers any member (`memberId`). Open events answer `accepted` while places last, then `waitlisted` " +
    "(a full event is not an error); application events answer `applied`. 409 when already registered, when the event takes no registrations, is cancelled or has begun, " +
    "or when it requires a current active membership the member does not have.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, body: jsonBody(RegistrationCreate) },
  responses: {
    201: {
      ...jsonContent(RegistrationPublic, "The registration."),
      headers: { ...etagHeader, ...locationHeader("registration") },
    },
    ...problems(...authProblems, ...bodyProblems, "conflict", "idempotency_key_reused"),
  },
});

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events/{id}/registrations",
  operationId: "listRegistrations",
  tags,
  summary: "Registrations of an event (organisers): attendance and waiting lists",
  description:
    "The event's registrations with their status (`applied`, `accepted`, `waitlisted`, `declined`, `cancelled`, `attended`, `no_show`) and waiting-list positions, cursor-paginated. API keys, or a member who organises the event.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, query: RegistrationListQuery },
  responses: {
    200: jsonContent(pageOf(RegistrationPublic, "RegistrationPage"), "Registrations, oldest first."),
    ...problems(...authProblems),
  },
});

const attendance = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events/{id}/attendance",
  operationId: "getAttendance",
  tags,
  summary: "Registration and attendance counts of an event (organisers)",
  description:
    "The event's capacity and its registrations counted by status, per registration unit (an occurrence, or a training as a whole) and in total, attended included. API keys, or a member who organises the event.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, query: AttendanceQuery },
  responses: {
    200: jsonContent(AttendanceSummary, "Counts per occurrence (or for the event) and in total."),
    ...problems(...authProblems),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events/{id}/registrations/{registrationId}",
  operationId: "getRegistration",
  tags,
  summary: "Read a registration (its member or an organiser)",
  description:
    "One registration with its status and waiting-list position, with its ETag. Its member, an organiser of the event, or an API key.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: RegistrationParams },
  responses: { 200: { ...jsonContent(RegistrationPublic, "The registration."), headers: etagHeader }, ...problems(...authProblems) },
});

const patch = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/events/{id}/registrations/{registrationId}",
  operationId: "updateRegistration",
  tags,
  summary: "Decide, cancel or record attendance",
  description:
    "Members cancel their own registration (before the event begins). Organisers (staff, or conveners of the organising group) accept, waitlist or decline " +
    "applications (accepting a full event is 409), and mark `attended` / `no_show` once the event has begun. When an accepted registration is cancelled, the " +
    "first on the waiting list is accepted in the same transaction.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: RegistrationParams, headers: IfMatchHeaders, body: jsonBody(RegistrationUpdate) },
  responses: {
    200: { ...jsonContent(RegistrationPublic, "The registration as it now is."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const mine = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/me/registrations",
  operationId: "listMyRegistrations",
  tags,
  summary: "The member's own registrations, newest first",
  description: "The signed-in member's registrations for events and trainings, newest first, cursor-paginated. A member token only.",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(RegistrationPublic, "RegistrationPage"), "Registrations."), ...problems(...authProblems) },
});

export const registrationRoutes = createRouter()
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const { id } = c.req.valid("param");
    const created = await register(ctx, { eventId: id, input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/events/${id}/registrations/${created.row.id}`);
    setEtag(c, created.row.version);
    return c.json(toRegistrationPublic(created), 201);
  })
  .openapi(list, async (c) => {
    return c.json(await listRegistrations(ctxOf(c), { eventId: c.req.valid("param").id, ...c.req.valid("query") }), 200);
  })
  .openapi(attendance, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await attendanceSummary(ctxOf(c), { eventId: id, occurrenceStart: c.req.valid("query").occurrenceStart }), 200);
  })
  .openapi(get, async (c) => {
    const { id, registrationId } = c.req.valid("param");
    const found = await getRegistration(ctxOf(c), { eventId: id, id: registrationId });
    setEtag(c, found.row.version);
    return c.json(toRegistrationPublic(found), 200);
  })
  .openapi(patch, async (c) => {
    const { id, registrationId } = c.req.valid("param");
    const changed = await changeRegistration(ctxOf(c), {
      eventId: id,
      id: registrationId,
      target: c.req.valid("json").status,
      expected: expectedVersion(c),
    });
    setEtag(c, changed.row.version);
    return c.json(toRegistrationPublic(changed), 200);
  })
  .openapi(mine, async (c) => {
    const ctx = ctxOf(c);
    return c.json(await myRegistrations(ctx, { memberId: memberIdOf(ctx.viewer), ...c.req.valid("query") }), 200);
  });
