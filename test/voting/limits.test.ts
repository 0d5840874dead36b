import { describe, expect, it } from "vitest";
import { count } from "../../src/voting/index.ts";
import { CountLimitError, INLINE_WORK, MAX_WORK, METHOD_LIMITS, planCount } from "../../src/voting/limits.ts";
import { type Ballot, type CountInput, CountInputError, type MethodName } from "../../src/voting/types.ts";

const names = (n: number) => Array.from({ length: n }, (_, i) => `C${i + 1}`);

/** `rows` rankings of the candidates, shuffled by a seeded generator: distinct, as real ballots mostly are. */
function distinctBallots(candidates: string[], rows: number): Ballot[] {
  let state = 7;
  const random = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  return Array.from({ length: rows }, () => {
    const order = [...candidates];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as string, order[i] as string];
    }
    return { weight: 1, ranking: order.slice(0, 1 + Math.floor(random() * order.length)) };
  });
}

function limitError(run: () => unknown): CountLimitError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CountLimitError);
    return error as CountLimitError;
  }
  throw new Error("expected a CountLimitError");
}

describe("limits: refused before the work starts", () => {
  it("refuses Schulze over 10,000 candidates by the candidate cap (it would need 10,000² tables)", () => {
    const error = limitError(() => count({ method: "schulze", candidates: names(10_000), ballots: [{ weight: 1, ranking: ["C1"] }] }));
    expect(error).toMatchObject({ limit: "candidates", field: "candidates" });
    expect(error.message).toBe("schulze counts at most 1,000 candidates standing; 10,000 were given");
  });

  it.each([
    ["sequential_irv", 200, undefined],
    ["irv", 1_000, 1],
    ["scottish_stv", 2_000, 3],
    ["meek_stv", 2_000, 3],
    ["wigm_stv", 2_000, 3],
    ["schulze_repeated", 500, undefined],
  ] as [MethodName, number, number | undefined][])("refuses %s over %i candidates by its candidate cap", (method, n, seats) => {
    const error = limitError(() => count({ method, seats, candidates: names(n), ballots: distinctBallots(names(n), 200) }));
    expect(error).toMatchObject({ limit: "candidates", field: "candidates" });
    expect(error.message).toContain(`at most ${METHOD_LIMITS[method].candidates.toLocaleString("en-GB")} candidates`);
  });

  it("refuses Schulze STV at 15 candidates for 4 seats over thousands of distinct rankings by its work estimate", () => {
    const input: CountInput = { method: "schulze_stv", seats: 4, candidates: names(15), ballots: distinctBallots(names(15), 3_000) };
    const error = limitError(() => count(input));
    expect(error).toMatchObject({ limit: "work", field: "ballots" });
    expect(error.message).toMatch(/about [\d,]+ units of work \(limit 2,000,000,000: 15 candidates, 4 seats, [\d,]+ distinct rankings\)/);
    // The same election over a few dozen distinct rankings is a count it takes.
    expect(planCount({ ...input, ballots: distinctBallots(names(15), 40) }).work).toBeLessThanOrEqual(MAX_WORK);
  });

  it("counts identical rankings once, so many voters with few distinct rankings stay small", () => {
    const candidates = names(50);
    const twenty = distinctBallots(candidates, 20);
    const ballots = Array.from({ length: 50_000 }, (_, i) => twenty[i % 20] as Ballot);
    const plan = planCount({ method: "sequential_irv", candidates, ballots });
    expect(plan.shape).toMatchObject({ rows: 50_000, rankings: 20 });
    expect(plan.work).toBeLessThanOrEqual(MAX_WORK);
  });

  it("refuses seats × lists beyond the party-list bound, naming it", () => {
    const error = limitError(() =>
      count({ method: "dhondt", seats: 5_000, candidates: names(100), ballots: [{ weight: 1, ranking: ["C1"] }] }),
    );
    expect(error).toMatchObject({ limit: "seats × lists", field: "seats" });
  });

  it("tells small counts (in line) from large ones (off the event loop)", () => {
    const small = planCount({ method: "scottish_stv", seats: 3, candidates: names(10), ballots: distinctBallots(names(10), 100) });
    expect(small.work).toBeLessThanOrEqual(INLINE_WORK);
    const large = planCount({ method: "schulze", candidates: names(1_000), ballots: distinctBallots(names(1_000), 400) });
    expect(large.work).toBeGreaterThan(INLINE_WORK);
    expect(large.work).toBeLessThanOrEqual(MAX_WORK);
  });
});

