import { describe, expect, it } from "vitest";
import { count, methods } from "../../src/voting/index.ts";
import { MAX_WORK, planCount } from "../../src/voting/limits.ts";
import { type Ballot, type CountInput, CountInputError, type MethodName } from "../../src/voting/types.ts";

const b = (weight: number, ...ranking: (string | string[])[]): Ballot => ({ weight, ranking });

function input(method: MethodName, candidates: string[], ballots: Ballot[], extra: Partial<CountInput> = {}): CountInput {
  return { method, candidates, ballots, ...extra };
}

function inputError(run: () => unknown): CountInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CountInputError);
    return error as CountInputError;
  }
  throw new Error("expected a CountInputError");
}

describe("registry", () => {
  it("has a method for every name and rejects unknown ones with field 'method'", () => {
    expect(Object.keys(methods).sort()).toEqual(
      [
        "approval",
        "dhondt",
        "irv",
        "majority_runoff",
        "meek_stv",
        "plurality",
        "sainte_lague",
        "schulze",
        "schulze_proportional_ranking",
        "schulze_repeated",
        "schulze_stv",
        "scottish_stv",
        "sequential_irv",
        "wigm_stv",
      ].sort(),
    );
    expect(inputError(() => count({ method: "borda" as MethodName, candidates: ["A"], ballots: [] })).field).toBe("method");
  });
});

describe("plurality (block vote)", () => {
  const candidates = ["A", "B", "C", "D"];

  it("elects the most voted, treats more marks than seats as invalid, and counts blanks apart", () => {
    const result = count(
      input("plurality", candidates, [b(5, "A", "B"), b(4, ["B", "C"]), b(3, "C"), b(2, "A", "B", "C"), b(1)], { seats: 2 }),
    );
    expect(result.elected).toEqual(["B", "C"]);
    expect(result.rounds[0]?.tallies).toEqual({ A: "5", B: "9", C: "7", D: "0" });
    expect(result.ballots).toEqual({ total: 15, valid: 12, blank: 1, invalid: 2 });
    expect(result.parameters).toMatchObject({ maxMarks: 2, tieBreakOrder: null });
  });

  it("counts a mark for a withdrawn candidate towards the limit but not as a vote", () => {
    const result = count(input("plurality", candidates, [b(3, "A", "D"), b(2, "B", "D", "C")], { seats: 2, withdrawn: ["D"] }));
    expect(result.rounds[0]?.tallies).toEqual({ A: "3", B: "0", C: "0" });
    expect(result.ballots).toMatchObject({ total: 5, valid: 3, invalid: 2 });
  });

  it("breaks a tie for the last seat by tieBreakOrder and reports it", () => {
    const ballots = [b(3, "A"), b(2, "B"), b(2, "C")];
    const result = count(input("plurality", candidates, ballots, { seats: 2, tieBreakOrder: ["C", "B"] }));
    expect(result.elected).toEqual(["A", "C"]);
    expect(result.ties[0]).toEqual({ round: 1, decides: "seat", candidates: ["B", "C"], resolvedBy: "tie_break_order", chosen: "C" });
  });

  it("draws the same lot for the same seed and echoes it", () => {
    const ballots = [b(1, "A"), b(1, "B"), b(1, "C"), b(1, "D")];
    const seeds = ["s1", "s2", "s3", "s4", "s5", "s6"];
    const winners = seeds.map((seed) => count(input("plurality", candidates, ballots, { seats: 1, seed })).elected[0]);
    expect(seeds.map((seed) => count(input("plurality", candidates, ballots, { seats: 1, seed })).elected[0])).toEqual(winners);
    expect(new Set(winners).size).toBeGreaterThan(1);
    const result = count(input("plurality", candidates, ballots, { seats: 1, seed: "s1" }));
    expect(result.parameters.seed).toBe("s1");
    expect(result.ties[0]?.resolvedBy).toBe("lot");
  });

  it("rejects bad input with a field", () => {
    expect(inputError(() => count(input("plurality", candidates, [], { seats: 5 }))).field).toBe("seats");
    expect(inputError(() => count(input("plurality", candidates, [b(1, "Z")], { seats: 1 }))).field).toBe("ballots[0].ranking");
    expect(inputError(() => count(input("plurality", candidates, [], { seats: 1, tieBreakOrder: ["Z"] }))).field).toBe("tieBreakOrder");
  });
});

