import { and, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { isStaff, type Viewer } from "../access/viewer.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { jsonValues } from "../db/sql.ts";
import { leadsGroup, memberGroupIds } from "../groups/access.ts";
import { ApiError } from "../lib/problems.ts";
import { inGoodStanding, inGoodStandingSql, standingOf } from "../members/status.ts";

/**
 * Who sees which events: the one rule behind the events API, the calendar and campaign
 * lists, the iCalendar feeds and the mailings that list or announce events.
 *
 * - API keys see everything of their organisation.
 * - Everyone sees public events.
 * - A member in good standing (current, or in the grace period) also sees members' events
 *   and the `group` events of the groups they belong to (an open group membership, or their
 *   district group). A lapsed member, or someone without a membership, does not.
 * - A member sees every event they are registered for, whatever its visibility: staff may
 *   register anyone, and what `/me/registrations` lists must not be hidden from them.
 *
 * What a caller may not see does not exist for them: 404, never 403.
 *
 * A viewer's sight is what this rule needs to know of them: for a member, their standing
 * and their groups on the organisation's day.
 */
export type Sight = Exclude<Viewer, { kind: "member" }> | MemberSight;

export interface MemberSight {
  kind: "member";
  /** Null for a member in general, as a mailing addresses its audience: no registrations of their own. */
  memberId: string | null;
  /** Current or in grace on the organisation's day. */
  inGoodStanding: boolean;
  /** Their groups; empty unless in good standing, as the groups' events are a member's right. */
  groupIds: string[];
}

const ev = schema.events;
const reg = schema.eventRegistrations;

/** A member's sight on the organisation's day. */
export async function memberSight(ctx: Ctx, memberId: string): Promise<MemberSight> {
  const { db, org } = ctx;
  const { status } = await standingOf(db, memberId, ctx.day);
  const good = inGoodStanding(status);
  return { kind: "member", memberId, inGoodStanding: good, groupIds: good ? await memberGroupIds(db, org.id, memberId) : [] };
}

/** The caller's sight. */
export async function sightOf(ctx: Ctx): Promise<Sight> {
  const { viewer } = ctx;
  return viewer.kind === "member" ? memberSight(ctx, viewer.memberId) : viewer;
}

/** Any member in good standing of these groups (none: of no group), with no registrations: whom a mailing addresses. */
export const membersOf = (groupIds: string[]): Sight => ({ kind: "member", memberId: null, inGoodStanding: true, groupIds });

/** Events the member has a registration for; `live` leaves out cancelled, declined and no-show ones. */
function registeredFor(memberId: string, live = false): SQL {
  const statuses = live ? sql`AND ${inArray(reg.status, ["applied", "accepted", "waitlisted", "attended"])}` : sql``;
  return sql`${ev.id} IN (SELECT ${reg.eventId} FROM ${reg} WHERE ${reg.memberId} = ${memberId} ${statuses})`;
}

/** The events a viewer may see, as a condition on `events`; undefined for all of them. This is the rule. */
export function visibleTo(sight: Sight): SQL | undefined {
  if (sight.kind === "key") return undefined;
  const granted: (SQL | undefined)[] = [eq(ev.visibility, "public")];
  if (sight.kind === "member") {
    if (sight.inGoodStanding) {
      granted.push(eq(ev.visibility, "members"));
      if (sight.groupIds.length > 0) granted.push(and(eq(ev.visibility, "group"), sql`${ev.groupId} IN ${jsonValues(sight.groupIds)}`));
    }
    if (sight.memberId !== null) granted.push(registeredFor(sight.memberId));
  }
  return or(...granted);
}

/** Viewers asked about at once: one statement answers this many. */
const viewersPerStatement = 50;

/**
 * Which of these events each viewer may see, in the viewers' order: the rule applied to
 * many viewers (the recipients of a mailing) in a statement per fifty of them.
 */
export async function visibleEventIds(db: Db, sights: Sight[], eventIds: string[]): Promise<Set<string>[]> {
  const out = sights.map(() => new Set<string>());
  if (eventIds.length === 0) return out;
  for (let first = 0; first < sights.length; first += viewersPerStatement) {
    const arms = sights
      .slice(first, first + viewersPerStatement)
      .map(
        (sight, i) =>
          sql`SELECT ${first + i} AS viewer, ${ev.id} AS id FROM ${ev} WHERE ${ev.id} IN ${jsonValues(eventIds)} AND ${visibleTo(sight) ?? sql`1`}`,
      );
    const rows = await db.all<{ viewer: number; id: string }>(sql.join(arms, sql` UNION ALL `));
    for (const row of rows) out[Number(row.viewer)]?.add(row.id);
  }
  return out;
}

/**
 * Whether the caller organises the event: a staff or admin key, or a member who convenes
 * (or is contact person of) the organising group, or is the political contact of the
 * organising network, while in good standing. Events of the
 * organisation itself are for staff only.
 */
export async function organises(ctx: Ctx, groupId: string | null): Promise<boolean> {
  const { viewer } = ctx;
  if (viewer.kind === "key") return isStaff(viewer);
  if (viewer.kind !== "member" || groupId === null) return false;
  if (await leadsGroup(ctx.db, { orgId: ctx.org.id, memberId: viewer.memberId, groupId, day: ctx.day })) return true;
  return isPoliticalContact(ctx, viewer.memberId, groupId);
}

/** A network's political contact organises its meetings as a convener does, while in good standing. */
async function isPoliticalContact(ctx: Ctx, memberId: string, groupId: string): Promise<boolean> {
  const g = schema.groups;
  const [row] = await ctx.db
    .select({ id: g.id })
    .from(g)
    .where(
      and(
        eq(g.orgId, ctx.org.id),
        eq(g.id, groupId),
        eq(g.kind, "network"),
        eq(g.politicalContactId, memberId),
        inGoodStandingSql(memberId, ctx.day),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * Guards an organiser's action on an event the caller has read through `getVisibleEvent`
 * (so may see): 403 when they do not organise it. A readonly key may read organiser views.
 */
export async function requireOrganiser(ctx: Ctx, event: { groupId: string | null }, options: { read?: boolean } = {}): Promise<void> {
  if (options.read && ctx.viewer.kind === "key") return;
  if (await organises(ctx, event.groupId)) return;
  throw new ApiError(
    "forbidden",
    event.groupId === null
      ? "Only staff manage the organisation's own events."
      : "Only staff and the conveners or contact persons of the organising group manage this event.",
  );
}

/**
 * A member's own calendar: their groups' events, the organisation's own events, and events
 * they are registered for (live registrations); always within what they may see.
 */
export function ownCalendar(sight: MemberSight): SQL | undefined {
  return and(
    visibleTo(sight),
    or(
      sight.groupIds.length > 0 ? sql`${ev.groupId} IN ${jsonValues(sight.groupIds)}` : undefined,
      isNull(ev.groupId),
      sight.memberId === null ? undefined : registeredFor(sight.memberId, true),
    ),
  );
}
