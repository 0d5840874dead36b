import { describe, expect, it } from "vitest";
import { applyGenderRule, type GenderRule } from "../../src/voting/gender.ts";
import { CountInputError } from "../../src/voting/types.ts";

// W* are women, M* men, X1 is non-binary (counted as "not of the named gender").
const genders: Record<string, string> = { W1: "W", W2: "W", W3: "W", M1: "M", M2: "M", M3: "M", X1: "X" };

describe("zipper", () => {
  it("alternates strictly, starting with the gender of place 1, moving up the best-placed candidate needed", () => {
    const result = applyGenderRule(["M1", "M2", "W1", "M3", "W2"], genders, { rule: "zipper" });
    expect(result.order).toEqual(["M1", "W1", "M2", "W2", "M3"]);
    expect(result.moves).toEqual([
      { candidate: "W1", from: 3, to: 2, reason: "zipper: place 2 must be not M" },
      { candidate: "W2", from: 5, to: 4, reason: "zipper: place 4 must be not M" },
    ]);
    expect(result.rule).toEqual({ rule: "zipper", start: "M" });
    expect(result.ranOutAt).toBeNull();
  });

  it("starts with the gender it is told, and keeps the rest in order when that gender runs out", () => {
    const result = applyGenderRule(["M1", "M2", "W1", "M3", "W2"], genders, { rule: "zipper", start: "W" });
    expect(result.order).toEqual(["W1", "M1", "W2", "M2", "M3"]);
    expect(result.ranOutAt).toBe(5);
  });

  it("leaves the tail untouched after a run-out", () => {
    const result = applyGenderRule(["W1", "M1", "M2", "M3"], genders, { rule: "zipper" });
    expect(result.order).toEqual(["W1", "M1", "M2", "M3"]);
    expect(result.moves).toEqual([]);
    expect(result.ranOutAt).toBe(3);
  });
});

describe("min_half (at least half women in every prefix)", () => {
  it("moves up the best-placed woman whenever a prefix would fall below half", () => {
    const result = applyGenderRule(["M1", "M2", "W1", "W2", "M3", "W3"], genders, { rule: "min_half", gender: "W" });
    expect(result.order).toEqual(["W1", "M1", "W2", "M2", "W3", "M3"]);
    expect(result.moves.map((move) => [move.candidate, move.from, move.to])).toEqual([
      ["W1", 3, 1],
      ["W2", 4, 3],
      ["W3", 6, 5],
    ]);
  });

  it("allows women to follow each other, unlike the zipper", () => {
    const order = ["W1", "W2", "M1", "M2"];
    expect(applyGenderRule(order, genders, { rule: "min_half", gender: "W" })).toMatchObject({ order, moves: [] });
    expect(applyGenderRule(order, genders, { rule: "zipper" }).order).toEqual(["W1", "M1", "W2", "M2"]);
  });

  it("keeps the rest in order when no woman is left", () => {
    const result = applyGenderRule(["M1", "W1", "M2", "X1", "M3"], genders, { rule: "min_half", gender: "W" });
    expect(result.order).toEqual(["W1", "M1", "M2", "X1", "M3"]);
    expect(result.ranOutAt).toBe(3);
  });
});

describe("pairwise (Miljöpartiet's parvis rule)", () => {
  const rule: GenderRule = { rule: "pairwise", gender: "W" };

  it("lets two women head the list, then needs one of each in every pair", () => {
    const result = applyGenderRule(["W1", "W2", "M1", "M2", "W3", "M3"], genders, rule);
    expect(result.order).toEqual(["W1", "W2", "M1", "W3", "M2", "M3"]);
    expect(result.moves).toEqual([{ candidate: "W3", from: 5, to: 4, reason: "pairwise: place 4 must be W" }]);
    expect(result.ranOutAt).toBe(6);
  });

  it("does not let two men head the list", () => {
    const result = applyGenderRule(["M1", "M2", "W1", "W2"], genders, rule);
    expect(result.order).toEqual(["M1", "W1", "M2", "W2"]);
    expect(result.moves).toEqual([{ candidate: "W1", from: 3, to: 2, reason: "pairwise: place 2 must be W" }]);
  });

  it("leaves the order within a pair to the vote, unlike the zipper", () => {
    const order = ["M1", "W1", "W2", "M2", "M3", "W3"];
    expect(applyGenderRule(order, genders, rule)).toMatchObject({ order, moves: [] });
    expect(applyGenderRule(order, genders, { rule: "zipper" }).order).toEqual(["M1", "W1", "M2", "W2", "M3", "W3"]);
  });

  it("needs a man after a woman below the top pair, and counts a non-binary candidate as not a woman", () => {
    const result = applyGenderRule(["W1", "M1", "W2", "W3", "X1"], genders, rule);
    expect(result.order).toEqual(["W1", "M1", "W2", "X1", "W3"]);
  });
});

describe("input errors", () => {
  const error = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(CountInputError);
      return (e as CountInputError).field;
    }
    throw new Error("expected an error");
  };

  it("names the field", () => {
    expect(error(() => applyGenderRule(["W1", "Q"], genders, { rule: "zipper" }))).toBe("genders");
    expect(error(() => applyGenderRule(["W1", "W1"], genders, { rule: "zipper" }))).toBe("order");
    expect(error(() => applyGenderRule(["W1"], genders, { rule: "min_half" } as GenderRule))).toBe("rule.gender");
    expect(error(() => applyGenderRule(["W1"], genders, { rule: "quota" } as unknown as GenderRule))).toBe("rule");
  });
});
