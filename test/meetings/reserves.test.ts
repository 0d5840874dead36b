import { describe, expect, it } from "vitest";
import { announce, base, createElection, schedule, stand, vote } from "../elections/helpers.ts";
import { json, testApp } from "../helpers/app.ts";
import { activeMembers } from "./helpers.ts";

interface Result {
  elected: { id: string }[];
  reserves: { id: string; memberId: string; rank: number }[];
}

describe("reserves (ersättare)", () => {
  it("ranks the non-elected by STV, one seat at a time, and stores them with the mandates", async () => {
    const t = await testApp();
    const election = await createElection(t, { seats: 2, reserves: 2, method: "scottish_stv" });
    expect(election.reserves).toBe(2);
    await announce(t, election.id);
    const people = await activeMembers(t, 15);
    const [a, b, c, d, e] = await Promise.all(people.slice(0, 5).map((p) => stand(t, election.id, p.id)));
    t.clock.set(schedule(t).voting.opensAt);
    // a and b reach the quota at once; of the rest, c is preferred next, then d; e is last.
    const ballots = [
      ...Array.from({ length: 4 }, () => [a, c]),
      ...Array.from({ length: 2 }, () => [a, d]),
      ...Array.from({ length: 2 }, () => [b, c]),
      ...Array.from({ length: 3 }, () => [b, d]),
      [b, e],
      [c],
      [d],
      [e],
    ];
    for (const [i, ranking] of ballots.entries()) expect((await vote(t, election.id, people[i]?.id as string, ranking)).status).toBe(201);
    await json(await t.request("POST", `${base(t)}/elections/${election.id}/transitions`, { body: { to: "counted" } }), 200);
    const result = await json<Result>(await t.request("GET", `${base(t)}/elections/${election.id}/result`), 200);
    expect(result.elected.map((x) => x.id).sort()).toEqual([a, b].sort());
    expect(result.reserves.map((r) => [r.id, r.rank])).toEqual([
      [c, 1],
      [d, 2],
    ]);
    await json(await t.request("POST", `${base(t)}/elections/${election.id}/publish`, { body: {} }), 200);
    const mandates = await json<{ data: { memberId: string; place: number | null; reserveRank: number | null }[] }>(
      await t.request("GET", `${base(t)}/positions/${election.positionId}/mandates?current=true`),
      200,
    );
    const reserves = mandates.data.filter((m) => m.reserveRank !== null).sort((x, y) => Number(x.reserveRank) - Number(y.reserveRank));
    expect(reserves.map((m) => [m.memberId, m.reserveRank, m.place])).toEqual([
      [people[2]?.id, 1, null],
      [people[3]?.id, 2, null],
    ]);
    expect(mandates.data.filter((m) => m.reserveRank === null)).toHaveLength(2);
  });
});
