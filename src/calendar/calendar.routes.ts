import { z } from "@hono/zod-openapi";
import { and, eq, type SQL } from "drizzle-orm";
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
import { sha256Hex } from "../lib/crypto.ts";
import {
  defaultFeedWindow,
  type FeedWindow,
  feedRows,
  feedTokenOf,
  feedVersions,
  feedWindowLimits,
  groupExists,
  issueFeedToken,
  memberOfFeedToken,
  revokeFeedToken,
  withOverrides,
} from "./calendar.service.ts";
import { buildFeed } from "./feed.ts";

const tags = ["Calendar feeds"];
const calendarContent = { "text/calendar": { schema: z.string().openapi({ description: "RFC 5545 iCalendar." }) } };
const feedNote =
  `Events from \`pastMonths\` months back (default ${defaultFeedWindow.pastMonths}, at most ${feedWindowLimits.pastMonths}) to ` +
  `\`futureMonths\` months ahead (default ${defaultFeedWindow.futureMonths}, at most ${feedWindowLimits.futureMonths}); series that reach ` +
  "into that window are included whole. With VTIMEZONE, RRULE/EXDATE, and moved or cancelled occurrences as RECURRENCE-ID components. " +
  "UIDs are stable; SEQUENCE grows with every change. The response carries an `ETag` of its content: a calendar app that " +
  "polls with `If-None-Match` gets 304 and no body while nothing changed, and `Cache-Control` lets it and caches keep the feed five minutes.";

const FeedQuery = z.object({
  pastMonths: z.coerce
    .number()
    .int()
    .min(0)
    .max(feedWindowLimits.pastMonths)
    .default(defaultFeedWindow.pastMonths)
    .openapi({ description: `Months of past events, 0–${feedWindowLimits.pastMonths}.`, example: defaultFeedWindow.pastMonths }),
  futureMonths: z.coerce
    .number()
    .int()
    .min(1)
    .max(feedWindowLimits.futureMonths)
    .default(defaultFeedWindow.futureMonths)
    .openapi({ description: `Months of coming events, 1–${feedWindowLimits.futureMonths}.`, example: defaultFeedWindow.futureMonths }),
});

const FeedHeaders = z.object({
  "If-None-Match": z.string().optional().openapi({
    description: "The `ETag` of the feed the client holds (or a list of them, or `*`): 304 without a body while it is still current.",
  }),
});

const feedHeaders = {
  ETag: { schema: { type: "string" as const }, description: "A weak entity tag of what the feed says, for If-None-Match." },
  "Cache-Control": {
    schema: { type: "string" as const },
    description: "`public, max-age=300` for feeds anyone may read, `private, max-age=300` for a member's or a key's.",
  },
};

const feedResponses = {
  200: { description: "The feed.", content: calendarContent, headers: feedHeaders },
  304: { description: "Not modified: the feed is the one named in If-None-Match.", headers: feedHeaders },
};

const orgFeed = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/calendar.ics",
  operationId: "getOrganisationFeed",
  tags,
  summary: "The organisation's public events as an iCalendar feed",
  description: `No authentication: only public events. ${feedNote}`,
  security: [],
  request: { params: OrgParams, query: FeedQuery, headers: FeedHeaders },
  responses: { ...feedResponses, ...problems("not_found", "validation_failed") },
});

const groupFeed = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/calendar.ics",
  operationId: "getGroupFeed",
  tags,
  summary: "A group's events as an iCalendar feed",
  description: `Without a key the group's public events; with a key all of them; with a member token those the member may see. ${feedNote}`,
  security: [{ bearerAuth: [] }, {}] as Record<string, string[]>[],
  request: { params: OrgIdParams, query: FeedQuery, headers: FeedHeaders },
  responses: { ...feedResponses, ...problems(...authProblems) },
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
    query: FeedQuery,
    headers: FeedHeaders,
  },
  responses: { ...feedResponses, ...problems("not_found", "validation_failed") },
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
  description:
    "When the signed-in member's personal calendar-feed URL was made (404 when there is none); never the token itself, which is shown once when made. A member token only.",
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

/** Whether If-None-Match names this entity tag (weak comparison, RFC 9110 §13.1.2), or is `*`. */
function stillCurrent(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === opaque;
  });
}

/** Changes whenever the feed's text would differ in what it says; bump it when the feed's format changes. */
const feedFormat = 1;

/**
 * The feed, or 304 when the client already holds it, known before the feed is written. The
 * events' ids and versions, the feed's name and the year (its VTIMEZONEs reach into the
 * next one) fix what the feed says. A weak tag: the same events make an equivalent feed,
 * not necessarily the same bytes. Polling every few minutes costs an index read of a few
 * columns, not a feed.
 */
async function calendarResponse(
  c: Context<AppEnv>,
  name: string,
  events: { orgId: string; filter: SQL | undefined; window: FeedWindow },
  cache: "public" | "private",
) {
  const { db, now } = ctxOf(c);
  const versions = await feedVersions(db, events.orgId, events.filter, now, events.window);
  const fingerprint = [feedFormat, name, now.getUTCFullYear(), ...versions.map((row) => `${row.id}:${row.version}`)].join("\n");
  const headers = { ETag: `W/"${(await sha256Hex(fingerprint)).slice(0, 32)}"`, "Cache-Control": `${cache}, max-age=300` };
  if (stillCurrent(c.req.header("If-None-Match"), headers.ETag)) return c.body(null, 304, headers);
  const rows = await feedRows(db, events.orgId, events.filter, now, events.window);
  const body = await buildFeed({ name, events: await withOverrides(db, rows), now });
  return c.body(body, 200, {
    ...headers,
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": 'inline; filename="calendar.ics"',
  });
}

const windowOf = (query: FeedWindow): FeedWindow => ({ pastMonths: query.pastMonths, futureMonths: query.futureMonths });

export const calendarRoutes = createRouter()
  .openapi(orgFeed, async (c) => {
    const { org } = ctxOf(c);
    const filter = visibleTo({ kind: "anonymous" });
    return calendarResponse(c, org.slug, { orgId: org.id, filter, window: windowOf(c.req.valid("query")) }, "public");
  })
  .openapi(groupFeed, async (c) => {
    const ctx = ctxOf(c);
    const { org } = ctx;
    const group = await groupExists(ctx, c.req.valid("param").id);
    const sight = await sightOf(ctx);
    const filter = and(visibleTo(sight), eq(schema.events.groupId, group.id));
    const events = { orgId: org.id, filter, window: windowOf(c.req.valid("query")) };
    return calendarResponse(c, `${org.slug}: ${group.name}`, events, sight.kind === "anonymous" ? "public" : "private");
  })
  .openapi(personalFeed, async (c) => {
    const ctx = ctxOf(c);
    const { org } = ctx;
    const memberId = await memberOfFeedToken(ctx, c.req.valid("param").token);
    const sight = await memberSight(ctx, memberId);
    const events = { orgId: org.id, filter: ownCalendar(sight), window: windowOf(c.req.valid("query")) };
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