describe("limits: the answer's matrices only on request, and bounded", () => {
  const candidates = names(400);
  const ballots = distinctBallots(candidates, 50);

  it("leaves Schulze's candidates × candidates matrices out by default", () => {
    // 200 candidates keep the count itself cheap (Schulze is cubic) while the matrices would still be large.
    const some = candidates.slice(0, 200);
    const result = count({ method: "schulze", candidates: some, ballots: distinctBallots(some, 50) });
    const details = result.rounds[0]?.details ?? {};
    expect(details).not.toHaveProperty("pairwise");
    expect(details).not.toHaveProperty("strongestPaths");
    expect(details.winners).toContain(result.elected[0]);
    // 200 candidates in a few tens of KB, where the two matrices would take about a megabyte.
    expect(JSON.stringify(result).length).toBeLessThan(100_000);
  });

  it("gives them with detail=pairwise up to the bound, and refuses beyond it", () => {
    const few = names(5);
    const result = count({ method: "schulze", candidates: few, ballots: distinctBallots(few, 5), detail: "pairwise" });
    expect(Object.keys(result.rounds[0]?.details?.pairwise as object)).toEqual(few);
    expect(Object.keys(result.rounds[0]?.details?.strongestPaths as object)).toEqual(few);
    const error = limitError(() => count({ method: "schulze", candidates, ballots, detail: "pairwise" }));
    expect(error).toMatchObject({ limit: "matrix entries", field: "detail" });
  });
});

describe("limits: answers stay small however many candidates tie", () => {
  it("reports a tie of thousands of candidates once, not once per place", () => {
    const result = count({ method: "plurality", seats: 10, candidates: names(3_000), ballots: [{ weight: 1, ranking: ["C1"] }] });
    // Nine seats go by lot among the 2,999 with no vote: a report per seat, then one for the order of the rest.
    expect(result.ties.filter((tie) => tie.decides === "seat")).toHaveLength(9);
    expect(result.ties.filter((tie) => tie.decides === "rank")).toHaveLength(1);
    expect(result.ranking).toHaveLength(3_000);
    expect(JSON.stringify(result).length).toBeLessThan(1_000_000);
  });

  it("refuses seats × candidates beyond the bound for methods that fill seats from one ordering", () => {
    const error = limitError(() =>
      count({ method: "approval", seats: 100, candidates: names(5_000), ballots: [{ weight: 1, ranking: ["C1"] }] }),
    );
    expect(error).toMatchObject({ limit: "seats × candidates", field: "seats" });
  });
});

describe("limits: metered work", () => {
  it("stops exact WIGM once its fractions have grown past the work limit", () => {
    // 30 seats of 300: every surplus adds a denominator to the papers' values, and the exact sums grow with them.
    let state = 11;
    const random = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    const candidates = names(300);
    const ballots = Array.from({ length: 20_000 }, () => {
      const picked = new Set<string>();
      const length = 1 + Math.floor(random() ** 2 * 50);
      while (picked.size < length) picked.add(candidates[Math.floor(random() ** 2 * 300)] as string);
      return { weight: 1, ranking: [...picked] };
    });
    const input: CountInput = { method: "wigm_stv", seats: 30, candidates, ballots };
    expect(planCount(input).work).toBeLessThanOrEqual(MAX_WORK);
    expect(count({ ...input, options: { arithmetic: "fixed" } }).elected).toHaveLength(30);
    const error = limitError(() => count(input));
    expect(error).toMatchObject({ limit: "work", field: "ballots" });
  }, 120_000);
});

describe("weights are exact", () => {
  it("refuses weights adding up past 2^53 - 1, where they would round", () => {
    const ballots = [
      { weight: Number.MAX_SAFE_INTEGER, ranking: ["C1"] },
      { weight: 2, ranking: ["C2"] },
    ];
    for (const method of ["plurality", "scottish_stv", "schulze"] as MethodName[]) {
      let error: unknown;
      try {
        count({ method, seats: 1, candidates: names(2), ballots });
      } catch (thrown) {
        error = thrown;
      }
      expect(error, method).toBeInstanceOf(CountInputError);
      expect((error as CountInputError).field).toBe("ballots");
    }
    // Up to the bound the count is exact: 2^53 - 1 is a whole number of votes.
    const exact = count({
      method: "plurality",
      seats: 1,
      candidates: names(2),
      ballots: [
        { weight: Number.MAX_SAFE_INTEGER - 1, ranking: ["C1"] },
        { weight: 1, ranking: ["C2"] },
      ],
    });
    expect(exact.ballots.total).toBe(Number.MAX_SAFE_INTEGER);
    expect(exact.rounds[0]?.tallies.C1).toBe(String(Number.MAX_SAFE_INTEGER - 1));
  });
});
