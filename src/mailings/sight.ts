import type { Db } from "../db/index.ts";
import { membersOf, type Sight, visibleEventIds } from "../events/visibility.ts";
import { groupIdsOfMembers } from "../groups/access.ts";
import type { Audience } from "./audience.ts";
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
 * What each of these members (all in good standing) may see of the events, by the groups
 * they belong to: one visibility question per distinct set of groups, not per member.
 */
export async function eventsSeenBy(
  db: Db,
  options: { orgId: string; memberIds: string[]; events: ComingEvent[] },
): Promise<Map<string, ComingEvent[]>> {
  const { orgId, memberIds, events } = options;
  if (memberIds.length === 0) return new Map();
  const groupsOf = await groupIdsOfMembers(db, orgId, memberIds);
  const groupSets = [...new Set(memberIds.map((id) => keyOf(groupsOf.get(id) ?? [])))];
  const seen = await visibleEventIds(
    db,
    groupSets.map((set) => membersOf(set === "" ? [] : set.split(","))),
    [...new Set(events.map((e) => e.id))],
  );
  const listedBy = new Map(groupSets.map((set, i) => [set, events.filter((e) => seen[i]?.has(e.id) ?? false)]));
  return new Map(memberIds.map((id) => [id, listedBy.get(keyOf(groupsOf.get(id) ?? [])) ?? []]));
}

/** The recipients grouped by the events each is to be told of, in the recipients' order. */
export function sharesOf(recipients: string[], seen: Map<string, ComingEvent[]>): Share[] {
  const shares = new Map<string, Share>();
  for (const id of recipients) {
    const listed = seen.get(id) ?? [];
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
