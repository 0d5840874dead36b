/**
 * Election calls: the statutory mail that tells the electorate, and only the electorate, that
 * nominations are open and, for elections with voting times, that voting is open. The
 * elections of one member meeting share one call, sent when the first of them is announced;
 * their voting happens in the room.
 */
import { and, asc, eq, ne, type SQL, sql } from "drizzle-orm";
import { schema } from "../db/index.ts";
import { queueElectionCall, queueMeetingElectionCall } from "../mailings/automation-planners.ts";
import type { ElectionRow } from "./elections.service.ts";
import { memberSlices, prospectiveElectorateSql, writtenElectorateSql } from "./electorate.ts";
import type { ElectionClock } from "./lifecycle.ts";

const e = schema.elections;

export async function sendElectionCall(ctx: ElectionClock, row: ElectionRow, phase: "nominations_open" | "voting_open") {
  const { db, now } = ctx;
  const org = await db.query.organisations.findFirst({
    columns: { id: true, timeZone: true, locale: true },
    where: eq(schema.organisations.id, row.orgId),
  });
  if (!org) return;
  if (row.electorateSource === "meeting") {
    if (phase === "nominations_open") await sendMeetingCall(ctx, org, row);
    return;
  }
  const [opensAt, closesAt] =
    phase === "nominations_open" ? [row.nominationOpensAt, row.nominationClosesAt] : [row.votingOpensAt, row.votingClosesAt];
  // Once voting has opened the electorate is written; before, it is who would be in it.
  const of = (range?: SQL) =>
    phase === "voting_open" ? writtenElectorateSql(row, range) : prospectiveElectorateSql(row, ctx.day, org.timeZone, range);
  // Written a slice of the organisation's members at a time: the electorate may be all of them.
  const slices = await memberSlices(db, row.orgId);
  await queueElectionCall(db, org, { id: row.id, title: row.title, phase, opensAt, closesAt }, { of, slices }, now);
}

/** The meeting's one call, listing every election of the meeting announced so far. */
async function sendMeetingCall(ctx: ElectionClock, org: { id: string; timeZone: string; locale: string }, row: ElectionRow) {
  const { db, now } = ctx;
  if (!row.eventId) return;
  const occurrenceStart = row.meetingOccurrenceStart ?? "";
  const announced = await db
    .select({ title: e.title, seats: e.seats, nominationOpensAt: e.nominationOpensAt, nominationClosesAt: e.nominationClosesAt })
    .from(e)
    .where(
      and(
        eq(e.orgId, row.orgId),
        eq(e.eventId, row.eventId),
        eq(e.electorateSource, "meeting"),
        eq(e.meetingOccurrenceStart, occurrenceStart),
        ne(e.status, "draft"),
      ),
    )
    // In the order they were created: the agenda's order, as far as the elections know it.
    .orderBy(asc(e.createdAt), sql`${e}.rowid`);
  const event = await db.query.events.findFirst({ columns: { title: true }, where: eq(schema.events.id, row.eventId) });
  await queueMeetingElectionCall(
    db,
    org,
    { eventId: row.eventId, occurrenceStart, title: event?.title ?? row.title, elections: announced },
    prospectiveElectorateSql(row, ctx.day, org.timeZone),
    now,
  );
}