describe("approval", () => {
  it("accepts any number of marks", () => {
    const result = count(input("approval", ["A", "B", "C"], [b(2, "A", "B", "C"), b(1, "C")], { seats: 1 }));
    expect(result.elected).toEqual(["C"]);
    expect(result.ballots.invalid).toBe(0);
  });
});

describe("majority runoff (V § 22)", () => {
  const candidates = ["A", "B", "C", "D"];
  // 12 valid ballots: A 8 (> 6, elected), D 6, B 5, C 4; one seat left, runoff between D and B.
  const ballots = [b(5, "A", "B"), b(3, "C", "D"), b(3, "D", "A"), b(1, "C")];

  it("elects with more than half of the valid ballots, then recounts the same ballots among the runoff candidates", () => {
    const result = count(input("majority_runoff", candidates, ballots, { seats: 2 }));
    expect(result.elected).toEqual(["A", "D"]);
    const [first, second] = result.rounds;
    expect(first).toMatchObject({ elected: ["A"], excluded: ["C"], tallies: { A: "8", B: "5", C: "4", D: "6" } });
    expect(first?.details).toMatchObject({ validBallots: "12", majority: "more than 6", runoffCandidates: ["D", "B"] });
    // The 1 ballot for C alone has no runoff candidate left: 11 count in round 2.
    expect(second).toMatchObject({ elected: ["D"], tallies: { D: "6", B: "5" }, details: { validBallots: "11" } });
    expect(result.parameters.runoffBallots).toBe("recount");
  });

  it("uses the ballots of a runoff that was actually held", () => {
    const rounds = [[b(7, "B"), b(4, "D"), b(1, "B", "D")]];
    const result = count(input("majority_runoff", candidates, ballots, { seats: 2, options: { rounds } }));
    expect(result.elected).toEqual(["A", "B"]);
    expect(result.rounds[1]?.tallies).toEqual({ D: "4", B: "7" });
    expect(result.rounds[1]?.details).toMatchObject({ validBallots: "11" }); // two marks for one open seat: invalid
    expect(result.parameters.runoffBallots).toBe("supplied");
  });

  it("rejects runoff ballots naming a candidate outside the runoff, and rounds that were never needed", () => {
    const outside = inputError(() =>
      count(input("majority_runoff", candidates, ballots, { seats: 2, options: { rounds: [[b(1, "C")]] } })),
    );
    expect(outside.field).toBe("options.rounds[0].ballots[0].ranking");
    const extra = inputError(() =>
      count(input("majority_runoff", candidates, ballots, { seats: 2, options: { rounds: [[b(1, "B")], [b(1, "B")]] } })),
    );
    expect(extra.field).toBe("options.rounds");
  });

  it("takes at most twice the open seats into the runoff and reports a tie at the cut-off", () => {
    const result = count(
      input("majority_runoff", candidates, [b(3, "A"), b(2, "B"), b(2, "C"), b(2, "D")], { seats: 1, tieBreakOrder: ["D"] }),
    );
    expect(result.rounds[0]?.elected).toEqual([]);
    expect(result.rounds[0]?.details?.runoffCandidates).toEqual(["A", "D"]);
    expect(result.ties).toEqual([{ round: 1, decides: "runoff", candidates: ["B", "C", "D"], resolvedBy: "tie_break_order", chosen: "D" }]);
    expect(result.elected).toEqual(["A"]);
  });

  it("needs a majority in every round up to options.majorityRounds", () => {
    // Round 1: nobody above 4.5 of 9; round 2 between A and B: A 3, B 2 of 5 is a majority.
    const result = count(
      input("majority_runoff", candidates, [b(3, "A"), b(2, "B"), b(2, "C"), b(2, "D")], {
        seats: 1,
        options: { majorityRounds: 2 },
        tieBreakOrder: ["B"],
      }),
    );
    expect(result.rounds).toHaveLength(2);
    expect(result.rounds[1]?.details).toMatchObject({ majority: "more than 2.5" });
    expect(result.elected).toEqual(["A"]);
  });
});

