import { describe, expect, it } from "vitest";
import { methodNames } from "../../src/tally/methods.ts";
import { TallyResult } from "../../src/tally/tally.schemas.ts";
import { testApp } from "../helpers/app.ts";

const ranked = [
  { weight: 4, ranking: ["A", "B", "C"] },
  { weight: 3, ranking: ["B", "C", "A"] },
  { weight: 2, ranking: ["C", ["A", "B"]] },
];
const lists = [
  { weight: 40, ranking: ["A"] },
  { weight: 25, ranking: ["B"] },
  { weight: 10, ranking: ["C"] },
];

/** A small count for every method, and for each option that changes the shape of the parameters. */
const counts: { method: string; seats: number; options?: Record<string, unknown> }[] = [
  ...methodNames.map((method) => ({ method, seats: method === "irv" ? 1 : 2 })),
  { method: "meek_stv", seats: 2, options: { variant: "prf_reference" } },
  { method: "wigm_stv", seats: 2, options: { arithmetic: "fixed", precision: 6, look_back: true } },
  { method: "sainte_lague", seats: 3, options: { first_divisor: 1.4, cartels: [["B", "C"]] } },
  { method: "dhondt", seats: 3, options: { cartels: [["B", "C"]] } },
  { method: "majority_runoff", seats: 1, options: { max_marks: 1, majority_rounds: 2 } },
];

describe("the parameters of a count, per method", () => {
  it("are exactly what the document's schema of that method says, for every method", async () => {
    const t = await testApp();
    const seen = new Set<string>();
    for (const { method, seats, options } of counts) {
      const list = method === "dhondt" || method === "sainte_lague";
      const response = await t.request("POST", "/v1/tally", {
        body: { method, seats, candidates: ["A", "B", "C"], ballots: list ? lists : ranked, ...options },
      });
      expect(response.status, method).toBe(200);
      const answer = await response.json();
      const parsed = TallyResult.safeParse(answer);
      // The schema of each method's parameters is strict: a key it does not name fails here.
      expect(parsed.error?.issues ?? [], `${method} ${JSON.stringify(options ?? {})}`).toEqual([]);
      seen.add((answer as { method: string }).method);
    }
    expect([...seen].sort()).toEqual([...methodNames].sort());
  });

  it("are refused by the schema of another method", async () => {
    const t = await testApp();
    const answer = (await (
      await t.request("POST", "/v1/tally", { body: { method: "meek_stv", seats: 2, candidates: ["A", "B", "C"], ballots: ranked } })
    ).json()) as Record<string, unknown>;
    expect(TallyResult.safeParse(answer).success).toBe(true);
    expect(TallyResult.safeParse({ ...answer, method: "scottish_stv" }).success).toBe(false);
  });
});
