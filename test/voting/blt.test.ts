import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatBlt, parseBlt } from "../../src/voting/blt.ts";
import { CountInputError } from "../../src/voting/types.ts";
import {
  accountForMissingReference,
  itWithReference,
  rawBlt,
  referenceAvailable,
  referenceCases,
  referenceDir,
} from "./reference-cases.ts";

/** Each raw BLT file and the reference case holding its ballots (several cases share a file; one suffices). */
const rawToCase: Record<string, string> = {
  "42.blt": "scottish_stv_droop_42",
  "Calton-2007.blt": "scottish_stv_glasgow2007_calton",
  "Craigton-2007.blt": "scottish_stv_glasgow2007_craigton",
  "SC-Vm-12.blt": "scottish_stv_voting_matters_12",
  "SC.blt": "scottish_stv_gpus_sc_2005",
  "edinburgh2017_ward3_drum_brae_gyle.blt": "scottish_stv_edinburgh2017_ward03_drum_brae_gyle",
  "eq2.blt": "meek_droop_equal_rankings_eq2",
  "stv-rs_equal_preference_equal_preference.blt": "meek_stvrs_equal_preference",
  "stv-rs_ties_tie_break_explicit.blt": "meek_stvrs_tie_break_explicit",
  "stv-rs_ties_tie_break_implicit.blt": "meek_stvrs_tie_break_implicit",
  "stv-rs_vegetables.blt": "meek_stvrs_vegetables_withdrawn",
  "weak-defeat.blt": "scottish_stv_weak_defeat",
  "weak-surplus.blt": "scottish_stv_weak_surplus",
};

const rawFiles = referenceAvailable ? readdirSync(join(referenceDir, "raw")).filter((file) => file.endsWith(".blt")) : [];
const cases = referenceCases("scottish_stv", "meek_stv", "wigm_stv");

function lineError(text: string): CountInputError {
  try {
    parseBlt(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CountInputError);
    return error as CountInputError;
  }
  throw new Error("expected a parse error");
}

describe("BLT: the reference files", () => {
  accountForMissingReference("raw BLT reference files", Object.keys(rawToCase).length);

  itWithReference("knows the case of every raw file", () => {
    expect(rawFiles.filter((file) => !(file in rawToCase))).toEqual([]);
  });

  for (const file of rawFiles) {
    it(`${file} parses to the ballots of its reference case and survives a round trip`, () => {
      const parsed = parseBlt(rawBlt(file));
      const c = cases.find((x) => x.id === rawToCase[file]);
      expect(c, rawToCase[file]).toBeDefined();
      if (!c) return;
      expect(parsed.candidates).toEqual(c.candidates);
      expect(parsed.seats).toBe(c.seats);
      expect(parsed.withdrawn).toEqual(c.withdrawn);
      expect(parsed.tieBreakOrder).toEqual(c.tie_break_order);
      expect(parsed.ballots).toEqual(c.ballots);
      const title = (c as unknown as { source?: { title_in_blt?: string } }).source?.title_in_blt;
      if (title !== undefined) expect(parsed.title).toBe(title);
      expect(parseBlt(formatBlt(parsed))).toEqual(parsed);
    });
  }
});

