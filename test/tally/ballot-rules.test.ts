import { describe, expect, it } from "vitest";
import { countUploadMaxBytes } from "../../src/tally/tally.routes.ts";
import { activeMembers, announce, base, createElection, stand } from "../elections/helpers.ts";
import { problemOf, type TestApp, testApp } from "../helpers/app.ts";

const blt = (t: TestApp, text: string, query: string) =>
  t.request("POST", `/v1/tally?${query}`, { body: text, headers: { "Content-Type": "text/plain" } });

interface Answer {
  ballots: { total: number; valid: number; blank: number; invalid: number };
  parameters: Record<string, unknown>;
  elected: string[];
}

describe("POST /v1/tally: the ballot rules", () => {
  // Carol withdrew; three papers marked only her.
  const withdrawnOnly = ["3 1", "-3", "4 1 0", "3 2 0", "3 3 0", "0", '"Alice"', '"Bob"', '"Carol"', '"Chair"'].join("\n");

  it("counts a ballot marked only for withdrawn candidates as blank: it stays out of the Scottish quota", async () => {
    const t = await testApp();
    const response = await blt(t, withdrawnOnly, "method=scottish_stv");
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Answer;
    expect(answer.ballots).toEqual({ total: 10, valid: 7, blank: 3, invalid: 0 });
    expect(answer.parameters.quotaValue).toBe("4.00000"); // floor(7 / 2) + 1, not floor(10 / 2) + 1
    expect(answer.elected).toEqual(["Alice"]);
  });

  it("and out of the WIGM quota", async () => {
    const t = await testApp();
    const answer = (await (await blt(t, withdrawnOnly, "method=wigm_stv")).json()) as Answer;
    expect(answer.ballots.blank).toBe(3);
    expect(answer.parameters.quotaValue).toBe("3.500000000000"); // 7 / 2
  });

  it("refuses a BLT line holding two ballots, naming the line", async () => {
    const t = await testApp();
    const problem = await problemOf(await blt(t, ["3 1", "1 1 2 0", "3 1 0 2 0", "0", '"A"', '"B"', '"C"'].join("\n"), "method=irv"));
    expect(problem.status).toBe(422);
    expect(problem.errors).toEqual([
      { field: "line 3", message: 'line 3: unexpected "2" after the 0 that ends the ballot; each ballot has a line of its own' },
    ]);
  });

  it("refuses weights past 2^53 - 1 instead of rounding them", async () => {
    const t = await testApp();
    const body = {
      method: "plurality",
      seats: 1,
      candidates: ["A", "B"],
      ballots: [
        { weight: 9007199254740991, ranking: ["A"] },
        { weight: 2, ranking: ["B"] },
      ],
    };
    const json = await problemOf(await t.request("POST", "/v1/tally", { body }));
    expect(json.status).toBe(422);
    expect(json.errors?.[0]?.field).toBe("body.ballots");
    const file = await problemOf(await blt(t, ["2 1", "18014398509481984 1 0", "0", '"A"', '"B"'].join("\n"), "method=plurality"));
    expect(file.errors?.[0]?.field).toBe("line 2");
  });
});

describe("the body limit of counts and ballot imports", () => {
  /** A BLT file of 100,000 ballots over 15 candidates: about 1.6 MB, as large as official ward files. */
  function largeBlt(): string {
    const lines = ["15 3"];
    for (let i = 0; i < 100_000; i++) {
      const length = 1 + (i % 12);
      const ranking = Array.from({ length }, (_, k) => 1 + ((i + k * 7) % 15));
      lines.push(`1 ${[...new Set(ranking)].join(" ")} 0`);
    }
    lines.push("0", ...Array.from({ length: 15 }, (_, i) => `"Candidate ${i + 1}"`), '"Ward"');
    return lines.join("\n");
  }

  it("takes a 100,000-ballot BLT file of more than 1 MiB on /v1/tally", async () => {
    const t = await testApp();
    const text = largeBlt();
    expect(text.length).toBeGreaterThan(1_048_576);
    const response = await blt(t, text, "method=scottish_stv");
    expect(response.status).toBe(200);
    expect(((await response.json()) as Answer).ballots.total).toBe(100_000);
  }, 60_000);

  it("takes a paper-ballot import of more than 1 MiB as far as reading it", async () => {
    const t = await testApp();
    const election = await createElection(t);
    await announce(t, election.id);
    await stand(t, election.id, (await activeMembers(t, 1))[0] as string);
    t.clock.set(election.voting.opensAt);
    // Its candidates are not this election's: read in full, then refused by name, not by size.
    const response = await t.request("POST", `${base(t)}/elections/${election.id}/paper-ballots`, {
      body: largeBlt(),
      headers: { "Content-Type": "text/plain" },
    });
    const problem = await problemOf(response);
    expect(problem.status).toBe(422);
    expect(problem.detail).toContain('"Candidate 1" is not a candidate in this election');
  }, 60_000);

  it("still refuses a body over the counting limit with 413", async () => {
    const t = await testApp();
    const response = await blt(t, `1 1\n${"1 1 0\n".repeat(Math.ceil(countUploadMaxBytes / 6) + 1)}0\n"A"`, "method=plurality");
    expect(response.status).toBe(413);
  });
});
