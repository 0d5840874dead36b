import { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { schema } from "../db/index.ts";
import { memberSight, ownCalendar, sightOf, visibleTo } from "../events/visibility.ts";
import { requireMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import type { AppEnv } from "../http/env.ts";
import { expectedVersion, hasIfMatch, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  createRouter,
  defineRoute,
  etagHeader,
  IfMatchHeaders,
  jsonContent,
  OrgIdParams,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import {
  feedEvents,
  feedFutureDays,
  feedPastDays,
  feedTokenOf,
  groupExists,
  issueFeedToken,
  memberOfFeedToken,
  revokeFeedToken,
} from "./calendar.service.ts";
import { buildFeed, type FeedEvent } from "./feed.ts";

const tags = ["Calendar feeds"];
const calendarContent = { "text/calendar": { schema: z.string().openapi({ description: "RFC 5545 iCalendar." }) } };
const feedNote = `Events from ${feedPastDays} days back to ${feedFutureDays} days ahead (series that reach into that window whole), with VTIMEZONE, RRULE/EXDATE, and moved or cancelled occurrences as RECURRENCE-ID components. UIDs are stable; SEQUENCE grows with every change.`;

const orgFeed = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/calendar.ics",
  operationId: "getOrganisationFeed",
  tags,
  summary: "The organisation's public events as an iCalendar feed",
  description: `No authentication: only public events. ${feedNote}`,
  security: [],
  request: { params: OrgParams },
  responses: { 200: { description: "The feed.", content: calendarContent }, ...problems("not_found", "validation_failed") },
});

const groupFeed = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/calendar.ics",
  operationId: "getGroupFeed",
  tags,
  summary: "A group's events as an iCalendar feed",
  description: `Without a key the group's public events; with a key all of them; with a member token those the member may see. ${feedNote}`,
  security: [{ bearerAuth: [] }, {}] as Record<string, string[]>[],
  request: { params: OrgIdParams },
  responses: { 200: { description: "The feed.", content: calendarContent }, ...problems(...authProblems) },
});

const personalFeed = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/feeds/{token}/calendar.ics",
  operationId: "getPersonalFeed",
  tags,
  summary: "A member's personal calendar as an iCalendar feed (token URL)",
  description: `The URL is the credential (see \`/me/calendar-token\`); 404 once revoked or rotated. The same events as \`/me/calendar\`. ${feedNote}`,
  security: [],
  request: {
    params: OrgParams.extend({
      token: z
        .string()
        .max(100)
        .openapi({ param: { name: "token", in: "path" } }),
    }),
  },
  responses: { 200: { description: "The feed.", content: calendarContent }, ...problems("not_found", "validation_failed") },
});

const FeedToken = z
  .object({
    token: z.string().openapi({ description: "Shown only in this response." }),
    url: z.string().openapi({ description: "Path of the personal feed, for a calendar app's subscription (prefix the API's origin)." }),
    createdAt: z.string(),
  })
  .openapi("CalendarFeedToken");

const issueToken = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/me/calendar-token",
  operationId: "issueCalendarToken",
  tags,
  summary: "Create or rotate the member's personal feed URL",
  description:
    "Issues a new unguessable token; any earlier one stops working at once. Only its hash is stored. With If-Match, rotates " +
    "only the token of that version (412 when it changed, or when there is none).",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, headers: IfMatchHeaders },
  responses: {
    201: { ...jsonContent(FeedToken, "The feed token and URL."), headers: etagHeader },
    ...problems(...authProblems, "precondition_failed", "idempotency_key_reused"),
  },
});

const tokenStatus = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/me/calendar-token",
  operationId: "getCalendarToken",
  tags,
  summary: "Whether the member has a personal feed URL, and since when",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams },
  responses: {
    200: { ...jsonContent(z.object({ createdAt: z.string() }).openapi("CalendarFeedTokenStatus"), "A token exists."), headers: etagHeader },
    ...problems(...authProblems),
  },
});

const revokeToken = defineRoute({
  method: "delete",
  path: "/v1/orgs/{org}/me/calendar-token",
  operationId: "revokeCalendarToken",
  tags,
  summary: "Revoke the member's personal feed URL",
  description: "With If-Match, only the token of that version (412 when it changed, or when there is none).",
  security: bearerSecurity,
  middleware: [requireMember],
  request: { params: OrgParams, headers: IfMatchHeaders },
  responses: {
    204: { description: "Revoked (also when there was none, without If-Match)." },
    ...problems(...authProblems, "precondition_failed"),
  },
});

function calendarResponse(c: Context<AppEnv>, name: string, events: FeedEvent[], cache: "public" | "private") {
  const body = buildFeed({ name, events, now: ctxOf(c).now });
  return c.body(body, 200, {
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": 'inline; filename="calendar.ics"',
    "Cache-Control": `${cache}, max-age=300`,
  });
}

export const calendarRoutes = createRouter()
  .openapi(orgFeed, async (c) => {
    const ctx = ctxOf(c);
    const events = await feedEvents(ctx, visibleTo({ kind: "anonymous" }));
    return calendarResponse(c, ctx.org.slug, events, "public");
  })
  .openapi(groupFeed, async (c) => {
    const ctx = ctxOf(c);
    const { org } = ctx;
    const group = await groupExists(ctx, c.req.valid("param").id);
    const sight = await sightOf(ctx);
    const events = await feedEvents(ctx, and(visibleTo(sight), eq(schema.events.groupId, group.id)));
    return calendarResponse(c, `${org.slug}: ${group.name}`, events, sight.kind === "anonymous" ? "public" : "private");
  })
  .openapi(personalFeed, async (c) => {
    const ctx = ctxOf(c);
    const { org } = ctx;
    const memberId = await memberOfFeedToken(ctx, c.req.valid("param").token);
    const sight = await memberSight(ctx, memberId);
    const events = await feedEvents(ctx, ownCalendar(sight));
    return calendarResponse(c, `${org.slug}: my calendar`, events, "private");
  })
  .openapi(issueToken, async (c) => {
    const ctx = ctxOf(c);
    const { version, ...issued } = await issueFeedToken(ctx, { expected: expectedVersion(c), ifMatch: hasIfMatch(c) });
    setEtag(c, version);
    // The token is shown once: no cache, and no stored replay, keeps a copy.
    c.header("Cache-Control", "no-store");
    return c.json({ ...issued, url: `/v1/orgs/${ctx.org.slug}/feeds/${issued.token}/calendar.ics` }, 201);
  })
  .openapi(tokenStatus, async (c) => {
    const row = await feedTokenOf(ctxOf(c));
    setEtag(c, row.version);
    return c.json({ createdAt: row.createdAt }, 200);
  })
  .openapi(revokeToken, async (c) => {
    await revokeFeedToken(ctxOf(c), { expected: expectedVersion(c), ifMatch: hasIfMatch(c) });
    return c.body(null, 204);
  });
