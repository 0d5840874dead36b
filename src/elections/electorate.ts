import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { registerMembersSql } from "../events/meetings.service.ts";
import { endOfLocalDay } from "../lib/dates.ts";
import { standingOf } from "../members/status.ts";

/**
 * The electorate: every member who, on the cut-off day, held a membership of an active
 * kind that was current or in its grace period (as requireActiveStanding allows for
 * voting), and who belonged to the election's scope on that day: the organisation, or a
 * group, by roster (joined on or before the day, not left by it) or, for district groups,
 * by the district assignment in force at the end of the day. Erased members are out.
 *
 * It is written into election_voters once, when voting opens, so a membership that lapses
 * later changes nothing, and someone who joins later is not added.
 */

export interface ElectorateOf {
  id: string;
  orgId: string;
  electorateGroupId: string | null;
  electorateCutoffOn: string;
  electorateSource: "memberships" | "meeting";
  eventId: string | null;
  meetingOccurrenceStart: string | null;
}

const m = schema.members;
const ms = schema.memberships;
const gm = schema.groupMemberships;
const da = schema.districtAssignments;

function inStanding(cutoff: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${ms} WHERE ${ms.memberId} = ${m.id} AND ${ms.kind} = 'active'
    AND ${ms.startsOn} <= ${cutoff} AND ${ms.graceUntil} >= ${cutoff})`;
}

function inGroup(groupId: string, cutoff: string, cutoffEnd: string): SQL {
  return sql`(EXISTS (SELECT 1 FROM ${gm} WHERE ${gm.groupId} = ${groupId} AND ${gm.memberId} = ${m.id}
      AND ${gm.joinedOn} <= ${cutoff} AND (${gm.leftOn} IS NULL OR ${gm.leftOn} > ${cutoff}))
    OR EXISTS (SELECT 1 FROM ${da} WHERE ${da.memberId} = ${m.id} AND ${da.districtGroupId} = ${groupId}
      AND ${da.fromAt} < ${cutoffEnd} AND (${da.toAt} IS NULL OR ${da.toAt} >= ${cutoffEnd})))`;
}

function scopeOf(election: ElectorateOf, timeZone: string): SQL {
  const cutoff = election.electorateCutoffOn;
  const standing = inStanding(cutoff);
  if (!election.electorateGroupId) return standing;
  const cutoffEnd = endOfLocalDay(cutoff, timeZone).toISOString();
  return sql`${standing} AND ${inGroup(election.electorateGroupId, cutoff, cutoffEnd)}`;
}

/**
 * The statement that writes the electorate, guarded so it only takes effect together
 * with the status change to voting at `version` (run both in one batch).
 */
export function materialiseElectorate(db: Db, election: ElectorateOf, timeZone: string, version: number) {
  const e = schema.elections;
  const v = schema.electionVoters;
  if (election.electorateSource === "meeting") {
    // The register as it stands now: adjustments after this poll opened reach only later polls.
    return db.run(sql`INSERT OR IGNORE INTO ${v} (election_id, member_id, has_voted)
      SELECT ${election.id}, member_id, 0 FROM (${registerMembersSql(election.eventId ?? "", election.meetingOccurrenceStart ?? "")})
      WHERE EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${election.id} AND ${e.status} = 'voting' AND ${e.version} = ${version})`);
  }
  return db.run(sql`INSERT OR IGNORE INTO ${v} (election_id, member_id, has_voted)
    SELECT ${election.id}, ${m.id}, 0 FROM ${m}
    WHERE ${m.orgId} = ${election.orgId} AND ${m.erasedAt} IS NULL AND ${scopeOf(election, timeZone)}
      AND EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${election.id} AND ${e.status} = 'voting' AND ${e.version} = ${version})`);
}

/** Why a member is not in the electorate, in the words (and reason codes) of the membership rules. */
export async function whyNotInElectorate(db: Db, election: ElectorateOf, memberId: string, timeZone: string) {
  if (election.electorateSource === "meeting") {
    return { reason: "not_on_register", detail: "the member was not on the meeting's voting register when the poll opened" };
  }
  const cutoff = election.electorateCutoffOn;
  const standing = await standingOf(db, memberId, cutoff);
  if (standing.status === "none") return { reason: "membership_none", detail: `the member had no membership on the cut-off day ${cutoff}` };
  if (standing.status === "lapsed") {
    return {
      reason: "membership_lapsed",
      detail: `the membership had lapsed by the cut-off day ${cutoff} (it ended on ${standing.endsOn})`,
    };
  }
  if (standing.kind !== "active") {
    return {
      reason: "membership_not_active_kind",
      detail: `on the cut-off day ${cutoff} the membership was a supporting one, which does not include voting`,
    };
  }
  if (election.electorateGroupId) {
    const [inScope] = await db
      .select({ id: m.id })
      .from(m)
      .where(and(eq(m.id, memberId), sql`${inGroup(election.electorateGroupId, cutoff, endOfLocalDay(cutoff, timeZone).toISOString())}`));
    if (!inScope)
      return { reason: "outside_scope", detail: `the member did not belong to the electing group on the cut-off day ${cutoff}` };
  }
  return { reason: "not_in_electorate", detail: "the member was not in the electorate when voting opened" };
}

/**
 * Who is called to an election before its electorate is written: the electorate's rule
 * applied on the cut-off day once it has come, or today while it is still to come (a
 * meeting's register is made on the day from those holding an active membership then).
 * Supporting members are never in it.
 */
export function prospectiveElectorateSql(election: ElectorateOf, today: string, timeZone: string): SQL {
  const day = election.electorateCutoffOn < today ? election.electorateCutoffOn : today;
  return sql`SELECT ${m.id} AS member_id FROM ${m}
    WHERE ${m.orgId} = ${election.orgId} AND ${m.erasedAt} IS NULL AND ${scopeOf({ ...election, electorateCutoffOn: day }, timeZone)}`;
}

/** The electorate written when voting opened. */
export function writtenElectorateSql(electionId: string): SQL {
  const v = schema.electionVoters;
  return sql`SELECT ${v.memberId} AS member_id FROM ${v} WHERE ${v.electionId} = ${electionId}`;
}
