import { and, eq, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { ApiError } from "../lib/problems.ts";

/**
 * A member's status on a day follows from their membership periods alone, so it is
 * right on any day asked without a nightly job:
 * - current: a period covers the day;
 * - grace: no period covers it, but one ended and its grace period has not;
 * - lapsed: periods exist, none covers the day nor is in grace;
 * - none: no period has started by that day.
 */
export const memberStatuses = ["current", "grace", "lapsed", "none"] as const;
export type MemberStatus = (typeof memberStatuses)[number];

const m = schema.memberships;

function periodExists(memberId: SQL | string, condition: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM ${m} WHERE ${m.memberId} = ${memberId} AND ${condition})`;
}

/** A day: a value, or the placeholder of a query prepared once (see preparedQuery). */
export type DayValue = string | Placeholder;

const covers = (day: DayValue) => sql`${m.startsOn} <= ${day} AND ${m.endsOn} >= ${day}`;
const inGrace = (day: DayValue) => sql`${m.endsOn} < ${day} AND ${m.graceUntil} >= ${day}`;
const started = (day: DayValue) => sql`${m.startsOn} <= ${day}`;

/** The status as an SQL expression over `members.id`, for lists and filters. */
export function statusSql(day: DayValue): SQL<MemberStatus> {
  const id = sql`${schema.members.id}`;
  return sql<MemberStatus>`CASE
    WHEN ${periodExists(id, covers(day))} THEN 'current'
    WHEN ${periodExists(id, inGrace(day))} THEN 'grace'
    WHEN ${periodExists(id, started(day))} THEN 'lapsed'
    ELSE 'none' END`;
}

/**
 * Current or in grace: the member holds a member's rights on the day (seeing members' and
 * their groups' events, leading a group). Lapsed members and people without a membership
 * see and do what the public may. `memberId` is a bound id or a column.
 */
export function inGoodStandingSql(memberId: SQL | string, day: string): SQL {
  return sql`(${periodExists(memberId, covers(day))} OR ${periodExists(memberId, inGrace(day))})`;
}

/** The same rule for a status already known. */
export const inGoodStanding = (status: MemberStatus) => status === "current" || status === "grace";

export interface Standing {
  status: MemberStatus;
  /** Kind of the period that gives the status (covering, or in grace); null when lapsed or none. */
  kind: "active" | "supporting" | null;
  /** Last day of the period that covers the day, or that the grace follows. */
  endsOn: string | null;
  graceUntil: string | null;
}

/** What decides a status: a membership period's kind and days. */
export interface Period {
  kind: "active" | "supporting";
  startsOn: string;
  endsOn: string;
  graceUntil: string;
}

/** Of the period held so far and another, the one that counts: the first, unless only the other is active. */
const preferActive = (held: Period | undefined, other: Period): Period =>
  !held || (held.kind !== "active" && other.kind === "active") ? other : held;

/**
 * The status on a day from a person's periods (any order), by the rule statusSql states in
 * SQL. Where several periods overlap the day, an active one counts: it gives the most rights;
 * among equals, the first listed. Loops rather than filters and sorts: lists ask it of every
 * person on a page.
 */
export function standingFrom(periods: readonly Period[], day: string): Standing {
  let covering: Period | undefined;
  let grace: Period | undefined;
  let last: Period | undefined;
  for (const p of periods) {
    if (p.startsOn <= day && p.endsOn >= day) covering = preferActive(covering, p);
    else if (p.endsOn < day && p.graceUntil >= day) grace = preferActive(grace, p);
    if (p.startsOn <= day && (!last || p.endsOn > last.endsOn)) last = p;
  }
  if (covering) return { status: "current", kind: covering.kind, endsOn: covering.endsOn, graceUntil: covering.graceUntil };
  if (grace) return { status: "grace", kind: grace.kind, endsOn: grace.endsOn, graceUntil: grace.graceUntil };
  return last
    ? { status: "lapsed", kind: null, endsOn: last.endsOn, graceUntil: last.graceUntil }
    : { status: "none", kind: null, endsOn: null, graceUntil: null };
}

/** How well a period describes a person on a day: covering it, and active, count most. */
function relevance(p: Period, day: string): number {
  const covers = p.startsOn <= day && p.endsOn >= day;
  return (covers ? 4 : 0) + (covers && p.kind === "active" ? 2 : 0) + (p.startsOn <= day ? 1 : 0);
}

/**
 * The period that describes a person on a day, by the order relevantMembershipType
 * (members.queries.ts) states in SQL: one covering the day (an active one first), else the
 * most recent that has started, else the next; ties go to the later end, then the greater id.
 */
export function relevantPeriod<P extends Period & { id: string }>(periods: readonly P[], day: string): P | undefined {
  let best: P | undefined;
  let bestRank = -1;
  for (const p of periods) {
    const rank = relevance(p, day);
    const better =
      rank > bestRank ||
      (best !== undefined && rank === bestRank && (p.endsOn > best.endsOn || (p.endsOn === best.endsOn && p.id > best.id)));
    if (better) {
      best = p;
      bestRank = rank;
    }
  }
  return best;
}

/** One member's status on a day, with the kind of membership behind it. */
export async function standingOf(db: Db, memberId: string, day: string): Promise<Standing> {
  const periods = await db
    .select({ kind: m.kind, startsOn: m.startsOn, endsOn: m.endsOn, graceUntil: m.graceUntil })
    .from(m)
    .where(and(eq(m.memberId, memberId), sql`${m.startsOn} <= ${day}`));
  return standingFrom(periods, day);
}

/**
 * Joining a group, applying for a training, standing for election and voting need a
 * membership of an active kind that is current or still in its grace period (fee due,
 * rights kept until it lapses). Otherwise a 409 that says why.
 */
export async function requireActiveStanding(db: Db, memberId: string, day: string, action: string): Promise<Standing> {
  const standing = await standingOf(db, memberId, day);
  const why =
    standing.status === "none"
      ? "the member has no membership"
      : standing.status === "lapsed"
        ? `the membership lapsed (it ended on ${standing.endsOn} and its grace period on ${standing.graceUntil})`
        : standing.kind !== "active"
          ? "a supporting membership does not include taking part in group work, elections or trainings"
          : undefined;
  if (why) {
    throw new ApiError("conflict", `Cannot ${action}: ${why}.`, {
      extra: {
        reason: inGoodStanding(standing.status) ? "membership_not_active_kind" : `membership_${standing.status}`,
      },
    });
  }
  return standing;
}
