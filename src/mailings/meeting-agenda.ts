/**
 * The elections on a member meeting's agenda as its notice lists them: each position with its
 * seats and the nominating committee's proposal, names in the committee's order.
 */
import { and, asc, eq, inArray, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import type { ComingEvent } from "./events.ts";

const e = schema.elections;
const pr = schema.electionProposals;
const m = schema.members;

/** One line per election announced for this meeting (drafts are not on the agenda yet); "–" when there is none. */
export async function agendaElections(db: Db, event: Pick<ComingEvent, "id" | "originalStart" | "recurring">): Promise<string> {
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
  if (elections.length === 0) return "–";
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
  return elections
    .map((election) => {
      const names = proposed.filter((p) => p.electionId === election.id).map((p) => p.name ?? "–");
      const proposal = names.length > 0 ? `proposed: ${names.join(", ")}` : "no proposal from the nominating committee yet";
      return `- ${election.title} (${election.seats} ${election.seats === 1 ? "seat" : "seats"}): ${proposal}`;
    })
    .join("\n");
}
