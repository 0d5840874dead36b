import { and, eq, gte, inArray, lte, ne, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { listOccurrences } from "../events/occurrences.ts";

/**
 * Where mailings meet the events module: an event's registrants as an audience, and the
 * coming occurrences the automatic mailings (summons, notices, reminders, trainings, the
 * monthly group mailing) are about. This file is the only one that reads their tables.
 */

export interface ComingEvent {
  id: string;
  /** The occurrence's original start (UTC ISO): registrations and the mailing's key refer to it. */
  originalStart: string;
  startsAt: string;
  title: string;
  location: string | null;
  timeZone: string;
  /** The group whose meeting it is, for summons. */
  groupId: string | null;
  recurring: boolean;
  /** Whether (and how) one may register: a training without registration has nobody to apply. */
  registrationMode: "none" | "open" | "application";
}

export type EventMailKind = "group_meeting" | "member_meeting" | "training" | "any_registered" | "any";

const ev = schema.events;
const reg = schema.eventRegistrations;

/**
 * Accepted registrants of an event, as a condition on `members`. The reference is the
 * event id, or `<event id>@<original start>` for one occurrence of a series (registrations
 * for the whole series count too).
 */
export function eventAudience(orgId: string, ref: string): { where: SQL; group: SQL } {
  const [eventId, occurrence] = ref.split("@") as [string, string | undefined];
  const m = schema.members;
  const occurrenceMatch = occurrence ? sql`AND ${reg.occurrenceStart} IN ('', ${occurrence})` : sql``;
  return {
    where: sql`${m.orgId} = ${orgId} AND ${m.erasedAt} IS NULL AND EXISTS (SELECT 1 FROM ${reg}
      WHERE ${reg.eventId} = ${eventId} AND ${reg.orgId} = ${orgId} AND ${reg.memberId} = ${m.id} AND ${reg.status} = 'accepted' ${occurrenceMatch})`,
    group: sql`${m.districtGroupId}`,
  };
}

const kindFilter: Record<EventMailKind, SQL | undefined> = {
  group_meeting: inArray(ev.kind, ["group_meeting", "network_meeting"]),
  member_meeting: eq(ev.kind, "member_meeting"),
  training: eq(ev.kind, "training"),
  any_registered: ne(ev.registrationMode, "none"),
  // What a group is told is coming: every scheduled activity, with or without registration.
  any: undefined,
};

/** Occurrences of a kind of event starting in [from, to) (the first `limit`, 200 unless told), cancelled ones left out. */
export async function comingEvents(
  db: Db,
  options: { orgId: string; kind: EventMailKind; from: Date; to: Date; limit?: number },
): Promise<ComingEvent[]> {
  const { orgId, kind, from, to, limit = 200 } = options;
  const page = await listOccurrences(
    { db, org: { id: orgId } },
    { range: { from: from.getTime(), to: to.getTime() }, filter: and(kindFilter[kind], eq(ev.status, "scheduled")), limit },
  );
  return page.data
    .filter((o) => o.status === "scheduled" && Date.parse(o.startsAt) >= from.getTime() && Date.parse(o.startsAt) < to.getTime())
    .map((o) => ({
      id: o.id,
      originalStart: o.originalStartsAt,
      startsAt: o.startsAt,
      title: o.title,
      location: o.location.address ?? o.location.onlineUrl ?? null,
      timeZone: o.timeZone,
      groupId: o.groupId,
      recurring: o.recurring,
      registrationMode: o.registration.mode,
    }));
}

export async function eventExists(db: Db, orgId: string, eventId: string): Promise<boolean> {
  const row = await db.query.events.findFirst({ columns: { id: true }, where: and(eq(ev.id, eventId), eq(ev.orgId, orgId)) });
  return row !== undefined;
}

/** Campaigns running or starting in [from, to], for the monthly group mailing. */
export async function comingCampaigns(db: Db, orgId: string, fromDay: string, toDay: string) {
  const c = schema.campaigns;
  return db
    .select({ title: c.name, startsOn: c.startsOn, endsOn: c.endsOn })
    .from(c)
    .where(and(eq(c.orgId, orgId), lte(c.startsOn, toDay), gte(c.endsOn, fromDay)))
    .orderBy(c.startsOn)
    .limit(50);
}
