import { describe, expect, it } from "vitest";
import { count } from "../../src/voting/index.ts";
import type { CountInput, CountResult, MethodName } from "../../src/voting/types.ts";
import { accountForMissingReference, itWithReference, type ReferenceCase, referenceCases } from "./reference-cases.ts";

/** Reference method names → engine method names (and the options the file implies). */
const engine: Record<string, MethodName> = {
  plurality_at_large: "plurality",
  irv: "irv",
  schulze: "schulze",
  schulze_stv: "schulze_stv",
  schulze_proportional_ranking: "schulze_proportional_ranking",
  dhondt: "dhondt",
  sainte_lague_modified: "sainte_lague",
};

function inputFor(c: ReferenceCase): CountInput {
  const method = engine[c.method] as MethodName;
  return {
    method,
    seats: c.seats ?? undefined,
    candidates: c.candidates,
    withdrawn: c.withdrawn,
    tieBreakOrder: c.tie_break_order,
    ballots: c.ballots,
    options: method === "sainte_lague" ? { firstDivisor: c.first_divisor } : undefined,
    // The matrices some cases expect are in the answer on request only.
    detail: "pairwise",
  };
}

const sorted = (values: readonly string[]) => [...values].sort();
const firstRound = (result: CountResult) => result.rounds[0] as NonNullable<CountResult["rounds"][number]>;

/**
 * Every expected key is checked here or listed as deliberately unchecked, so
 * a new expectation in a reference file fails loudly instead of being skipped.
 */
const checks: Record<string, (result: CountResult, value: unknown, c: ReferenceCase) => void> = {
  elected: (result, value) => {
    if (value === null) return; // a tie: see tied_winners
    expect(sorted(result.elected)).toEqual(sorted(value as string[]));
  },
  elected_is_unordered_set: () => {},
  winner: (result, value) => expect(result.elected).toEqual([value]),
  tied_winners: (result, value) => {
    const tied = value as string[];
    expect(tied).toContain(result.elected.find((name) => tied.includes(name)));
    const report = result.ties.find((tie) => tie.decides === "elect" || tie.decides === "seat");
    expect(sorted(report?.candidates ?? [])).toEqual(sorted(tied));
    expect(tied).toContain(report?.chosen);
  },
  elected_must_include: (result, value) => {
    for (const name of value as string[]) expect(result.elected).toContain(name);
  },
  tallies: (result, value) => {
    const tallies = Object.fromEntries(Object.entries(value as Record<string, number>).map(([k, v]) => [k, String(v)]));
    expect(firstRound(result).tallies).toEqual(tallies);
  },
  pairwise_d: (result, value) => {
    const pairwise = firstRound(result).details?.pairwise as Record<string, Record<string, string>>;
    for (const [pair, votes] of Object.entries(value as Record<string, number>)) {
      const [a, b] = pair.split(">") as [string, string];
      expect(pairwise[a]?.[b], pair).toBe(String(votes));
    }
  },
  quota: (result, value) => expect(firstRound(result).details?.quota).toBe(String(value)),
  rounds: (result, value) => {
    const expected = value as { tallies: Record<string, number>; loser?: string; winner?: string }[];
    expect(result.rounds).toHaveLength(expected.length);
    expected.forEach((round, i) => {
      const actual = result.rounds[i];
      expect(actual?.tallies).toEqual(Object.fromEntries(Object.entries(round.tallies).map(([k, v]) => [k, String(v)])));
      if (round.loser) expect(actual?.excluded).toEqual([round.loser]);
      if (round.winner) expect(actual?.elected).toEqual([round.winner]);
    });
  },
  final_round_votes: (result, value) => {
    // IRV shows only continuing candidates; the expected table lists everyone at the deciding round.
    const last = result.rounds[result.rounds.length - 1];
    for (const [name, votes] of Object.entries(value as Record<string, number>)) expect(last?.tallies[name]).toBe(String(votes));
  },
  order: (result, value, c) => {
    const order = value as string[];
    const actual = c.method === "schulze_proportional_ranking" ? result.ranking : result.elected;
    expect(actual).toHaveLength(order.length);
    // "B|C (lot)": either, the lot decides; the pair must then be complementary.
    order.forEach((place, i) => {
      const options = place.replace(/\s*\(.*\)$/, "").split("|");
      expect(options).toContain(actual?.[i]);
    });
  },
  seats_per_party: (result, value) => expect(result.seatsPerList).toEqual(value),
  comparison_numbers: (result, value) => {
    (value as string[]).forEach((text, i) => {
      const [, number] = /^\S+ ([\d.]+)/.exec(text) ?? [];
      const round = result.rounds[i];
      const winner = round?.elected[0] as string;
      // The source truncates (5.66); compare to two decimals.
      expect(Math.abs(Number(round?.tallies[winner]) - Number(number)), text).toBeLessThan(0.01);
    });
  },
  runner_up_for_last_seat: (result) => {
    // "B (13333 vs D 14285)": D wins the last seat over B.
    const last = result.rounds[result.rounds.length - 1];
    expect(last?.elected).toEqual(["D"]);
    expect(Math.floor(Number(last?.tallies.D))).toBe(14285);
    expect(Math.floor(Number(last?.tallies.B))).toBe(13333);
  },
};

const cases = referenceCases(...Object.keys(engine));

/** The method of every case the folder holds for these methods, one entry per case. */
const expectedMethods = [
  "dhondt",
  "irv",
  "irv",
  "plurality_at_large",
  "plurality_at_large",
  "sainte_lague_modified",
  "sainte_lague_modified",
  "schulze",
  "schulze",
  "schulze",
  "schulze_proportional_ranking",
  "schulze_stv",
  "schulze_stv",
];

describe("reference elections (non-STV methods)", () => {
  accountForMissingReference("non-STV reference cases", expectedMethods.length);

  itWithReference("finds every case of these methods", () => {
    expect(cases.map((c) => c.method).sort()).toEqual([...expectedMethods].sort());
  });

  for (const c of cases) {
    it(`${c.id} (${c.method})`, () => {
      const result = count(inputFor(c));
      expect(result.method).toBe(engine[c.method]);
      for (const [key, value] of Object.entries(c.expected)) {
        const check = checks[key];
        if (!check) throw new Error(`no check for expected.${key} in ${c.file}`);
        check(result, value, c);
      }
    });
  }

  itWithReference("breaks the SKR d'Hondt lot between B and C for seat 4 and reports it", () => {
    const c = cases.find((x) => x.id === "dhondt_skr_lpv_committee_example_with_lot");
    expect(c, "the SKR d'Hondt case").toBeDefined();
    if (!c) return;
    const result = count(inputFor(c));
    expect(result.ties).toEqual([{ round: 4, decides: "seat", candidates: ["B", "C"], resolvedBy: "lot", chosen: result.elected[3] }]);
    const withOrder = count({ ...inputFor(c), tieBreakOrder: ["C", "B"] });
    expect(withOrder.elected.slice(3, 5)).toEqual(["C", "B"]);
    expect(withOrder.ties[0]?.resolvedBy).toBe("tie_break_order");
  });
});
