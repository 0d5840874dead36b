/**
 * The chair's poll at a member meeting: opened and closed by hand, re-opened only while no
 * ballot exists, and followed live by a count of ballots against the register's size.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { rowsAffected, runLongBatch } from "../db/sql.ts";
import { type Expected, lostRace, requireVersion } from "../db/versions.ts";
import { conflict } from "../lib/problems.ts";
import type { CountPolicy } from "./counting.ts";
import type { ElectionRow } from "./elections.service.ts";
import { electorateStatements } from "./electorate.ts";
import { settle, transition } from "./lifecycle.ts";
import { pollNotClosed } from "./meeting-electorate.ts";
import { refuseBallotsBesideProposal } from "./proposal-vote-state.ts";

const e = schema.elections;
const b = schema.ballots;
const v = schema.electionVoters;

function requireMeetingPoll(row: ElectionRow) {
  if (row.electorateSource !== "meeting")
    throw conflict("This election's voting times are set in advance; use …/transitions.", { reason: "not_a_meeting_poll" });
}

/**
 * Opens the poll on the register as it stands now. A poll that was closed is opened again
 * only if no ballot was cast in it (online or on paper), with the register as it stands
 * now: the status change, the old electorate's removal and the new electorate are one
 * transaction, conditioned on there being no ballot.
 */
export async function openPoll(ctx: Ctx, options: { row: ElectionRow; expected: Expected; policy: CountPolicy }): Promise<ElectionRow> {
  const { row, expected, policy } = options;
  requireMeetingPoll(row);
  // A stale If-Match is 412 whatever the poll's state: the client acts on what it last read.
  requireVersion(expected, row.version);
  refuseBallotsBesideProposal(row);
  if (row.status === "draft" || row.status === "nominating") return transition(ctx, { row, to: "voting", expected, policy });
  if (row.status === "voting") throw conflict("The poll is already open.", { reason: "poll_open" });
  if (row.status === "published") throw conflict("The result is published; the poll cannot be opened again.", { reason: "published" });
  const { db, now } = ctx;
  const at = now.toISOString();
  const next = row.version + 1;
  const reopened = sql`EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${row.id} AND ${e.status} = 'voting' AND ${e.version} = ${next})`;
  const [opening] = await runLongBatch(db, [
    db.run(sql`UPDATE ${e} SET status = 'voting', voting_opens_at = ${at}, voting_closes_at = ${pollNotClosed}, result = NULL,
      count_error = NULL, counted_at = NULL, version = ${next}, updated_at = ${at}
      WHERE ${e.id} = ${row.id} AND ${e.status} IN ('closed', 'counted') AND ${e.version} = ${row.version}
        AND NOT EXISTS (SELECT 1 FROM ${b} WHERE ${b.electionId} = ${row.id})`),
    db.run(sql`DELETE FROM ${v} WHERE ${v.electionId} = ${row.id} AND ${reopened}`),
    ...(await electorateStatements(db, row, ctx.org.timeZone, next)),
  ]);
  if (rowsAffected(opening) === 0) {
    const [cast] = await db.select({ n: sql<number>`count(*)` }).from(b).where(eq(b.electionId, row.id));
    if (Number(cast?.n ?? 0) > 0) throw conflict("Ballots were cast in this poll; it cannot be opened again.", { reason: "ballots_cast" });
    throw lostRace(expected, () => conflict("The election changed meanwhile; read it again and retry."));
  }
  return (await db.query.elections.findFirst({ where: eq(e.id, row.id) })) as ElectionRow;
}

/** Closes the poll and counts it; closing a poll that is not open is 409. */
export async function closePoll(ctx: Ctx, options: { row: ElectionRow; expected: Expected; policy: CountPolicy }): Promise<ElectionRow> {
  const { row, expected, policy } = options;
  requireMeetingPoll(row);
  requireVersion(expected, row.version);
  if (row.status !== "voting")
    throw conflict(
      row.status === "draft" || row.status === "nominating" ? "The poll has not been opened." : "The poll is already closed.",
      { reason: row.status === "draft" || row.status === "nominating" ? "poll_not_open" : "poll_closed" },
    );
  const closed = await transition(ctx, { row, to: "closed", expected, policy });
  return settle(ctx, { row: closed, policy });
}

/** For the chair: how many of the register have voted; nothing of what they voted. */
export async function pollProgress(ctx: Ctx, options: { row: ElectionRow }) {
  const { row } = options;
  const [voters] = await ctx.db
    .select({ electorate: sql<number>`count(*)`, voted: sql<number>`coalesce(sum(${v.hasVoted}), 0)` })
    .from(v)
    .where(eq(v.electionId, row.id));
  const [paper] = await ctx.db
    .select({ n: sql<number>`coalesce(sum(${b.weight}), 0)` })
    .from(b)
    .where(and(eq(b.electionId, row.id), eq(b.source, "paper")));
  const electorate = Number(voters?.electorate ?? 0);
  const voted = Number(voters?.voted ?? 0);
  return {
    electionId: row.id,
    status: row.status,
    electorate,
    voted,
    paperBallots: Number(paper?.n ?? 0),
  };
}
