import { and, eq, sql } from "drizzle-orm";
import { memberIdOf } from "../access/viewer.ts";
import { schema } from "../db/index.ts";
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
  IfMatchHeaders,
  jsonBody,
  jsonContent,
  locationHeader,
  OrgIdParams,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { pageOf } from "../http/pagination.ts";
import { inProgrammeArea } from "../programmes/links.ts";
import {
  EventCreate,
  EventListQuery,
  EventPublic,
  EventUpdate,
  Instant,
  maxRangeDays,
  OccurrenceOverride,
  OccurrencePublic,
  RangeQuery,
} from "./events.schemas.ts";
import { createEvent, deleteEvent, eventView, getVisibleEvent, updateEvent } from "./events.service.ts";
import { listOccurrences, overrideOccurrence, rangeOf, toOccurrencePublic } from "./occurrences.ts";
import { memberSight, ownCalendar, sightOf, visibleTo } from "./visibility.ts";

const tags = ["Events"];
/** Any caller: anonymous callers get the public view, keys and member tokens more. */
const optionalAuth: Record<string, string[]>[] = [{ bearerAuth: [] }, {}];
const organiser = [requireRoleOrMember("staff")];
const OccurrenceParams = OrgIdParams.extend({
  start: Instant.openapi({ param: { name: "start", in: "path" }, description: "The occurrence's original start (`originalStartsAt`)." }),
});
const rangeNote = `\`from\` and \`to\` are required and at most ${maxRangeDays} days apart (422 otherwise). Occurrences that overlap the range are listed in start order; recurring events appear once per occurrence.`;

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events",
  operationId: "listEvents",
  tags,
  summary: "Events in a time range (the calendar)",
  description:
    `${rangeNote} Without a key only public events are listed. Members in good standing (current or in grace) also see members' events ` +
    "and the `group` events of their groups; lapsed members and people without a membership see public events only. Every member sees " +
    "the events they are registered for. Keys see all.",
  security: optionalAuth,
  request: { params: OrgParams, query: EventListQuery },
  responses: {
    200: jsonContent(pageOf(OccurrencePublic, "EventOccurrencePage"), "Occurrences in start order."),
    ...problems(...authProblems),
  },
});

const create = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/events",
  operationId: "createEvent",
  tags,
  summary: "Create an event, single or recurring",
  description: "Staff create any event; conveners and contact persons (member token) create events of their own groups.",
  security: bearerSecurity,
  middleware: organiser,
  request: { params: OrgParams, body: jsonBody(EventCreate) },
  responses: {
    201: {
      ...jsonContent(EventPublic, "The event."),
      headers: { ...etagHeader, ...locationHeader("event") },
    },
    ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events/{id}",
  operationId: "getEvent",
  tags,
  summary: "Read an event",
  description:
    "One event with its schedule (start and end in UTC beside its IANA time zone, recurrence), location, visibility, registration settings and status, with its ETag. Anyone may read a public event; members' and group events need a key or a member who may see them (404 otherwise).",
  security: optionalAuth,
  request: { params: OrgIdParams },
  responses: { 200: { ...jsonContent(EventPublic, "The event."), headers: etagHeader }, ...problems(...authProblems) },
});

