import { sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { membersOf, type Sight, visibleEventIds } from "../events/visibility.ts";
import { groupIdsOfMembers } from "../groups/access.ts";
import { type Audience, audienceSql } from "./audience.ts";
import type { ComingEvent } from "./events.ts";

/**
 * Mailings that name events tell each recipient only of what they may see, by the events'
 * own visibility rule (src/events/visibility.ts). A mailing's recipients are members in
 * good standing (every audience requires it), so each is asked about as a member of their
 * groups; what they registered for themselves is not needed to decide what a mailing lists.
 */

/** Recipients who may see the same events, and those events. */
export interface Share {
  events: ComingEvent[];
  memberIds: string[];
}

const keyOf = (ids: Iterable<string>) => [...ids].sort().join(",");

/**
 * Splits an audience by what its members may see of these events, so each share can be sent
 * one mailing listing exactly its events. Meant for small audiences (the conveners of every
 * group): the recipients are read into memory.
 */
export async function sharesBySight(
  db: Db,
  options: { orgId: string; audience: Audience; day: string; events: ComingEvent[] },
): Promise<Share[]> {
  const { orgId, audience, day, events } = options;
  const m = schema.members;
  const { where } = audienceSql(orgId, audience, day);
  const recipients = (await db.all<{ id: string }>(sql`SELECT ${m.id} AS id FROM ${m} WHERE ${where} ORDER BY ${m.id}`)).map((r) => r.id);
  if (recipients.length === 0) return [];
  const groupsOf = await groupIdsOfMembers(db, orgId, recipients);
  const groupSets = [...new Set(recipients.map((id) => keyOf(groupsOf.get(id) ?? [])))];
  const seen = await visibleEventIds(
    db,
    groupSets.map((set) => membersOf(set === "" ? [] : set.split(","))),
    [...new Set(events.map((e) => e.id))],
  );
  const seenBy = new Map(groupSets.map((set, i) => [set, seen[i] ?? new Set<string>()]));
  const shares = new Map<string, Share>();
  for (const id of recipients) {
    const visible = seenBy.get(keyOf(groupsOf.get(id) ?? [])) ?? new Set<string>();
    const listed = events.filter((e) => visible.has(e.id));
    const key = listed.map((e) => `${e.id}@${e.originalStart}`).join(",");
    const share = shares.get(key) ?? { events: listed, memberIds: [] };
    share.memberIds.push(id);
    shares.set(key, share);
  }
  return [...shares.values()];
}

/** Who an audience is, as a viewer: undefined for audiences that may see the event by definition (its registrants). */
function sightOfAudience(audience: Audience): Sight | undefined {
  if (audience.type === "all_members") return membersOf([]);
  if (audience.type === "group" && audience.ref) return membersOf([audience.ref]);
  return undefined;
}

/**
 * The audience of a mailing about each event, narrowed to those who may see the event: an
 * announcement to all members of an event only its group may see goes to the group's
 * members, and one about an event its audience may not see goes to nobody (null).
 */
export async function audiencesWhoMaySee(db: Db, events: ComingEvent[], audiences: (Audience | null)[]): Promise<(Audience | null)[]> {
  const options = events.map((event, i): Audience[] => {
    const audience = audiences[i];
    if (!audience) return [];
    return audience.type === "all_members" && event.groupId ? [audience, { type: "group", ref: event.groupId }] : [audience];
  });
  const keyOfAudience = (audience: Audience) => `${audience.type}:${audience.ref ?? ""}`;
  const viewers = new Map<string, Sight>();
  for (const audience of options.flat()) {
    const viewer = sightOfAudience(audience);
    if (viewer) viewers.set(keyOfAudience(audience), viewer);
  }
  const keys = [...viewers.keys()];
  const seen = await visibleEventIds(
    db,
    [...viewers.values()],
    events.map((e) => e.id),
  );
  const sees = (audience: Audience, eventId: string) => {
    const i = keys.indexOf(keyOfAudience(audience));
    return i < 0 || (seen[i]?.has(eventId) ?? false);
  };
  return events.map((event, i) => options[i]?.find((audience) => sees(audience, event.id)) ?? null);
}
