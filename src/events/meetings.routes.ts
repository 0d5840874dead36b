import { requireRoleOrMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import {
  authProblems,
  bearerSecurity,
  bodyProblems,
  createRouter,
  defineRoute,
  jsonBody,
  jsonContent,
  OrgIdParams,
  problems,
} from "../http/openapi.ts";
import { pageOf } from "../http/pagination.ts";
import {
  AttendancePublic,
  CheckInCode,
  CheckInCreate,
  CheckInListQuery,
  CheckOutCreate,
  MeetingTarget,
  RegisterChangeCreate,
  RegisterChangePublic,
  RegisterQuery,
  VotingRegisterPublic,
} from "./meetings.schemas.ts";
import {
  adjustRegister,
  checkIn,
  checkOut,
  fixRegister,
  getRegister,
  listCheckIns,
  listRegisterChanges,
  newCheckInCodeFor,
  toAttendancePublic,
} from "./meetings.service.ts";

const tags = ["Member meetings"];
const keyOrMember = [requireRoleOrMember("readonly")];
const meetingOnly = "Member meetings only (409 `not_a_member_meeting` for other kinds, whose attendance is on their registrations).";

const code = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/events/{id}/check-in-code",
  operationId: "newCheckInCode",
  tags,
  summary: "Generate the code shown in the room (staff, the meeting's organisers)",
  description: `A new code replaces the previous one. ${meetingOnly}`,
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, body: jsonBody(MeetingTarget) },
  responses: { 201: jsonContent(CheckInCode, "The code."), ...problems(...authProblems, ...bodyProblems, "conflict") },
});

const checkInRoute = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/events/{id}/check-ins",
  operationId: "checkIn",
  tags,
  summary: "Check in to a member meeting",
  description:
    "A member checks in with their token and the code shown in the room; staff (or the meeting's organisers) check in anyone with `memberId`. " +
    "201 when the member was not present, 200 when already checked in (nothing changes). 409 with a `reason` for someone not in standing on the meeting's day " +
    `(\`membership_none\`, \`membership_lapsed\`, \`membership_not_active_kind\`) or when no code has been generated (\`check_in_not_open\`). ${meetingOnly}`,
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, body: jsonBody(CheckInCreate) },
  responses: {
    200: jsonContent(AttendancePublic, "Already checked in."),
    201: jsonContent(AttendancePublic, "Checked in."),
    ...problems(...authProblems, ...bodyProblems, "conflict"),
  },
});

const checkOutRoute = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/events/{id}/check-outs",
  operationId: "checkOut",
  tags,
  summary: "Check out of a member meeting",
  description: `Records that the member left (again: no change). The voting register is adjusted by staff apart. 409 \`not_checked_in\`. ${meetingOnly}`,
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, body: jsonBody(CheckOutCreate) },
  responses: {
    200: jsonContent(AttendancePublic, "The presence as it now is."),
    ...problems(...authProblems, ...bodyProblems, "conflict"),
  },
});

const listCheckInsRoute = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events/{id}/check-ins",
  operationId: "listCheckIns",
  tags,
  summary: "Who checked in (organisers, keys)",
  description:
    "Everyone who checked in at the meeting (or the occurrence named), with when they came and left, by member id. Keys and the meeting's organisers; 409 with a `reason` for an event that is not a member meeting or is cancelled.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, query: CheckInListQuery },
  responses: {
    200: jsonContent(pageOf(AttendancePublic, "MeetingAttendancePage"), "By member id."),
    ...problems(...authProblems, "conflict"),
  },
});

const fix = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/events/{id}/voting-register",
  operationId: "fixVotingRegister",
  tags,
  summary: "Fix the voting register from those present (staff, the meeting's organisers)",
  description:
    "Everyone checked in and not checked out who holds a membership of an active kind, current or in grace, on the meeting's day. Once: 409 `register_already_fixed`; adjust it after.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, body: jsonBody(MeetingTarget) },
  responses: { 201: jsonContent(VotingRegisterPublic, "The register's count."), ...problems(...authProblems, ...bodyProblems, "conflict") },
});

const read = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events/{id}/voting-register",
  operationId: "getVotingRegister",
  tags,
  summary: "The voting register: its count for members, and the list for keys and organisers",
  description:
    "Whether the register is fixed and how many are on it; keys and the meeting's organisers also get the list. 409 with a `reason` for an event that is not a member meeting or is cancelled.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, query: RegisterQuery },
  responses: { 200: jsonContent(VotingRegisterPublic, "The register."), ...problems(...authProblems, "conflict") },
});

const adjust = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/events/{id}/voting-register/changes",
  operationId: "adjustVotingRegister",
  tags,
  summary: "Add a late arrival to, or remove someone from, the voting register (staff, organisers)",
  description:
    "Logged. Polls opened before the change keep their electorate; polls opened after it use the register as changed. 409 `register_not_fixed`, " +
    "`already_on_register`, `not_on_register`, `not_checked_in`, or the membership's reason.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, body: jsonBody(RegisterChangeCreate) },
  responses: { 201: jsonContent(RegisterChangePublic, "The logged change."), ...problems(...authProblems, ...bodyProblems, "conflict") },
});

const log = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events/{id}/voting-register/changes",
  operationId: "listVotingRegisterChanges",
  tags,
  summary: "The voting register's log: fixing and every adjustment, oldest first (organisers, keys)",
  description:
    "Each change with who it concerned and the register's size after it: what the minutes of the meeting record. Keys and the meeting's organisers.",
  security: bearerSecurity,
  middleware: keyOrMember,
  request: { params: OrgIdParams, query: RegisterQuery },
  responses: {
    200: jsonContent(pageOf(RegisterChangePublic, "VotingRegisterChangePage"), "The log."),
    ...problems(...authProblems, "conflict"),
  },
});

export const meetingRoutes = createRouter()
  .openapi(code, async (c) => {
    return c.json(await newCheckInCodeFor(ctxOf(c), { eventId: c.req.valid("param").id, ...c.req.valid("json") }), 201);
  })
  .openapi(checkInRoute, async (c) => {
    const { created, attendance } = await checkIn(ctxOf(c), { eventId: c.req.valid("param").id, input: c.req.valid("json") });
    return created ? c.json(toAttendancePublic(attendance), 201) : c.json(toAttendancePublic(attendance), 200);
  })
  .openapi(checkOutRoute, async (c) => {
    return c.json(toAttendancePublic(await checkOut(ctxOf(c), { eventId: c.req.valid("param").id, input: c.req.valid("json") })), 200);
  })
  .openapi(listCheckInsRoute, async (c) => {
    return c.json(await listCheckIns(ctxOf(c), { eventId: c.req.valid("param").id, ...c.req.valid("query") }), 200);
  })
  .openapi(fix, async (c) => {
    return c.json(await fixRegister(ctxOf(c), { eventId: c.req.valid("param").id, ...c.req.valid("json") }), 201);
  })
  .openapi(read, async (c) => {
    return c.json(await getRegister(ctxOf(c), { eventId: c.req.valid("param").id, ...c.req.valid("query") }), 200);
  })
  .openapi(adjust, async (c) => {
    return c.json(await adjustRegister(ctxOf(c), { eventId: c.req.valid("param").id, input: c.req.valid("json") }), 201);
  })
  .openapi(log, async (c) => {
    return c.json(await listRegisterChanges(ctxOf(c), { eventId: c.req.valid("param").id, ...c.req.valid("query") }), 200);
  });
