/**
 * The elections on a member meeting's agenda as its notice lists them: each position with its
 * seats and the nominating committee's proposal, names in the committee's order.
 */
import { and, asc, eq, inArray, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Language, translate } from "../i18n/index.ts";
import type { ComingEvent } from "./events.ts";

const e = schema.elections;
const pr = schema.electionProposals;
const m = schema.members;

export interface AgendaElection {
  title: string;
  seats: number;
  /** The nominating committee's proposal, names in its order; empty while there is none. */
  proposed: string[];
}

/** The elections announced for this meeting (drafts are not on the agenda yet), in the order they were made. */
export async function agendaElections(db: Db, event: Pick<ComingEvent, "id" | "originalStart" | "recurring">): Promise<AgendaElection[]> {
  const occurrence = event.recurring ? event.originalStart : "";
  const elections = await db
    .select({ id: e.id, title: e.title, seats: e.seats })
    .from(e)
    .where(
      and(
        eq(e.eventId, event.id),
        ne(e.status, "draft"),
        // An election of this occurrence's register, or one that names the meeting without voting there.
        or(eq(e.meetingOccurrenceStart, occurrence), sql`${e.meetingOccurrenceStart} IS NULL`),
      ),
    )
    .orderBy(asc(e.createdAt), sql`${e}.rowid`);
  if (elections.length === 0) return [];
  const proposed = await db
    .select({ electionId: pr.electionId, name: m.name })
    .from(pr)
    .innerJoin(m, eq(m.id, pr.memberId))
    .where(
      inArray(
        pr.electionId,
        elections.map((x) => x.id),
      ),
    )
    .orderBy(asc(pr.electionId), asc(pr.place));
  return elections.map((election) => ({
    title: election.title,
    seats: election.seats,
    proposed: proposed.filter((p) => p.electionId === election.id).map((p) => p.name ?? "–"),
  }));
}

/** The agenda as the notice lists it, one line per election, in the reader's language; "–" when there is none. */
export function agendaText(agenda: AgendaElection[], language: Language): string {
  if (agenda.length === 0) return translate(language, "monthly.none");
  return agenda
    .map((election) => {
      const variables = { title: election.title, seats: String(election.seats), names: election.proposed.join(", ") };
      if (election.proposed.length === 0) return translate(language, "agenda.noProposal", variables);
      return translate(language, election.seats === 1 ? "agenda.proposalOneSeat" : "agenda.proposal", variables);
    })
    .join("\n");
}
