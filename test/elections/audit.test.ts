import { describe, expect, it } from "vitest";
import { json, testApp } from "../helpers/app.ts";
import { base, tokenOf, vote, votingElection } from "./helpers.ts";

interface Count {
  elected: string[];
  rounds: unknown[];
  ties: { resolvedBy: string }[];
  parameters: Record<string, unknown>;
}

describe("auditing a stored count with POST /v1/tally", () => {
  it("reproduces the election's count, lot included, from its tally input", async () => {
    const t = await testApp();
    const { election, candidateIds, voters } = await votingElection(t, {
      candidates: 3,
      voters: 4,
      fields: { method: "plurality", seats: 1 },
    });
    // Two votes each for the first two candidates: the seat goes by lot, drawn from the election's seed.
    const [a, b] = candidateIds as [string, string];
    for (const [i, voter] of voters.entries()) expect((await vote(t, election.id, voter, [i % 2 === 0 ? a : b])).status).toBe(201);
    t.clock.set(election.voting.closesAt);
    const result = await json<{ count: Count }>(await t.request("GET", `${base(t)}/elections/${election.id}/result`), 200);
    expect(result.count.ties).toEqual([expect.objectContaining({ resolvedBy: "lot" })]);

    const input = await json<{ seed: string; candidates: string[]; candidate_names: Record<string, string> }>(
      await t.request("GET", `${base(t)}/elections/${election.id}/tally-input`),
      200,
    );
    expect(input.seed).toBe(result.count.parameters.seed);
    expect(Object.keys(input.candidate_names).sort()).toEqual([...candidateIds].sort());
    const recount = await json<Count>(await t.request("POST", "/v1/tally", { body: input }), 200);
    expect(recount.elected).toEqual(result.count.elected);
    expect(recount.rounds).toEqual(result.count.rounds);
    expect(recount.ties).toEqual(result.count.ties);

    // Preference profiles stay with the organisation's keys.
    const member = await tokenOf(t, voters[0] as string);
    expect((await t.request("GET", `${base(t)}/elections/${election.id}/tally-input`, { key: member })).status).toBe(403);
  });
});
