import { and, asc, eq, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import type { Statement } from "../db/sql.ts";
import { registerMembersSql } from "../events/meetings.service.ts";
import { endOfLocalDay } from "../lib/dates.ts";
import { pacer } from "../lib/yield.ts";
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

/** Members per slice of a long batch over an organisation's members (runLongBatch). */
const memberSlice = 1000;

/**
 * Conditions on `members` that split an organisation's members into slices of about a
 * thousand, in name order (along members_org_name_idx), for statements over all of them that
 * would otherwise hold the event loop: a hundred thousand members written by one statement
 * took a second. Their bounds are read first; the first slice and the last are open-ended,
 * so nobody added meanwhile falls between them. One condition, `undefined`, for a small
 * organisation; else the erased (who have no name key) are in none, as no such statement
 * wants them.
 */
export async function memberSlices(db: Db, orgId: string): Promise<(SQL | undefined)[]> {
  // A remote database does the work away from the event loop, in one round trip (runLongBatch):
  // reading bounds would only add round trips, a hundred for a hundred thousand members.
  if (db.$client.protocol !== "file") return [undefined];
  const bounds: [string, string][] = [];
  const pace = pacer();
  for (let after: [string, string] | undefined; ; ) {
    const [next] = await db
      .select({ nameKey: m.nameKey, id: m.id })
      .from(m)
      .where(and(eq(m.orgId, orgId), isNotNull(m.nameKey), after ? sql`(${m.nameKey}, ${m.id}) > (${after[0]}, ${after[1]})` : undefined))
      .orderBy(asc(m.nameKey), asc(m.id))
      .limit(1)
      .offset(memberSlice - 1);
    if (!next?.nameKey) break;
    after = [next.nameKey, next.id];
    bounds.push(after);
    await pace();
  }
  if (bounds.length === 0) return [undefined];
  const key = sql`(${m.nameKey}, ${m.id})`;
  // Both bounds on the index: whoever has no name key (only the erased) is in no slice.
  return [undefined, ...bounds].map((from, index) => {
    const to = bounds[index];
    return and(
      from === undefined ? sql`${m.nameKey} IS NOT NULL` : sql`${key} > (${from[0]}, ${from[1]})`,
      to === undefined ? undefined : sql`${key} <= (${to[0]}, ${to[1]})`,
    );
  });
}

/**
 * The statements that write the electorate, guarded so they only take effect together with
 * the status change to voting at `version`: run them after it, in one long batch
 * (runLongBatch), which gives way to other requests between them. An organisation's members
 * are written a slice at a time (memberSlices).
 */
export async function electorateStatements(db: Db, election: ElectorateOf, timeZone: string, version: number): Promise<Statement[]> {
  const e = schema.elections;
  const v = schema.electionVoters;
  const opened = sql`EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${election.id} AND ${e.status} = 'voting' AND ${e.version} = ${version})`;
  if (election.electorateSource === "meeting") {
    // The register as it stands now: adjustments after this poll opened reach only later polls.
    return [
      db.run(sql`INSERT OR IGNORE INTO ${v} (election_id, member_id, has_voted)
      SELECT ${election.id}, member_id, 0 FROM (${registerMembersSql(election.eventId ?? "", election.meetingOccurrenceStart ?? "")})
      WHERE ${opened}`),
    ];
  }
  return (await memberSlices(db, election.orgId)).map((range) =>
    db.run(sql`INSERT OR IGNORE INTO ${v} (election_id, member_id, has_voted)
    SELECT ${election.id}, ${m.id}, 0 FROM ${m}
    WHERE ${m.orgId} = ${election.orgId} AND ${m.erasedAt} IS NULL AND ${scopeOf(election, timeZone)}
      AND ${range ?? sql`1`} AND ${opened}`),
  );
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
export function prospectiveElectorateSql(election: ElectorateOf, today: string, timeZone: string, range?: SQL): SQL {
  const day = election.electorateCutoffOn < today ? election.electorateCutoffOn : today;
  return sql`SELECT ${m.id} AS member_id FROM ${m}
    WHERE ${m.orgId} = ${election.orgId} AND ${m.erasedAt} IS NULL AND ${scopeOf({ ...election, electorateCutoffOn: day }, timeZone)}
      AND ${range ?? sql`1`}`;
}

/** The electorate written when voting opened; those of them within `range` (a condition on `members`). */
export function writtenElectorateSql(election: { id: string; orgId: string }, range?: SQL): SQL {
  const v = schema.electionVoters;
  if (!range) return sql`SELECT ${v.memberId} AS member_id FROM ${v} WHERE ${v.electionId} = ${election.id}`;
  // The slice's members first, along their index; each is looked up in the electorate by its key.
  return sql`SELECT ${m.id} AS member_id FROM ${m} WHERE ${m.orgId} = ${election.orgId} AND ${range}
    AND EXISTS (SELECT 1 FROM ${v} WHERE ${v.electionId} = ${election.id} AND ${v.memberId} = ${m.id})`;
}
