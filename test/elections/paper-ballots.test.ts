/**
 * Paper ballots entered at the counting table: an entry made on a version of the election
 * that another entry has moved on from stores nothing, however many chunks it has.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { schema } from "../../src/db/index.ts";
import { deletePaperBatch, enterPaperBallots } from "../../src/elections/ballots.service.ts";
import { inlineRequestPolicy } from "../../src/elections/counting.ts";
import type { ElectionRow } from "../../src/elections/elections.service.ts";
import type { ElectionClock } from "../../src/elections/lifecycle.ts";
import { localDay } from "../../src/lib/dates.ts";
import { testApp } from "../helpers/app.ts";
import { votingElection } from "./helpers.ts";

async function electionRow(t: Awaited<ReturnType<typeof testApp>>, id: string): Promise<ElectionRow> {
  return (await t.db.query.elections.findFirst({ where: eq(schema.elections.id, id) })) as ElectionRow;
}

/** The organisation at the test clock's instant, as the counting table's entries see it. */
async function clockOf(t: Awaited<ReturnType<typeof testApp>>): Promise<ElectionClock> {
  const org = await t.db.query.organisations.findFirst({ where: eq(schema.organisations.slug, t.org) });
  if (!org) throw new Error("the test organisation is missing");
  const now = t.clock.now();
  return { db: t.db, org: { id: org.id, slug: org.slug, timeZone: org.timeZone }, now, day: localDay(now, org.timeZone) };
}

async function paperCount(t: Awaited<ReturnType<typeof testApp>>, id: string): Promise<number> {
  const result = await t.database.client.execute({
    sql: "SELECT count(*) AS n FROM ballots WHERE election_id = ? AND source = 'paper'",
    args: [id],
  });
  return Number(result.rows[0]?.n);
}

describe("paper ballots", () => {
  it("stores an entry made on a stale version of the election not at all, even one of many chunks", async () => {
    const t = await testApp();
    const { election, candidateIds } = await votingElection(t, { candidates: 3, voters: 2 });
    const read = await electionRow(t, election.id);
    const ballots = Array.from({ length: 900 }, (_, i) => ({ weight: 1, ranking: [candidateIds[i % 3] as string] }));

    const clock = await clockOf(t);
    await enterPaperBallots(clock, { election: read, input: { json: ballots.slice(0, 5) }, policy: inlineRequestPolicy });
    // A second table entered its ballots on the same version it read: it must learn that and store nothing.
    await expect(enterPaperBallots(clock, { election: read, input: { json: ballots }, policy: inlineRequestPolicy })).rejects.toMatchObject(
      {
        status: 409,
      },
    );
    expect(await paperCount(t, election.id)).toBe(5);
  });

  it("removes a batch only on the version it was read on", async () => {
    const t = await testApp();
    const { election, candidateIds } = await votingElection(t, { candidates: 3, voters: 2 });
    const clock = await clockOf(t);
    const first = await enterPaperBallots(clock, {
      election: await electionRow(t, election.id),
      input: { json: [{ weight: 2, ranking: [candidateIds[0] as string] }] },
      policy: inlineRequestPolicy,
    });
    const stale = await electionRow(t, election.id);
    await enterPaperBallots(clock, {
      election: stale,
      input: { json: [{ weight: 1, ranking: [candidateIds[1] as string] }] },
      policy: inlineRequestPolicy,
    });
    await expect(deletePaperBatch(clock, { election: stale, batchId: first.batchId, policy: inlineRequestPolicy })).rejects.toMatchObject({
      status: 404,
    });
    expect(await paperCount(t, election.id)).toBe(2);
  });
});
