import { describe, expect, it } from "vitest";
import { announce, base, createElection, type ElectionBody, stand } from "../elections/helpers.ts";
import { json, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { activeMembers } from "./helpers.ts";

interface Result {
  byAcclamation: boolean;
  elected: { memberId: string; place: number }[];
  count: unknown;
}

describe("election by acclamation", () => {
  it("declares the candidates elected when they do not outnumber the seats; the result says so and publishing creates the mandates", async () => {
    const t = await testApp();
    const election = await createElection(t, { seats: 3 });
    await announce(t, election.id);
    const [a, b] = await activeMembers(t, 2);
    await stand(t, election.id, a?.id as string);
    // Nominated one after the other: the order of nomination is the order of election.
    t.clock.advance(60_000);
    await stand(t, election.id, b?.id as string);
    const result = await json<Result>(await t.request("POST", `${base(t)}/elections/${election.id}/acclamation`), 200);
    expect(result).toMatchObject({ byAcclamation: true, count: null, vacantSeats: 1 });
    expect(result.elected.map((e) => e.memberId)).toEqual([a?.id, b?.id]);
    const again = await t.request("POST", `${base(t)}/elections/${election.id}/acclamation`);
    expect(await problemOf(again)).toMatchObject({ status: 409, reason: "voting_opened" });

    await json(await t.request("POST", `${base(t)}/elections/${election.id}/publish`, { body: {} }), 200);
    const published = await json<ElectionBody>(await t.request("GET", `${base(t)}/elections/${election.id}`), 200);
    const mandates = await json<{ data: { memberId: string; current: boolean; place: number }[] }>(
      await t.request("GET", `${base(t)}/positions/${published.positionId}/mandates?current=true`),
      200,
    );
    expect(mandates.data.map((m) => [m.memberId, m.place]).sort((x, y) => Number(x[1]) - Number(y[1]))).toEqual([
      [a?.id, 1],
      [b?.id, 2],
    ]);
    const forMembers = await json<Result>(await t.request("GET", `${base(t)}/elections/${election.id}/result`, { key: a?.token }), 200);
    expect(forMembers.byAcclamation).toBe(true);
  });

  it("refuses a contested election (more candidates than seats) and one nobody stands in, changing nothing", async () => {
    const t = await testApp();
    const contested = await createElection(t, { seats: 1 });
    const empty = await createElection(t, { seats: 1 });
    await announce(t, contested.id);
    await announce(t, empty.id);
    const [a, b] = await activeMembers(t, 2);
    await stand(t, contested.id, a?.id as string);
    await stand(t, contested.id, b?.id as string);
    const before = await snapshot(t.database);
    expect(await problemOf(await t.request("POST", `${base(t)}/elections/${contested.id}/acclamation`))).toMatchObject({
      status: 409,
      reason: "contested",
    });
    expect(await problemOf(await t.request("POST", `${base(t)}/elections/${empty.id}/acclamation`))).toMatchObject({
      status: 409,
      reason: "no_candidates",
    });
    expect(await snapshot(t.database)).toBe(before);
  });
});