describe("IRV", () => {
  const candidates = ["A", "B", "C", "D"];

  it("excludes the lowest and breaks an exclusion tie by the most recent round that separates the tied", () => {
    const result = count(input("irv", candidates, [b(6, "A"), b(4, "B"), b(3, "C", "B"), b(1, "D", "C", "B")]));
    expect(result.rounds.map((round) => round.excluded)).toEqual([["D"], ["C"], []]);
    expect(result.rounds[1]?.tallies).toEqual({ A: "6", B: "4", C: "4" });
    expect(result.ties).toEqual([{ round: 2, decides: "exclude", candidates: ["B", "C"], resolvedBy: "earlier_round", chosen: "C" }]);
    expect(result.elected).toEqual(["B"]);
  });

  it("excludes the tied candidate latest in tieBreakOrder when no round separates them", () => {
    const ballots = [b(2, "A"), b(1, "B", "C"), b(1, "C", "B")];
    expect(count(input("irv", ["A", "B", "C"], ballots, { tieBreakOrder: ["C", "B"] })).rounds[0]?.excluded).toEqual(["B"]);
    expect(count(input("irv", ["A", "B", "C"], ballots, { tieBreakOrder: ["B", "C"] })).rounds[0]?.excluded).toEqual(["C"]);
  });

  it("needs a majority of the continuing ballots, not of all ballots", () => {
    const result = count(input("irv", ["A", "B", "C"], [b(4, "A"), b(3, "B"), b(2, "C")]));
    // C's two ballots exhaust: A 4 of 7 continuing wins.
    expect(result.rounds[1]).toMatchObject({ exhausted: "2", elected: ["A"], details: { continuingBallots: "7", quota: "4" } });
  });

  it("skips withdrawn candidates, counts equal rankings as invalid, and fills exactly one seat", () => {
    const result = count(input("irv", candidates, [b(3, "D", "A"), b(2, "B"), b(1, ["A", "B"])], { withdrawn: ["D"] }));
    expect(result.rounds[0]?.tallies).toEqual({ A: "3", B: "2", C: "0" });
    expect(result.ballots).toEqual({ total: 6, valid: 5, blank: 0, invalid: 1 });
    expect(inputError(() => count(input("irv", candidates, [], { seats: 2 }))).field).toBe("seats");
  });
});

describe("sequential IRV (list ordering)", () => {
  // Wikipedia's food election: chocolate wins outright, then the list is counted again without each winner.
  const candidates = ["orange", "chocolate", "pear", "strawberry", "bonbon"];
  const ballots = [
    b(4, "orange"),
    b(2, "pear", "orange"),
    b(8, "chocolate", "strawberry"),
    b(4, "chocolate", "bonbon"),
    b(1, "strawberry"),
    b(1, "bonbon"),
  ];

  it("ranks the whole list by repeated IRV", () => {
    const result = count(input("sequential_irv", candidates, ballots));
    expect(result.ranking).toEqual(["chocolate", "strawberry", "orange", "bonbon", "pear"]);
    expect(result.elected).toEqual(result.ranking);
    // Place 2: strawberry 9, bonbon 5, orange 4, pear 2 → pear out, then bonbon out, strawberry 9 of 15.
    const place2 = result.rounds.filter((round) => round.details?.place === 2);
    expect(place2.map((round) => round.excluded)).toEqual([["pear"], ["bonbon"], []]);
    expect(place2[2]).toMatchObject({ elected: ["strawberry"], exhausted: "5" });
    expect(result.rounds.map((round) => round.number)).toEqual(result.rounds.map((_, i) => i + 1));
  });

  it("stops after `seats` places", () => {
    expect(count(input("sequential_irv", candidates, ballots, { seats: 3 })).ranking).toEqual(["chocolate", "strawberry", "orange"]);
  });
});

