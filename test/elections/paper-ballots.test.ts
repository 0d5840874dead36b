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
import { testApp } from "../helpers/app.ts";
import { votingElection } from "./helpers.ts";

async function electionRow(t: Awaited<ReturnType<typeof testApp>>, id: string): Promise<ElectionRow> {
  return (await t.db.query.elections.findFirst({ where: eq(schema.elections.id, id) })) as ElectionRow;
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

    await enterPaperBallots(t.db, read, { json: ballots.slice(0, 5) }, t.clock.now(), inlineRequestPolicy);
    // A second table entered its ballots on the same version it read: it must learn that and store nothing.
    await expect(enterPaperBallots(t.db, read, { json: ballots }, t.clock.now(), inlineRequestPolicy)).rejects.toMatchObject({
      status: 409,
    });
    expect(await paperCount(t, election.id)).toBe(5);
  });

  it("removes a batch only on the version it was read on", async () => {
    const t = await testApp();
    const { election, candidateIds } = await votingElection(t, { candidates: 3, voters: 2 });
    const first = await enterPaperBallots(
      t.db,
      await electionRow(t, election.id),
      { json: [{ weight: 2, ranking: [candidateIds[0] as string] }] },
      t.clock.now(),
      inlineRequestPolicy,
    );
    const stale = await electionRow(t, election.id);
    await enterPaperBallots(
      t.db,
      stale,
      { json: [{ weight: 1, ranking: [candidateIds[1] as string] }] },
      t.clock.now(),
      inlineRequestPolicy,
    );
    await expect(deletePaperBatch(t.db, stale, first.batchId, t.clock.now(), inlineRequestPolicy)).rejects.toMatchObject({ status: 404 });
    expect(await paperCount(t, election.id)).toBe(2);
  });
});
