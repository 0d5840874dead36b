import { and, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { ledGroupIds } from "../groups/access.ts";
import type { Principal } from "../http/auth.ts";
import { ApiError, notFound } from "../http/problem.ts";

/**
 * Who sees which events. Anonymous callers see public events; API keys see everything of
 * their organisation; a member sees public and members' events and the `group` events of
 * the groups they belong to (an open group membership, or their district group). What a
 * caller may not see does not exist for them: 404, never 403.
 */
export type Viewer =
  | { kind: "anonymous" }
  | { kind: "key"; role: "admin" | "staff" | "readonly" }
  | { kind: "member"; memberId: string; groupIds: string[] };

const ev = schema.events;
const gm = schema.groupMemberships;

/** The groups a member belongs to: open group memberships plus the district group of their address. */
export async function memberGroupIds(db: Db, orgId: string, memberId: string): Promise<string[]> {
  const [roster, member] = await Promise.all([
    db
      .select({ groupId: gm.groupId })
      .from(gm)
      .where(and(eq(gm.orgId, orgId), eq(gm.memberId, memberId), isNull(gm.leftOn))),
    db.query.members.findFirst({ columns: { districtGroupId: true }, where: eq(schema.members.id, memberId) }),
  ]);
  const ids = new Set(roster.map((row) => row.groupId));
  if (member?.districtGroupId) ids.add(member.districtGroupId);
  return [...ids];
}

export async function viewerOf(db: Db, orgId: string, principal: Principal): Promise<Viewer> {
  if (principal.kind === "api_key") return { kind: "key", role: principal.role };
  if (principal.kind === "member")
    return { kind: "member", memberId: principal.memberId, groupIds: await memberGroupIds(db, orgId, principal.memberId) };
  return { kind: "anonymous" };
}

/** A JSON array parameter: lists of any length travel as one bound value, not one per element. */
export const jsonList = (values: string[]) => sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;

/** The events a viewer may see, as a condition on `events`; undefined for all of them. */
export function visibleTo(viewer: Viewer): SQL | undefined {
  if (viewer.kind === "key") return undefined;
  if (viewer.kind === "anonymous") return eq(ev.visibility, "public");
  return or(
    inArray(ev.visibility, ["public", "members"]),
    and(eq(ev.visibility, "group"), sql`${ev.groupId} IN ${jsonList(viewer.groupIds)}`),
  );
}

type Visible = Pick<typeof schema.events.$inferSelect, "visibility" | "groupId">;

export function canSee(viewer: Viewer, event: Visible): boolean {
  if (viewer.kind === "key") return true;
  if (event.visibility === "public") return true;
  if (viewer.kind === "anonymous") return false;
  if (event.visibility === "members") return true;
  return event.groupId !== null && viewer.groupIds.includes(event.groupId);
}

/**
 * Whether the caller organises the event: a staff or admin key, or a member who convenes
 * (or is contact person of) the organising group. Events of the organisation itself are
 * for staff only.
 */
export async function organises(db: Db, orgId: string, principal: Principal, groupId: string | null): Promise<boolean> {
  if (principal.kind === "api_key") return principal.role !== "readonly";
  if (principal.kind !== "member" || groupId === null) return false;
  return (await ledGroupIds(db, orgId, principal.memberId)).includes(groupId);
}

/**
 * Guards an organiser's action on an event: 404 when the caller may not even see it,
 * 403 when they see it but do not organise it. A readonly key may read organiser views.
 */
export async function requireOrganiser(
  db: Db,
  orgId: string,
  principal: Principal,
  event: Visible,
  options: { read?: boolean } = {},
): Promise<void> {
  if (options.read && principal.kind === "api_key") return;
  if (await organises(db, orgId, principal, event.groupId)) return;
  const viewer = await viewerOf(db, orgId, principal);
  if (!canSee(viewer, event)) throw notFound("Event");
  throw new ApiError(
    "forbidden",
    event.groupId === null
      ? "Only staff manage the organisation's own events."
      : "Only staff and the conveners or contact persons of the organising group manage this event.",
  );
}

/**
 * A member's own calendar: their groups' events, the organisation's own events, and events
 * they have registered for; always within what they may see.
 */
export function ownCalendar(viewer: Extract<Viewer, { kind: "member" }>): SQL | undefined {
  const reg = schema.eventRegistrations;
  return and(
    visibleTo(viewer),
    or(
      viewer.groupIds.length > 0 ? sql`${ev.groupId} IN ${jsonList(viewer.groupIds)}` : undefined,
      isNull(ev.groupId),
      sql`${ev.id} IN (SELECT ${reg.eventId} FROM ${reg} WHERE ${reg.memberId} = ${viewer.memberId} AND ${inArray(reg.status, ["applied", "accepted", "waitlisted", "attended"])})`,
    ),
  );
}