describe("Schulze", () => {
  it("ties unranked candidates last and honours equal rankings in the pairwise matrix", () => {
    const result = count(input("schulze", ["A", "B", "C"], [b(2, "A"), b(1, ["B", "C"], "A")], { detail: "pairwise" }));
    expect(result.rounds[0]?.details?.pairwise).toEqual({ A: { B: "2", C: "2" }, B: { A: "1", C: "0" }, C: { A: "1", B: "0" } });
    expect(result.elected).toEqual(["A"]);
    expect(result.rounds[0]?.details?.tiers).toEqual([["A"], ["B", "C"]]);
    // B and C share a tier: the ranking below the winner is a reported tie.
    expect(result.ties).toEqual([expect.objectContaining({ decides: "rank", candidates: ["B", "C"] })]);
  });

  it("gives the full ranking with strongest paths (Wikipedia's example: E > A > C > B > D)", () => {
    const ballots = [
      b(5, "A", "C", "B", "E", "D"),
      b(5, "A", "D", "E", "C", "B"),
      b(8, "B", "E", "D", "A", "C"),
      b(3, "C", "A", "B", "E", "D"),
      b(7, "C", "A", "E", "B", "D"),
      b(2, "C", "B", "A", "D", "E"),
      b(7, "D", "C", "E", "B", "A"),
      b(8, "E", "B", "A", "D", "C"),
    ];
    const result = count(input("schulze", ["A", "B", "C", "D", "E"], ballots, { seats: 2, detail: "pairwise" }));
    expect(result.ranking).toEqual(["E", "A", "C", "B", "D"]);
    expect(result.elected).toEqual(["E", "A"]);
    const paths = result.rounds[0]?.details?.strongestPaths as Record<string, Record<string, string>>;
    expect(paths.E).toEqual({ A: "25", B: "28", C: "28", D: "31" });
    expect(paths.A).toEqual({ B: "28", C: "28", D: "30", E: "24" });
  });

  it("repeated Schulze recomputes after removing each winner, which can differ from the plain ranking", () => {
    const ballots = [b(2, "B", "C", "D", "A"), b(3, "B", "A", "C", "D"), b(7, "C", "D", "B", "A"), b(8, "D", "A", "B", "C")];
    const candidates = ["A", "B", "C", "D"];
    expect(count(input("schulze", candidates, ballots, { seats: 4 })).ranking).toEqual(["D", "B", "C", "A"]);
    // Without D, C no longer reaches A through D: A beats C.
    const repeated = count(input("schulze_repeated", candidates, ballots));
    expect(repeated.ranking).toEqual(["D", "B", "A", "C"]);
    expect(repeated.rounds.map((round) => round.elected[0])).toEqual(["D", "B", "A", "C"]);
    expect(count(input("schulze_repeated", candidates, ballots, { seats: 2 })).ranking).toEqual(["D", "B"]);
  });

  // How long such a count takes is measured by `npm run bench:voting`; here, that the limits take it as a modest count.
  it("takes 100,000 ballots over 30 candidates for 7 seats, with Schulze and every STV method, well within the work limit", () => {
    const candidates = Array.from({ length: 30 }, (_, i) => `C${i + 1}`);
    // Distinct rankings of every length: rotations of the candidate list cut at every place.
    const ballots = Array.from({ length: 100_000 }, (_, i) => {
      const rotated = [...candidates.slice(i % 30), ...candidates.slice(0, i % 30)];
      return b(1, ...rotated.slice(0, 1 + (Math.floor(i / 30) % 30)));
    });
    for (const method of ["schulze", "scottish_stv", "meek_stv", "wigm_stv"] as const) {
      const plan = planCount(input(method, candidates, ballots, { seats: method === "schulze" ? 1 : 7 }));
      expect(plan.shape).toMatchObject({ candidates: 30, rows: 100_000, rankings: 900 });
      expect(plan.work, method).toBeLessThan(MAX_WORK / 2);
    }
  });
});

