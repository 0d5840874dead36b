import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { formatRule } from "../calendar/rrule.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { runBatch, type Statement } from "../db/sql.ts";
import { type Expected, requireVersion, staleVersion, versionIs, versionMatches } from "../db/versions.ts";
import { iso } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { ApiError, conflict, invalid, notFound } from "../lib/problems.ts";
import { checkLinks, type Links, linkStatements, linksOfOne } from "../programmes/links.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { liveStatuses, mostTaken, promoteWaitlisted } from "./capacity.ts";
import { requireOwnIds } from "./eligibility.ts";
import type { EventCreateInput, EventUpdateInput } from "./events.schemas.ts";
import { maxEventDays } from "./events.schemas.ts";
import { checkDuration, checkSeries, type EventRow, exdatesOf, occurrenceAt, ruleFor, spanOf } from "./series.ts";
import { datesOf, resolveTiming } from "./timing.ts";
import { organises, requireOrganiser, sightOf, visibleTo } from "./visibility.ts";

const ev = schema.events;
const ov = schema.eventOccurrenceOverrides;
const reg = schema.eventRegistrations;
const att = schema.eventSessionAttendance;

export function toEventPublic(row: EventRow, links: Links) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    kind: row.kind,
    groupId: row.groupId,
    campaignId: row.campaignId,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    timeZone: row.timeZone,
    ...datesOf(row, row.startsAt, row.endsAt),
    allDay: row.allDay,
    location: { address: row.locationAddress, onlineUrl: row.onlineUrl },
    country: row.country,
    ...links,
    visibility: row.visibility,
    status: row.status,
    sessions: row.sessions ? (JSON.parse(row.sessions) as { startsAt: string; endsAt: string }[]) : null,
    recurrence: row.rrule ? { rrule: row.rrule, exdates: JSON.parse(row.exdates) as string[] } : null,
    registration: {
      mode: row.registrationMode,
      scope: effectiveScope(row),
      capacity: row.capacity,
      requiresActiveMembership: row.requiresActiveMembership,
      eligibility: row.eligibility ? (JSON.parse(row.eligibility) as { positionIds: string[]; groupIds: string[] }) : null,
    },
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The event as the API shows it, with its programme areas and partners. */
export async function eventView(db: Db, row: EventRow) {
  return toEventPublic(row, await linksOfOne(db, "event", row.id));
}

/** The eligibility rule as stored; every position and group must be the organisation's (422 otherwise). */
async function storedEligibility(ctx: Ctx, rule: { positionIds: string[]; groupIds: string[] } | null | undefined): Promise<string | null> {
  if (!rule || (rule.positionIds.length === 0 && rule.groupIds.length === 0)) return null;
  await requireOwnIds(ctx, schema.positions, rule.positionIds, "body.registration.eligibility.positionIds");
  await requireOwnIds(ctx, schema.groups, rule.groupIds, "body.registration.eligibility.groupIds");
  return JSON.stringify({ positionIds: rule.positionIds, groupIds: rule.groupIds });
}

/** A single event has one occurrence, so its registrations are always for the event. */
export const effectiveScope = (row: Pick<EventRow, "rrule" | "registrationScope">) => (row.rrule ? row.registrationScope : "event");

/** Reads an event the caller may see (on the organisation's day); anything else is 404. */
export async function getVisibleEvent(ctx: Ctx, id: string): Promise<EventRow> {
  const { db, org } = ctx;
  const sight = await sightOf(ctx);
  const [row] = await db
    .select()
    .from(ev)
    .where(and(eq(ev.orgId, org.id), eq(ev.id, id), visibleTo(sight)))
    .limit(1);
  if (!row) throw notFound("Event");
  return row;
}

