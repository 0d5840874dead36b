import { describe, expect, it } from "vitest";
import { bltNames } from "../../src/elections/tally-input-blt.ts";
import { parseBlt } from "../../src/voting/blt.ts";
import { json, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember } from "../helpers/members.ts";
import { announce, base, createElection, stand, tokenOf, vote } from "./helpers.ts";

interface Count {
  elected: string[];
  rounds: { number: number; action: string; tallies: Record<string, string> }[];
  ties: { round: number; decides: string; candidates: string[]; chosen: string; resolvedBy: string }[];
}

interface TallyInput {
  method: string;
  seats: number;
  candidates: string[];
  ballots: { weight: number; ranking: (string | string[])[] }[];
  candidate_names: Record<string, string>;
  [option: string]: unknown;
}

/**
 * A counted Scottish STV election for two seats where every tie goes to the lot: four
 * candidates with one first preference each, two of them namesakes, and a fifth who
 * withdrew before voting opened.
 */
async function countedElection(t: TestApp) {
  const election = await createElection(t, { title: 'Board "2026"', seats: 2 });
  await announce(t, election.id);
  const names = ["Anna Berg", "Bo Ek", "Anna Berg", "Cecilia Lind", "Dan Ståhl"];
  const members: string[] = [];
  for (const name of names) members.push(await createActiveMember(t, { name }));
  const candidates: string[] = [];
  for (const member of members) candidates.push(await stand(t, election.id, member));
  const gone = candidates[4] as string;
  const withdrawal = await t.request("POST", `${base(t)}/elections/${election.id}/candidates/${gone}/withdraw`, {
    key: await tokenOf(t, members[4] as string),
  });
  expect(withdrawal.status, await withdrawal.clone().text()).toBe(200);

  const voters: string[] = [];
  for (let i = 0; i < 5; i++) voters.push(await createActiveMember(t));
  t.clock.set(election.voting.opensAt);
  const [a, b, a2, c] = candidates as [string, string, string, string];
  const rankings = [[a, b], [b, a], [a2], [c, a2], [a, c]];
  for (const [i, voter] of voters.entries()) expect((await vote(t, election.id, voter, rankings[i] as string[])).status).toBe(201);
  t.clock.set(election.voting.closesAt);
  const result = await json<{ count: Count }>(await t.request("GET", `${base(t)}/elections/${election.id}/result`), 200);
  return { election, candidates, result };
}

const tallyInputPath = (t: TestApp, id: string) => `${base(t)}/elections/${id}/tally-input`;

/** Candidate ids in the order of the BLT file: the standing ones as the JSON form lists them, then the withdrawn one. */
const bltOrder = (input: TallyInput, candidates: string[]) => [...input.candidates, candidates[4] as string];