describe("Schulze STV and proportional ranking", () => {
  it("reports every tied winning set (python-vote-core's happenstance example)", () => {
    const result = count(
      input(
        "schulze_stv",
        ["A", "B", "C", "D", "E", "F"],
        [b(1, ["B", "C"], "F", ["A", "D", "E"]), b(1, "D", "B", ["A", "C"], ["E", "F"]), b(1, "E")],
        {
          seats: 2,
          tieBreakOrder: ["C", "E"],
        },
      ),
    );
    expect(result.rounds[0]?.details?.winningSets).toEqual(["B + D", "B + E", "C + E", "D + E"]);
    expect(result.ties).toEqual([
      { round: 1, decides: "elect", candidates: ["B + D", "B + E", "C + E", "D + E"], resolvedBy: "tie_break_order", chosen: "C + E" },
    ]);
    expect(result.elected).toEqual(["C", "E"]);
  });

  it("elects one of each clone group (python-vote-core's happenstance example 2)", () => {
    const A = ["A1", "A2", "A3"];
    const B = ["B1", "B2", "B3"];
    const C = ["C1", "C2", "C3"];
    const result = count(input("schulze_stv", [...A, ...B, ...C], [b(45, A, B, C), b(20, B, [...A, ...C]), b(35, C, B, A)], { seats: 3 }));
    for (const group of [A, B, C]) expect(result.elected.filter((name) => group.includes(name))).toHaveLength(1);
  });

  it("splits indifferent ballots proportionally (one ballot, two winners)", () => {
    const result = count(
      input("schulze_stv", ["Metal", "Paper", "Plastic", "Wood"], [b(1, ["Metal", "Paper"], ["Plastic", "Wood"])], { seats: 2 }),
    );
    expect(result.elected).toEqual(["Metal", "Paper"]);
    expect(result.ties).toEqual([]);
  });

  it("refuses counts too large to finish", () => {
    const candidates = Array.from({ length: 40 }, (_, i) => `C${i}`);
    expect(inputError(() => count(input("schulze_stv", candidates, [b(1, "C1")], { seats: 10 }))).field).toBe("seats");
  });

  it("refuses a count that exceeds the work budget instead of running for minutes", () => {
    const candidates = Array.from({ length: 8 }, (_, i) => `C${i}`);
    const ballots = candidates.map((name, i) => b(i + 1, name));
    const run = (maxWork?: number) =>
      count(input("schulze_proportional_ranking", candidates, ballots, { options: maxWork === undefined ? undefined : { maxWork } }));
    expect(inputError(() => run(100)).field).toBe("seats");
    expect(run().ranking).toHaveLength(8);
    expect(run().parameters.maxWork).toBe(30_000_000);
  });

  it("proportional ranking stops after `seats` places", () => {
    const ballots = [b(3, "a", "b", "c"), b(2, "c", "b", "a"), b(1, "b", "a", "c")];
    const full = count(input("schulze_proportional_ranking", ["a", "b", "c"], ballots));
    expect(full.ranking).toHaveLength(3);
    expect(count(input("schulze_proportional_ranking", ["a", "b", "c"], ballots, { seats: 2 })).ranking).toEqual(full.ranking?.slice(0, 2));
  });
});