const patch = defineRoute({
  method: "patch",
  path: "/v1/orgs/{org}/events/{id}",
  operationId: "updateEvent",
  tags,
  summary: "Change, move or cancel an event",
  description:
    "Partial update. `status: cancelled` cancels the event (all its occurrences). Changing a series' rule drops overrides of occurrences it no longer has, " +
    "but is refused (409) while registrations exist for them. Capacity cannot go below the places taken (422); raising it accepts from the waiting list.",
  security: bearerSecurity,
  middleware: organiser,
  request: { params: OrgIdParams, headers: IfMatchHeaders, body: jsonBody(EventUpdate) },
  responses: {
    200: { ...jsonContent(EventPublic, "The updated event."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/events/{id}",
  operationId: "deleteEvent",
  tags,
  summary: "Delete an event without registrations",
  description: "An event with registrations is cancelled instead (409 here), so participants see what happened.",
  security: bearerSecurity,
  middleware: organiser,
  request: { params: OrgIdParams, headers: IfMatchHeaders },
  responses: { 204: { description: "Deleted." }, ...problems(...authProblems, "conflict", "precondition_failed") },
});

const occurrences = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/events/{id}/occurrences",
  operationId: "listEventOccurrences",
  tags,
  summary: "Occurrences of one event in a time range",
  description: rangeNote,
  security: optionalAuth,
  request: { params: OrgIdParams, query: RangeQuery },
  responses: {
    200: jsonContent(pageOf(OccurrencePublic, "EventOccurrencePage"), "Occurrences in start order."),
    ...problems(...authProblems),
  },
});

const putOccurrence = defineRoute({
  method: "put",
  path: "/v1/orgs/{org}/events/{id}/occurrences/{start}",
  operationId: "overrideOccurrence",
  tags,
  summary: "Move or cancel one occurrence of a recurring event",
  description:
    "The occurrence keeps its id (`<eventId>:<original start>`). Giving only `startsAt` keeps the duration. Back at its original time and `scheduled`, the override is removed.",
  security: bearerSecurity,
  middleware: organiser,
  request: { params: OccurrenceParams, headers: IfMatchHeaders, body: jsonBody(OccurrenceOverride) },
  responses: {
    200: { ...jsonContent(OccurrencePublic, "The occurrence as it now is."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const deleteOccurrence = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/events/{id}/occurrences/{start}",
  operationId: "restoreOccurrence",
  tags,
  summary: "Undo a move or cancellation of one occurrence",
  description:
    "Removes the override of one occurrence (`start` is its original start), so that it takes place as the series says again. Organisers: staff, or the convener of the event's group; If-Match (the event's ETag) is honoured.",
  security: bearerSecurity,
  middleware: organiser,
  request: { params: OccurrenceParams, headers: IfMatchHeaders },
  responses: {
    204: { description: "The occurrence is back as the series has it." },
    ...problems(...authProblems, "conflict", "precondition_failed"),
  },
});

const myCalendar = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/me/calendar",
  operationId: "getMyCalendar",
  tags,
  summary: "The member's own calendar",
  description: `Events of the member's groups (their open group memberships and their district group) while their membership is current or in grace, the organisation's own events they may see, and events they are registered for. ${rangeNote}`,
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, query: RangeQuery },
  responses: {
    200: jsonContent(pageOf(OccurrencePublic, "EventOccurrencePage"), "Occurrences in start order."),
    ...problems(...authProblems),
  },
});

const ev = schema.events;

export const eventCoreRoutes = createRouter()
  .openapi(list, async (c) => {
    const ctx = ctxOf(c);
    const query = c.req.valid("query");
    const range = rangeOf(query);
    const sight = await sightOf(ctx);
    const filter = and(
      visibleTo(sight),
      query.groupId ? eq(ev.groupId, query.groupId) : undefined,
      query.areaId
        ? sql`${ev.groupId} IN (SELECT ${schema.groupAreas.groupId} FROM ${schema.groupAreas} WHERE ${schema.groupAreas.orgId} = ${ctx.org.id} AND ${schema.groupAreas.areaId} = ${query.areaId})`
        : undefined,
      query.kind ? eq(ev.kind, query.kind) : undefined,
      query.campaignId ? eq(ev.campaignId, query.campaignId) : undefined,
      await inProgrammeArea(ctx, "event", ev.id, query.programmeArea),
    );
    return c.json(await listOccurrences(ctx, { range, filter, limit: query.limit, cursor: query.cursor }), 200);
  })
  .openapi(create, async (c) => {
    const ctx = ctxOf(c);
    const row = await createEvent(ctx, { input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${ctx.org.slug}/events/${row.id}`);
    setEtag(c, row.version);
    return c.json(await eventView(ctx.db, row), 201);
  })
  .openapi(get, async (c) => {
    const ctx = ctxOf(c);
    const row = await getVisibleEvent(ctx, c.req.valid("param").id);
    setEtag(c, row.version);
    return c.json(await eventView(ctx.db, row), 200);
  })
  .openapi(patch, async (c) => {
    const ctx = ctxOf(c);
    const row = await updateEvent(ctx, { id: c.req.valid("param").id, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(await eventView(ctx.db, row), 200);
  })
  .openapi(remove, async (c) => {
    await deleteEvent(ctxOf(c), { id: c.req.valid("param").id, expected: expectedVersion(c) });
    return c.body(null, 204);
  })
  .openapi(occurrences, async (c) => {
    const ctx = ctxOf(c);
    const query = c.req.valid("query");
    const range = rangeOf(query);
    const event = await getVisibleEvent(ctx, c.req.valid("param").id);
    return c.json(await listOccurrences(ctx, { range, filter: eq(ev.id, event.id), limit: query.limit, cursor: query.cursor }), 200);
  })
  .openapi(putOccurrence, async (c) => {
    const { id, start } = c.req.valid("param");
    const result = await overrideOccurrence(ctxOf(c), {
      id,
      originalStart: start,
      input: c.req.valid("json"),
      expected: expectedVersion(c),
    });
    setEtag(c, result.event.version);
    return c.json(toOccurrencePublic(result.occurrence as NonNullable<typeof result.occurrence>), 200);
  })
  .openapi(deleteOccurrence, async (c) => {
    const { id, start } = c.req.valid("param");
    await overrideOccurrence(ctxOf(c), { id, originalStart: start, input: null, expected: expectedVersion(c) });
    return c.body(null, 204);
  })
  .openapi(myCalendar, async (c) => {
    const ctx = ctxOf(c);
    const query = c.req.valid("query");
    const range = rangeOf(query);
    const sight = await memberSight(ctx, memberIdOf(ctx.viewer));
    return c.json(await listOccurrences(ctx, { range, filter: ownCalendar(sight), limit: query.limit, cursor: query.cursor }), 200);
  });
