/**
 * Elections whose electorate is a member meeting's voting register: the chair opens and
 * closes the poll in the room, so no voting times are set in advance. The stored times
 * stand at the far end of time until the chair acts, which keeps the clock (and the
 * scheduled job) from ever moving such a poll by itself.
 */
import type { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { openEnded } from "../../drizzle/events.ts";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { meetingOf } from "../events/meetings.service.ts";
import { invalid } from "../lib/problems.ts";
import type { Electorate } from "./elections.schemas.ts";

/** Voting times of a meeting's poll before the chair opens it and while it is open. */
export const pollNotOpened = "9999-12-31T23:59:59.998Z";
export const pollNotClosed = openEnded;

export interface ElectorateSettings {
  electorateSource: "memberships" | "meeting";
  electorateGroupId: string | null;
  electorateCutoffOn: string;
  meetingOccurrenceStart: string | null;
  /** The meeting, for source meeting: the election's event. */
  eventId?: string;
  votingOpensAt: string;
  votingClosesAt: string;
}

/** The electorate and voting times of an election from its input; 422 on the field that does not fit the source. */
export async function electorateSettings(
  ctx: Ctx,
  input: {
    electorate: z.infer<typeof Electorate>;
    voting: { opensAt: string; closesAt: string } | undefined;
    eventId: string | null | undefined;
  },
): Promise<ElectorateSettings> {
  const { electorate, voting } = input;
  if ((electorate.source ?? "memberships") === "memberships") {
    if (electorate.eventId !== undefined || electorate.occurrenceStart !== undefined)
      throw invalid("body.electorate.eventId", "belongs to source meeting");
    if (electorate.cutoffOn === undefined)
      throw invalid("body.electorate.cutoffOn", "is required (the members in standing on this day vote)");
    if (voting === undefined) throw invalid("body.voting", "is required unless the electorate is a meeting's voting register");
    return {
      electorateSource: "memberships",
      electorateGroupId: electorate.groupId ?? null,
      electorateCutoffOn: electorate.cutoffOn,
      meetingOccurrenceStart: null,
      votingOpensAt: voting.opensAt,
      votingClosesAt: voting.closesAt,
    };
  }
  if (voting !== undefined) throw invalid("body.voting", "a meeting's poll is opened and closed by the chair; leave voting out");
  if (electorate.groupId) throw invalid("body.electorate.groupId", "the register of the meeting is the electorate; leave groupId out");
  if (electorate.cutoffOn !== undefined) throw invalid("body.electorate.cutoffOn", "the meeting's day is the cut-off day; leave it out");
  if (electorate.eventId === undefined) throw invalid("body.electorate.eventId", "is required: the member meeting whose register votes");
  if (input.eventId && input.eventId !== electorate.eventId)
    throw invalid("body.eventId", "must be the meeting of the electorate (or be left out)");
  const event = await ctx.db.query.events.findFirst({
    columns: { kind: true },
    where: and(eq(schema.events.orgId, ctx.org.id), eq(schema.events.id, electorate.eventId)),
  });
  if (event?.kind !== "member_meeting") throw invalid("body.electorate.eventId", "is not a member meeting of this organisation");
  const meeting = await meetingOf(ctx, {
    eventId: electorate.eventId,
    occurrenceStart: electorate.occurrenceStart,
    field: "body.electorate.occurrenceStart",
  });
  return {
    electorateSource: "meeting",
    electorateGroupId: null,
    electorateCutoffOn: meeting.day,
    meetingOccurrenceStart: meeting.key,
    eventId: meeting.event.id,
    votingOpensAt: pollNotOpened,
    votingClosesAt: pollNotClosed,
  };
}

/** A stored voting time as the API shows it: null for a meeting's poll not yet opened or closed. */
export const shownTime = (at: string) => (at === pollNotOpened || at === pollNotClosed ? null : at);