describe("party lists", () => {
  const lists = (votes: Record<string, number>) => ({
    candidates: Object.keys(votes),
    ballots: Object.entries(votes).map(([name, v]) => b(v, name)),
  });

  it("compares quotients exactly: 35/3 and 14/1.2 are a true tie, which floating point would miss", () => {
    expect(35 / 3 === 14 / 1.2).toBe(false);
    const { candidates, ballots } = lists({ A: 35, B: 14 });
    const result = count({ method: "sainte_lague", seats: 2, candidates, ballots, tieBreakOrder: ["A", "B"] });
    expect(result.elected).toEqual(["A", "A"]);
    expect(result.ties).toEqual([{ round: 2, decides: "seat", candidates: ["A", "B"], resolvedBy: "tie_break_order", chosen: "A" }]);
    expect(result.rounds[1]?.tallies).toEqual({ A: "11.66667", B: "11.66667" });
  });

  it("gives different seats with first divisor 1, 1.2 (default) and 1.4", () => {
    const { candidates, ballots } = lists({ A: 90, B: 74, C: 33, D: 32 });
    const seatsWith = (firstDivisor?: number) =>
      count({ method: "sainte_lague", seats: 4, candidates, ballots, options: firstDivisor === undefined ? undefined : { firstDivisor } });
    expect(seatsWith(1).seatsPerList).toEqual({ A: 1, B: 1, C: 1, D: 1 });
    expect(seatsWith(1.2).seatsPerList).toEqual({ A: 2, B: 1, C: 1, D: 0 });
    expect(seatsWith(1.4).seatsPerList).toEqual({ A: 2, B: 2, C: 0, D: 0 });
    expect(seatsWith().seatsPerList).toEqual(seatsWith(1.2).seatsPerList);
    expect(seatsWith().parameters.firstDivisor).toBe(1.2);
    expect(seatsWith(1.4).rounds[0]?.details?.divisors).toEqual({ A: "1.4", B: "1.4", C: "1.4", D: "1.4" });
  });

  it("lets a cartel win a seat its members would not win alone, then divides it among them", () => {
    // SKR's committee example with D, E and F cooperating instead of the ready-made group G.
    const { candidates, ballots } = lists({ A: 17, B: 5, C: 5, D: 2, E: 1, F: 1 });
    const alone = count({ method: "dhondt", seats: 7, candidates, ballots, seed: "x" });
    expect(alone.seatsPerList).toEqual({ A: 5, B: 1, C: 1, D: 0, E: 0, F: 0 });
    const cartel = count({ method: "dhondt", seats: 7, candidates, ballots, seed: "x", options: { cartels: [["D", "E", "F"]] } });
    expect(cartel.seatsPerList).toEqual({ A: 4, B: 1, C: 1, D: 1, E: 0, F: 0 });
    expect(cartel.elected[6]).toBe("D");
    expect(cartel.rounds[6]?.tallies).toMatchObject({ "D + E + F": "4" });
    expect(cartel.rounds[7]?.action).toContain("Within cartel D + E + F");
    expect(cartel.parameters.cartels).toEqual([["D", "E", "F"]]);
  });

  it("divides a cartel's several seats by the same method", () => {
    const { candidates, ballots } = lists({ A: 40, B: 30, C: 25 });
    const result = count({ method: "dhondt", seats: 5, candidates, ballots, options: { cartels: [["B", "C"]] } });
    // Cartel 55 vs A 40: 55, 40, 27.5, 20, 18.33 → cartel 3, A 2; inside: B 30, C 25, B 15 → B 2, C 1.
    expect(result.seatsPerList).toEqual({ A: 2, B: 2, C: 1 });
    expect(result.elected).toEqual(["B", "A", "C", "A", "B"]);
  });

  it("rejects bad options and ballots", () => {
    const { candidates, ballots } = lists({ A: 1, B: 1 });
    expect(inputError(() => count({ method: "dhondt", seats: 1, candidates, ballots, options: { firstDivisor: 1.4 } })).field).toBe(
      "options.firstDivisor",
    );
    expect(inputError(() => count({ method: "sainte_lague", seats: 1, candidates, ballots, options: { firstDivisor: "x" } })).field).toBe(
      "options.firstDivisor",
    );
    expect(inputError(() => count({ method: "dhondt", seats: 1, candidates, ballots, options: { cartels: [["A", "Z"]] } })).field).toBe(
      "options.cartels",
    );
    expect(inputError(() => count({ method: "dhondt", seats: 1, candidates, ballots, options: { cartels: [["A"]] } })).field).toBe(
      "options.cartels",
    );
    expect(inputError(() => count({ method: "dhondt", seats: 1, candidates, ballots: [b(0, "A")] })).field).toBe("ballots");
    const invalid = count({ method: "dhondt", seats: 1, candidates, ballots: [...ballots, b(3, "A", "B")] });
    expect(invalid.ballots.invalid).toBe(3);
  });
});