async function checkReferences(ctx: Ctx, input: { groupId?: string | null; campaignId?: string | null }) {
  const { db } = ctx;
  const orgId = ctx.org.id;
  if (input.groupId) {
    const group = await db.query.groups.findFirst({
      columns: { id: true },
      where: and(eq(schema.groups.orgId, orgId), eq(schema.groups.id, input.groupId)),
    });
    if (!group) throw invalid("body.groupId", "is not a group of this organisation");
  }
  if (input.campaignId) {
    const campaign = await db.query.campaigns.findFirst({
      columns: { id: true },
      where: and(eq(schema.campaigns.orgId, orgId), eq(schema.campaigns.id, input.campaignId)),
    });
    if (!campaign) throw invalid("body.campaignId", "is not a campaign of this organisation");
  }
  if (input.groupId !== undefined && !(await organises(ctx, input.groupId ?? null))) {
    throw new ApiError(
      "forbidden",
      input.groupId ? "Members create and move events only for groups they convene." : "Only staff create the organisation's own events.",
    );
  }
}

type Draft = Omit<EventRow, "id" | "orgId" | "version" | "createdAt" | "updatedAt" | "spanStart" | "spanEnd" | "recurring">;

/** A series has more than one occurrence: an RRULE, or a course's sessions. Range queries find series by their end. */
const isSeries = (draft: Pick<Draft, "rrule" | "sessions">) => draft.rrule !== null || draft.sessions !== null;

/** Validates a complete event as it would be stored; field names point at the request body. */
function checkDraft(draft: Draft) {
  if (draft.visibility === "group" && !draft.groupId) throw invalid("body.visibility", "'group' needs an organising group (groupId)");
  const start = Date.parse(draft.startsAt);
  if (draft.rrule && (draft.allDay || draft.sessions !== null)) {
    throw invalid(
      "body.recurrence",
      draft.allDay
        ? "an all-day event does not recur; give each day as its own event"
        : "a course has either sessions or a recurrence rule",
    );
  }
  // Sessions were checked one by one, all-day dates in whole days (resolveTiming); a single
  // event may last a season, an occurrence of a series a month.
  if (draft.sessions === null && !draft.allDay)
    checkDuration(start, Date.parse(draft.endsAt), "body.endsAt", draft.rrule ? undefined : maxEventDays);
  if (draft.rrule) {
    // The stored rule is canonical (UNTIL in UTC), so it reads the same in a changed time zone.
    const rule = ruleFor(draft.rrule, draft.timeZone, "body.recurrence.rrule");
    checkSeries({ start, timeZone: draft.timeZone, rule }, [...exdatesOf(draft)], "body.");
  }
}

function recurrenceColumns(recurrence: EventCreateInput["recurrence"], timeZone: string) {
  if (!recurrence) return { rrule: null, exdates: "[]" };
  const rule = ruleFor(recurrence.rrule, timeZone, "body.recurrence.rrule");
  const exdates = [...new Set(recurrence.exdates.map((d) => Date.parse(d)))].sort((a, b) => a - b).map(iso);
  return { rrule: formatRule(rule), exdates: JSON.stringify(exdates) };
}