/** The method and its options, which BLT does not carry, from the JSON form into the query, as an auditor would send them. */
function methodQuery(input: TallyInput): string {
  const notOptions = new Set(["method", "seats", "candidates", "withdrawn", "seed", "ballots", "candidate_names"]);
  const query = new URLSearchParams({ method: input.method });
  for (const [key, value] of Object.entries(input)) {
    if (!notOptions.has(key) && value !== null) query.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  return query.toString();
}

describe("an election's tally input as BLT", () => {
  it("answers BLT on ?format=blt or Accept: text/plain, and JSON otherwise", async () => {
    const t = await testApp();
    const { election } = await countedElection(t);
    const path = tallyInputPath(t, election.id);

    const byQuery = await t.request("GET", `${path}?format=blt`);
    expect(byQuery.status).toBe(200);
    expect(byQuery.headers.get("Content-Type")).toBe("text/plain; charset=UTF-8");
    expect(byQuery.headers.get("Vary")).toContain("Accept");
    const blt = await byQuery.text();
    const byAccept = await t.request("GET", path, { headers: { Accept: "text/plain" } });
    expect(await byAccept.text()).toBe(blt);
    expect(byAccept.headers.get("ETag")).toBe(byQuery.headers.get("ETag"));

    for (const accept of [undefined, "application/json", "*/*", "application/json, text/plain", "text/plain;q=0.5, application/json"]) {
      const response = await t.request("GET", path, { headers: accept ? { Accept: accept } : {} });
      expect(response.headers.get("Content-Type"), accept).toContain("application/json");
    }
    expect((await t.request("GET", `${path}?format=json`, { headers: { Accept: "text/plain" } })).headers.get("Content-Type")).toContain(
      "application/json",
    );
    expect((await t.request("GET", `${path}?format=csv`)).status).toBe(422);
  });

  it("holds the same ballots as the JSON form, by name, with the withdrawn candidate, the seats and the lot as [tie]", async () => {
    const t = await testApp();
    const { election, candidates } = await countedElection(t);
    const input = await json<TallyInput>(await t.request("GET", tallyInputPath(t, election.id)), 200);
    const blt = parseBlt(await (await t.request("GET", `${tallyInputPath(t, election.id)}?format=blt`)).text());

    expect(blt.title).toBe("Board '2026'");
    expect(blt.seats).toBe(2);
    const ids = bltOrder(input, candidates);
    let namesakes = 0;
    const expected = input.candidates.map((id) => {
      const name = input.candidate_names[id] as string;
      return name === "Anna Berg" && ++namesakes === 2 ? "Anna Berg (2)" : name;
    });
    expect(blt.candidates).toEqual([...expected, "Dan Ståhl"]);
    expect(blt.withdrawn).toEqual(["Dan Ståhl"]);
    expect([...(blt.tieBreakOrder ?? [])].sort()).toEqual(expected.sort());

    const idOf = new Map(blt.candidates.map((name, index) => [name, ids[index] as string]));
    const byId = (ranking: (string | string[])[]) =>
      ranking.map((entry) => (typeof entry === "string" ? idOf.get(entry) : entry.map((n) => idOf.get(n))));
    const key = (ballot: { weight: number; ranking: unknown[] }) => JSON.stringify([ballot.weight, ballot.ranking]);
    expect(blt.ballots.map((ballot) => key({ weight: ballot.weight, ranking: byId(ballot.ranking) })).sort()).toEqual(
      input.ballots.map(key).sort(),
    );
  });

  it("counts on POST /v1/tally to the election's own result, every lot included", async () => {
    const t = await testApp();
    const { election, candidates, result } = await countedElection(t);
    expect(result.count.ties.some((tie) => tie.resolvedBy === "lot")).toBe(true);
    const input = await json<TallyInput>(await t.request("GET", tallyInputPath(t, election.id)), 200);
    const text = await (await t.request("GET", `${tallyInputPath(t, election.id)}?format=blt`)).text();

    const recount = await json<Count>(
      await t.request("POST", `/v1/tally?${methodQuery(input)}`, { body: text, headers: { "Content-Type": "text/plain" } }),
      200,
    );
    const ids = bltOrder(input, candidates);
    const idOf = new Map(parseBlt(text).candidates.map((name, index) => [name, ids[index] as string]));
    const id = (name: string) => idOf.get(name) ?? name;
    expect(recount.elected.map(id)).toEqual(result.count.elected);
    expect(recount.ties.map((tie) => ({ ...tie, candidates: tie.candidates.map(id), chosen: id(tie.chosen), resolvedBy: "" }))).toEqual(
      result.count.ties.map((tie) => ({ ...tie, resolvedBy: "" })),
    );
    // Rounds name candidates in lists and as keys; the withdrawn one, absent from the election's count, shows nowhere there.
    const gone = candidates[4] as string;
    const toIds = (value: unknown): unknown => {
      if (typeof value === "string") return id(value);
      if (Array.isArray(value)) return value.map(toIds);
      if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (id(k) === gone ? [] : [[id(k), toIds(v)]])));
      }
      return value;
    };
    const withoutWords = (rounds: Count["rounds"]) => rounds.map((round) => ({ ...round, action: "" }));
    expect(toIds(withoutWords(recount.rounds))).toEqual(withoutWords(result.count.rounds));
  });
});

describe("candidate names in BLT", () => {
  it("are distinct and quotable: namesakes numbered, quotes and line breaks replaced, a missing name by place", () => {
    const names = bltNames([
      { name: "Anna" },
      { name: "Anna (2)" },
      { name: "Anna" },
      { name: 'Bo "Bosse"\nEk' },
      { name: null },
      { name: "Anna" },
    ]);
    expect(names).toEqual(["Anna", "Anna (2)", "Anna (3)", "Bo 'Bosse' Ek", "Candidate 5", "Anna (4)"]);
  });
});