describe("BLT: extensions", () => {
  const text = [
    "# a comment line",
    "4 2 -4   # withdrawn on the first line",
    "[nick a b c d]",
    "[tie c b a]",
    '[title "Board election 2025"]',
    "3 a b=c 0",
    "2 c 0",
    "1.5 b a 0 /* a block",
    "comment */",
    "1 0",
    "2 d a 0",
    "0",
    '"Alice Andersson"',
    '"Bob # not a comment"',
    '"Cecilia"',
    '"David"',
  ].join("\n");

  it("reads nicknames, equal rankings, decimal weights, blank ballots, comments, [tie] and [title]", () => {
    expect(parseBlt(text)).toEqual({
      title: "Board election 2025",
      candidates: ["Alice Andersson", "Bob # not a comment", "Cecilia", "David"],
      withdrawn: ["David"],
      seats: 2,
      tieBreakOrder: ["Cecilia", "Bob # not a comment", "Alice Andersson"],
      ballots: [
        { weight: 3, ranking: ["Alice Andersson", ["Bob # not a comment", "Cecilia"]] },
        { weight: 2, ranking: ["Cecilia"] },
        { weight: 1.5, ranking: ["Bob # not a comment", "Alice Andersson"] },
        { weight: 1, ranking: [] },
        { weight: 2, ranking: ["David", "Alice Andersson"] },
      ],
    });
  });

  it("round-trips: format(parse(x)) parses to the same thing", () => {
    const parsed = parseBlt(text);
    expect(parseBlt(formatBlt(parsed))).toEqual(parsed);
  });

  it("reads Droop's [withdrawn] and negative numbers on their own line, and a trailing title over [title]", () => {
    const a = parseBlt('3 1\n-2\n1 1 0\n0\n"A"\n"B"\n"C"\n"T"');
    const b = parseBlt('3 1\n[nick x y z]\n[withdrawn y]\n[title "ignored"]\n1 x 0\n0\n"A"\n"B"\n"C"\n"T"\n"source" "comment"');
    expect(a).toEqual(b);
    expect(a.withdrawn).toEqual(["B"]);
    expect(a.title).toBe("T");
  });

  it("writes candidate numbers, withdrawn as negative numbers and [tie]", () => {
    const out = formatBlt({
      title: "T",
      candidates: ["A", "B", "C"],
      withdrawn: ["C"],
      seats: 1,
      tieBreakOrder: ["B", "A"],
      ballots: [{ weight: 2, ranking: ["A", ["B", "C"]] }],
    });
    expect(out).toBe('3 1\n-3\n[tie 2 1]\n2 1 2=3 0\n0\n"A"\n"B"\n"C"\n"T"\n');
  });

  it("refuses what BLT cannot carry", () => {
    expect(() => formatBlt({ candidates: ['Say "hi"'], ballots: [] })).toThrow(CountInputError);
    expect(() => formatBlt({ candidates: ["A"], ballots: [{ weight: 1, ranking: ["B"] }] })).toThrow(CountInputError);
    expect(() => formatBlt({ candidates: ["A"], ballots: [{ weight: 0, ranking: ["A"] }] })).toThrow(CountInputError);
  });
});

describe("BLT: limits", () => {
  it("reads the largest weight that is still exact, and as many candidates as a JSON count takes", () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `"Candidate ${i + 1}"`);
    // All names on one line: each quoted string is scanned to its own closing quote only.
    const election = parseBlt(`10000 1\n9007199254740991 1 0\n0\n${names.join(" ")}\n"Big"`);
    expect(election.candidates).toHaveLength(10_000);
    expect(election.ballots).toEqual([{ weight: Number.MAX_SAFE_INTEGER, ranking: ["Candidate 1"] }]);
    const twice = lineError(`10000 1\n0\n${names.slice(0, 9_999).join("\n")}\n"Candidate 17"`);
    expect(twice.message).toBe('line 10002: candidate name "Candidate 17" used twice');
  });

  it("names the limit when a file holds more candidates than a count takes", () => {
    expect(lineError('50000 1\n0\n"A"').message).toBe("line 1: 50000 candidates; at most 10000 can be counted");
  });
});

describe("BLT: errors carry the line", () => {
  const cases: [string, string, number][] = [
    ["a ballot without its 0", '2 1\n1 1 2\n1 2 0\n0\n"A"\n"B"\n"T"', 2],
    ["an unknown nickname", '2 1\n[nick a b]\n1 a 0\n\n1 x 0\n0\n"A"\n"B"', 5],
    ["a candidate number out of range", '2 1\n1 1 0\n4 3 0\n0\n"A"\n"B"', 3],
    ["an unknown option", '2 1\n\n[foo bar]\n0\n"A"\n"B"', 3],
    ["an unquoted name", '2 1\n1 1 0\n0\n"A"\nB', 5],
    ["too few names", '2 1\n1 1 0\n0\n"A"', 4],
    ["an unclosed quote", '2 1\n1 1 0\n0\n"A"\n"B', 5],
    ["a bad header", "x 1\n0", 1],
    ["a bad weight", '2 1\n1 1 0\nw 2 0\n0\n"A"\n"B"', 3],
    ["a duplicate name", '2 1\n0\n"A"\n"A"', 4],
    ["material after the title", '1 1\n0\n"A"\n"T"\nstray', 5],
    ["a second ballot after a ballot's 0 on the same line", '3 1\n1 1 0\n3 1 0 2 0\n0\n"A"\n"B"\n"C"', 3],
    ["names on the line of the closing 0", '2 1\n1 1 0\n0 "A" "B"', 3],
    ["a weight beyond 2^53 - 1", '2 1\n1 1 0\n9007199254740993 2 0\n0\n"A"\n"B"', 3],
    ["more candidates than can be counted", "10001 1\n0", 1],
  ];
  for (const [what, text, line] of cases) {
    it(`reports ${what} on line ${line}`, () => {
      const error = lineError(text);
      expect(error.field).toBe(`line ${line}`);
      expect(error.message).toMatch(new RegExp(`^line ${line}: `));
    });
  }
});
