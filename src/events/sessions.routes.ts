import { requireRoleOrMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { authProblems, bearerSecurity, bodyProblems, createRouter, defineRoute, jsonBody, jsonContent, problems } from "../http/openapi.ts";
import { pageOf } from "../http/pagination.ts";
import { SessionAttendanceEntry, SessionAttendanceQuery, SessionAttendanceSet, SessionParams } from "./sessions.schemas.ts";
import { recordSessionAttendance, sessionAttendance } from "./sessions.service.ts";

const tags = ["Registrations"];
const keyOrMember = [requireRoleOrMember("readonly")];

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events/{id}/sessions/{sessionStart}/attendance",
  operationId: "getSessionAttendance",
  tags,
  summary: "Attendance at one session of a course (organisers)",
  description:
    "For an event whose one registration covers all its sessions (a course with dated sessions, or a training series): every member holding a place, " +
    "with whether they attended this session (`null`: not recorded). API keys, or a member who organises the event. 409 for an event without such sessions; 404 for a start that is no session.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: SessionParams, query: SessionAttendanceQuery },
  responses: {
    200: jsonContent(pageOf(SessionAttendanceEntry, "SessionAttendancePage"), "Places holders by registration, with their attendance."),
    ...problems(...authProblems, "conflict"),
  },
});

const record = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/events/{id}/sessions/{sessionStart}/attendance",
  operationId: "recordSessionAttendance",
  tags,
  summary: "Record one member's attendance at one session (organisers)",
  description:
    "Sets whether a member holding a place attended the session, once it has begun (409 before, or for a member without a place, or a cancelled session). " +
    "Setting it again replaces it. Staff, or conveners of the organising group.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: SessionParams, body: jsonBody(SessionAttendanceSet) },
  responses: {
    200: jsonContent(SessionAttendanceEntry, "The member's attendance at the session."),
    ...problems(...authProblems, ...bodyProblems, "conflict", "idempotency_key_reused"),
  },
});

export const sessionRoutes = createRouter()
  .openapi(list, async (c) => {
    const { id, sessionStart } = c.req.valid("param");
    return c.json(await sessionAttendance(ctxOf(c), { eventId: id, sessionStart, ...c.req.valid("query") }), 200);
  })
  .openapi(record, async (c) => {
    const { id, sessionStart } = c.req.valid("param");
    return c.json(await recordSessionAttendance(ctxOf(c), { eventId: id, sessionStart, ...c.req.valid("json") }), 200);
  });