export async function createEvent(ctx: Ctx, options: { input: EventCreateInput }): Promise<EventRow> {
  const { db, org, now } = ctx;
  const { input } = options;
  await checkReferences(ctx, { groupId: input.groupId ?? null, campaignId: input.campaignId });
  await checkLinks(ctx, input);
  const training = input.kind === "training";
  const draft: Draft = {
    title: input.title,
    description: input.description ?? null,
    kind: input.kind,
    groupId: input.groupId ?? null,
    campaignId: input.campaignId ?? null,
    ...resolveTiming(input, input.timeZone),
    timeZone: input.timeZone,
    locationAddress: input.location?.address ?? null,
    onlineUrl: input.location?.onlineUrl ?? null,
    country: input.country ?? null,
    visibility: input.visibility,
    status: "scheduled",
    ...recurrenceColumns(input.recurrence, input.timeZone),
    registrationMode: input.registration?.mode ?? "none",
    registrationScope: input.registration?.scope ?? (training ? "event" : "occurrence"),
    capacity: input.registration?.capacity ?? null,
    requiresActiveMembership: input.registration?.requiresActiveMembership ?? training,
    eligibility: await storedEligibility(ctx, input.registration?.eligibility),
  };
  checkDraft(draft);
  const row: EventRow = {
    ...draft,
    recurring: isSeries(draft),
    id: newId(now),
    orgId: org.id,
    ...spanOf(draft, []),
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await db.batch([
    db.insert(ev).values(row),
    ...linkStatements(db, { subject: "event", id: row.id, input }),
    ...webhookEvent({ db, orgId: org.id, now }, "event.created", row.id),
  ]);
  return row;
}

/**
 * Applies a partial update. Recurrence changes drop overrides of occurrences that no longer
 * exist, but refuse (409) to strand registrations for them; capacity cannot go below the
 * places already taken (422); raising it promotes from the waiting list in the same batch.
 */
export async function updateEvent(ctx: Ctx, options: { id: string; input: EventUpdateInput; expected: Expected }): Promise<EventRow> {
  const { db, now } = ctx;
  const { id, input, expected } = options;
  const current = await getVisibleEvent(ctx, id);
  await requireOrganiser(ctx, current);
  requireVersion(expected, current.version);
  await checkReferences(ctx, { groupId: input.groupId, campaignId: input.campaignId });
  await checkLinks(ctx, input);

  const timeZone = input.timeZone ?? current.timeZone;
  const recurrence =
    input.recurrence === undefined ? { rrule: current.rrule, exdates: current.exdates } : recurrenceColumns(input.recurrence, timeZone);
  const draft: Draft = {
    title: input.title ?? current.title,
    description: input.description === undefined ? current.description : input.description,
    kind: input.kind ?? current.kind,
    groupId: input.groupId === undefined ? current.groupId : input.groupId,
    campaignId: input.campaignId === undefined ? current.campaignId : input.campaignId,
    ...resolveTiming(input, timeZone, current),
    timeZone,
    locationAddress: input.location?.address === undefined ? current.locationAddress : input.location.address,
    onlineUrl: input.location?.onlineUrl === undefined ? current.onlineUrl : input.location.onlineUrl,
    country: input.country === undefined ? current.country : input.country,
    visibility: input.visibility ?? current.visibility,
    status: input.status ?? current.status,
    ...recurrence,
    registrationMode: input.registration?.mode ?? current.registrationMode,
    registrationScope: input.registration?.scope ?? current.registrationScope,
    capacity: input.registration?.capacity === undefined ? current.capacity : input.registration.capacity,
    requiresActiveMembership: input.registration?.requiresActiveMembership ?? current.requiresActiveMembership,
    eligibility:
      input.registration?.eligibility === undefined ? current.eligibility : await storedEligibility(ctx, input.registration.eligibility),
  };
  checkDraft(draft);

  const overrides = await db.select().from(ov).where(eq(ov.eventId, id));
  const candidate = { ...current, ...draft, recurring: isSeries(draft) };
  const seriesChanged =
    draft.rrule !== current.rrule ||
    draft.sessions !== current.sessions ||
    draft.exdates !== current.exdates ||
    draft.startsAt !== current.startsAt ||
    draft.timeZone !== current.timeZone;
  const kept = seriesChanged ? overrides.filter((o) => occurrenceAt(candidate, o, Date.parse(o.originalStart)) !== undefined) : overrides;
  await checkStrandedRegistrations(db, current, candidate);

  const dropped = overrides.filter((o) => !kept.includes(o)).map((o) => o.originalStart);
  const capacity = draft.capacity;
  // Overrides are dropped first, on the same conditions as the update that follows them: a
  // stale version (or a capacity below the places taken) then changes nothing at all.
  const fits = capacity === null ? sql`1` : sql`${mostTaken(id)} <= ${capacity}`;
  const before: Statement[] =
    dropped.length > 0
      ? [
          db
            .delete(ov)
            .where(and(eq(ov.eventId, id), inArray(ov.originalStart, dropped), versionIs(sql`${ev}`, id, [current.version]), fits)),
        ]
      : [];
  const update = db
    .update(ev)
    .set({
      ...draft,
      recurring: candidate.recurring,
      ...spanOf(draft, kept),
      version: sql`${ev.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(ev.id, id), eq(ev.version, current.version), fits))
    .returning();
  const told = draft.status === "cancelled" && current.status !== "cancelled" ? "event.cancelled" : "event.changed";
  const results = await runBatch(db, [
    ...before,
    update,
    // Links change only if the update took: the version it leaves behind.
    ...linkStatements(db, { subject: "event", id, input, guard: versionIs(sql`${ev}`, id, [current.version + 1]) }),
    // Right after the update: recorded only if it took.
    ...webhookEvent({ db, orgId: ctx.org.id, now }, told, id, { ifChanged: true }),
    promoteWaitlisted(db, id, now),
  ]);
  const [updated] = results[before.length] as EventRow[];
  if (!updated) {
    const fresh = await db.query.events.findFirst({ columns: { version: true }, where: eq(ev.id, id) });
    if (!fresh) throw notFound("Event");
    if (fresh.version !== current.version) throw staleVersion();
    const [taken] = await db.all<{ n: number }>(sql`SELECT ${mostTaken(id)} AS n`);
    throw invalid("body.registration.capacity", `is below the ${Number(taken?.n ?? 0)} places already taken`);
  }
  return updated;
}

/** Refuses changes that would leave live registrations pointing at occurrences that no longer exist. */
async function checkStrandedRegistrations(db: Db, before: EventRow, after: EventRow) {
  const live = await db
    .selectDistinct({ occurrenceStart: reg.occurrenceStart })
    .from(reg)
    .where(and(eq(reg.eventId, before.id), inArray(reg.status, [...liveStatuses])));
  await checkStrandedAttendance(db, after);
  if (live.length === 0) return;
  const scope = effectiveScope(after);
  const stranded = live.filter(({ occurrenceStart }) =>
    scope === "event"
      ? occurrenceStart !== ""
      : occurrenceStart === "" || occurrenceAt(after, undefined, Date.parse(occurrenceStart)) === undefined,
  );
  if (stranded.length > 0) {
    throw conflict(
      "This change would leave registrations for occurrences that no longer exist (or change how registrations are counted). Cancel single occurrences instead, or cancel the registrations first.",
      { occurrences: stranded.map((s) => s.occurrenceStart || null) },
    );
  }
}

/** Refuses to drop a session (or occurrence) whose attendance has been recorded: the record would point at nothing. */
async function checkStrandedAttendance(db: Db, after: EventRow) {
  const recorded = await db.selectDistinct({ sessionStart: att.sessionStart }).from(att).where(eq(att.eventId, after.id));
  const gone = recorded.filter(({ sessionStart }) => occurrenceAt(after, undefined, Date.parse(sessionStart)) === undefined);
  if (gone.length > 0) {
    throw conflict("Attendance has been recorded for sessions this change would remove; keep those sessions.", {
      sessions: gone.map((g) => g.sessionStart),
    });
  }
}

export async function deleteEvent(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { db } = ctx;
  const { id, expected } = options;
  const current = await getVisibleEvent(ctx, id);
  await requireOrganiser(ctx, current);
  requireVersion(expected, current.version);
  const [live] = await db
    .select({ id: reg.id })
    .from(reg)
    .where(and(eq(reg.eventId, id), ne(reg.status, "cancelled"), ne(reg.status, "declined")))
    .limit(1);
  if (live)
    throw conflict("The event has registrations; cancel it (status 'cancelled') instead of deleting it, so participants can see that.");
  const deleted = await db
    .delete(ev)
    .where(and(eq(ev.id, id), versionMatches(ev.version, expected)))
    .returning({ id: ev.id });
  if (deleted.length === 0 && expected !== undefined) throw staleVersion();
}
