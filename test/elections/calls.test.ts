import { describe, expect, it } from "vitest";
import { json, testApp } from "../helpers/app.ts";
import { announce, base, createElection, votingElection } from "./helpers.ts";

interface MailingList {
  data: { kind: string; subject: string; status: string }[];
}

async function electionCalls(t: Awaited<ReturnType<typeof testApp>>) {
  const list = await json<MailingList>(await t.request("GET", `${base(t)}/mailings?kind=election_call`), 200);
  return list.data;
}

describe("election calls", () => {
  it("queues one call to all members when nominations open, and one when voting opens", async () => {
    const t = await testApp();
    const election = await createElection(t);
    expect(await electionCalls(t)).toHaveLength(0);
    await announce(t, election.id);
    expect(await electionCalls(t)).toHaveLength(1);
    // Reading the election again does not queue the call again.
    await t.request("GET", `${base(t)}/elections/${election.id}`);
    expect(await electionCalls(t)).toHaveLength(1);
  });

  it("queues the voting call when the clock opens voting", async () => {
    const t = await testApp();
    await votingElection(t, { candidates: 3, voters: 2 });
    const calls = await electionCalls(t);
    expect(calls).toHaveLength(2);
  });
});
