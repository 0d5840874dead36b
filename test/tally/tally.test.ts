import { describe, expect, it } from "vitest";
import { signMemberToken, tokenSecret } from "../../src/auth/member-tokens.ts";
import { json, operatorKey, problemOf, type TestApp, testApp } from "../helpers/app.ts";
import {
  accountForMissingReference,
  itWithReference,
  type ReferenceCase,
  rawBlt,
  referenceAvailable,
  referenceCases,
} from "../voting/reference-cases.ts";

interface TallyAnswer {
  method: string;
  elected: string[];
  ranking?: string[];
  rounds: { elected: string[]; excluded: string[]; tallies: Record<string, string> }[];
  ties: { decides: string; candidates: string[]; chosen: string; resolvedBy: string }[];
  seats: number | Record<string, number>;
  seatCount: number;
  seatsPerList?: Record<string, number>;
  parameters: Record<string, unknown>;
  ballots: { total: number; valid: number; blank: number; invalid: number };
}

const implemented = [
  "plurality_at_large",
  "irv",
  "scottish_stv",
  "meek_stv",
  "meek_stv_prf_reference",
  "wigm_stv",
  "schulze",
  "schulze_stv",
  "schulze_proportional_ranking",
  "dhondt",
  "sainte_lague_modified",
];

async function tallyJson(t: TestApp, body: unknown, key: string | null = t.adminKey) {
  return t.request("POST", "/v1/tally", { body, key });
}

async function tallyBlt(t: TestApp, text: string, query: string, key: string | null = t.adminKey) {
  return t.request("POST", `/v1/tally?${query}`, { body: text, key, headers: { "Content-Type": "text/plain" } });
}

const answerOf = (response: Response) => json<TallyAnswer>(response, 200);

const sorted = (values: readonly string[]) => [...values].sort();

/** "A|B (same round)" in an expected order: A and B elected together, either first. */
function expectOrder(actual: readonly string[], expected: readonly string[]) {
  const slots = expected.map((entry) => (entry.replace(/\s*\(.*\)$/, "") as string).split("|"));
  // Slots written "B|C (lot)" then "C|B" name one place each: either may fill it.
  const perPlace = slots.every((slot) => slot.length <= 2) && expected.some((e) => e.includes("(lot)"));
  if (perPlace) {
    expect(actual).toHaveLength(slots.length);
    slots.forEach((slot, i) => {
      expect(slot).toContain(actual[i]);
    });
    return;
  }
  expect(actual).toHaveLength(slots.flat().length);
  let at = 0;
  for (const slot of slots) {
    expect(sorted(actual.slice(at, at + slot.length))).toEqual(sorted(slot));
    at += slot.length;
  }
}

/** What the contract promises for a reference case: the elected, in order where the case gives one. */
function expectReference(c: ReferenceCase, answer: TallyAnswer) {
  const expected = c.expected as Record<string, unknown>;
  if (Array.isArray(expected.elected) && !c.method.startsWith("sainte_lague") && c.method !== "dhondt") {
    expect(sorted(answer.elected)).toEqual(sorted(expected.elected as string[]));
    if (expected.elected_is_unordered_set === false) expect(answer.elected).toEqual(expected.elected);
  }
  if (c.expected.election_order) expectOrder(answer.elected, c.expected.election_order);
  if (typeof expected.winner === "string") expect(answer.elected).toEqual([expected.winner]);
  if (Array.isArray(expected.tied_winners)) {
    // One seat goes to one of the tied, by lot; the others stay out.
    const tied = expected.tied_winners as string[];
    expect(answer.elected.filter((name) => tied.includes(name))).toHaveLength(1);
    expect(answer.ties.some((tie) => sorted(tie.candidates).join() === sorted(tied).join())).toBe(true);
  }
  for (const name of (expected.elected_must_include as string[] | undefined) ?? []) expect(answer.elected).toContain(name);
  if (Array.isArray(expected.order)) {
    const actual = c.method === "schulze_proportional_ranking" ? (answer.ranking ?? []) : answer.elected;
    expectOrder(actual, expected.order as string[]);
  }
  if (expected.seats_per_party) {
    expect(answer.seats).toEqual(expected.seats_per_party);
    expect(answer.seatsPerList).toEqual(expected.seats_per_party);
  }
  if (c.method.startsWith("sainte_lague") && typeof expected.elected === "object" && !Array.isArray(expected.elected)) {
    expect(answer.seats).toEqual(expected.elected);
  }
}

const cases = referenceCases(...implemented);
/** The reference elections of the implemented methods: all but the one CPO-STV case. */
const implementedCases = 41;

describe("POST /v1/tally: every reference election (JSON, the reference files as they are)", () => {
  accountForMissingReference("reference elections through POST /v1/tally", implementedCases);

  itWithReference("covers every reference file except the unimplemented CPO-STV", () => {
    expect(cases.length).toBe(referenceCases(...implemented, "cpo_stv").length - 1);
    expect(cases.length).toBeGreaterThanOrEqual(implementedCases);
  });

  for (const c of cases) {
    it(`${c.id} (${c.method})`, async () => {
      const t = await testApp();
      const { file: _file, ...asStored } = c;
      const answer = await answerOf(await tallyJson(t, asStored));
      expectReference(c, answer);
      expect(answer.ballots.total).toBe(c.ballots.reduce((sum, b) => sum + b.weight, 0));
      expect(answer.rounds.length).toBeGreaterThan(0);
    });
  }

  itWithReference("refuses CPO-STV, which is not implemented, with 422 naming the method", async () => {
    const t = await testApp();
    const [cpo] = referenceCases("cpo_stv");
    const problem = await problemOf(await tallyJson(t, cpo));
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]?.field).toBe("body.method");
  });
});

/** Raw BLT files and the reference case (same ballots) whose expectation they must meet. */
const bltCases: [file: string, caseId: string, method: string][] = [
  ["42.blt", "scottish_stv_droop_42", "scottish_stv"],
  ["42.blt", "meek_droop_42", "meek_stv"],
  ["Calton-2007.blt", "scottish_stv_glasgow2007_calton", "scottish_stv"],
  ["Craigton-2007.blt", "scottish_stv_glasgow2007_craigton", "scottish_stv"],
  ["SC-Vm-12.blt", "scottish_stv_voting_matters_12", "scottish_stv"],
  ["SC-Vm-12.blt", "meek_voting_matters_12", "meek_stv"],
  ["SC-Vm-12.blt", "wigm_voting_matters_12", "wigm_stv"],
  ["SC.blt", "wigm_gpus_sc_2005", "wigm_stv"],
  ["SC.blt", "meek_gpus_sc_2005", "meek_stv"],
  ["eq2.blt", "meek_droop_equal_rankings_eq2", "meek_stv"],
  ["stv-rs_ties_tie_break_explicit.blt", "meek_stvrs_tie_break_explicit", "meek_stv"],
  ["stv-rs_ties_tie_break_implicit.blt", "meek_stvrs_tie_break_implicit", "meek_stv"],
  ["stv-rs_vegetables.blt", "meek_stvrs_vegetables_withdrawn", "meek_stv"],
  ["weak-defeat.blt", "scottish_stv_weak_defeat", "scottish_stv"],
  ["edinburgh2017_ward3_drum_brae_gyle.blt", "scottish_stv_edinburgh2017_ward03_drum_brae_gyle", "scottish_stv"],
];

describe.skipIf(!referenceAvailable)("POST /v1/tally with BLT bodies from raw/", () => {
  const all = referenceCases(...implemented);
  for (const [file, caseId, method] of bltCases) {
    it(`${file} with ${method} (${caseId})`, async () => {
      const t = await testApp();
      const c = all.find((x) => x.id === caseId) as ReferenceCase;
      const answer = await answerOf(await tallyBlt(t, rawBlt(file), `method=${method}`));
      // The BLT files name candidates as the JSON cases do, so the expectation applies unchanged.
      expectReference(c, answer);
    });
  }

  it("reads the tie order of a [tie] line as the reference files do: the first listed loses", async () => {
    const t = await testApp();
    const explicit = await answerOf(await tallyBlt(t, rawBlt("stv-rs_ties_tie_break_explicit.blt"), "method=meek_stv"));
    const implicit = await answerOf(await tallyBlt(t, rawBlt("stv-rs_ties_tie_break_implicit.blt"), "method=meek_stv"));
    expect(explicit.elected).toEqual(["Apple", "Banana"]);
    expect(implicit.elected).toEqual(["Apple", "Cherry"]);
  });

  it("takes options from the query", async () => {
    const t = await testApp();
    const prf = await answerOf(await tallyBlt(t, rawBlt("SC-Vm-12.blt"), "method=meek_stv&precision=9"));
    expect(prf.parameters.precision).toBe(9);
    const lookBack = await answerOf(await tallyBlt(t, rawBlt("SC-Vm-12.blt"), "method=wigm_stv&look_back=true&arithmetic=fixed"));
    expect(lookBack.parameters).toMatchObject({ lookBack: true, arithmetic: "fixed" });
  });
});

describe("POST /v1/tally: tie_break_order and seed", () => {
  const tie = {
    method: "meek_stv",
    seats: 2,
    candidates: ["Apple", "Banana", "Cherry"],
    ballots: [{ weight: 3, ranking: ["Apple"] }],
  };

  it("lets the first listed candidate lose, and without an order the earlier candidate", async () => {
    const t = await testApp();
    expect((await answerOf(await tallyJson(t, { ...tie, tie_break_order: ["Cherry", "Banana", "Apple"] }))).elected).toEqual([
      "Apple",
      "Banana",
    ]);
    expect((await answerOf(await tallyJson(t, tie))).elected).toEqual(["Apple", "Cherry"]);
  });

  it("applies the same rule to every method", async () => {
    const t = await testApp();
    const plurality = {
      method: "plurality",
      seats: 1,
      candidates: ["A", "B"],
      ballots: [
        { weight: 1, ranking: ["A"] },
        { weight: 1, ranking: ["B"] },
      ],
    };
    expect((await answerOf(await tallyJson(t, plurality))).elected).toEqual(["B"]);
    expect((await answerOf(await tallyJson(t, { ...plurality, tie_break_order: ["B", "A"] }))).elected).toEqual(["A"]);
    const lot = await answerOf(await tallyJson(t, { ...plurality, seed: "drawn at the meeting" }));
    expect(lot.ties[0]?.resolvedBy).toBe("lot");
    expect(lot.parameters.seed).toBe("drawn at the meeting");
    const again = await answerOf(await tallyJson(t, { ...plurality, seed: "drawn at the meeting" }));
    expect(again.elected).toEqual(lot.elected);
  });

  it("answers the seats per list as `seats` for list methods and the seat count beside it", async () => {
    const t = await testApp();
    const answer = await answerOf(
      await tallyJson(t, {
        method: "sainte_lague",
        seats: 3,
        first_divisor: 1.4,
        candidates: ["A", "B"],
        ballots: [
          { weight: 300, ranking: ["A"] },
          { weight: 100, ranking: ["B"] },
        ],
      }),
    );
    expect(answer.seats).toEqual({ A: 2, B: 1 });
    expect(answer.seatCount).toBe(3);
    expect(answer.parameters.firstDivisor).toBe(1.4);
  });
});

describe("POST /v1/tally: authentication", () => {
  const body = { method: "irv", seats: 1, candidates: ["A", "B"], ballots: [{ weight: 1, ranking: ["A"] }] };

  it("takes any valid key of any organisation", async () => {
    const t = await testApp();
    const created = await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } });
    const other = ((await created.json()) as { adminKey: { secret: string } }).adminKey.secret;
    expect((await tallyJson(t, body, other)).status).toBe(200);
    const readonly = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "auditor", role: "readonly" } });
    expect((await tallyJson(t, body, ((await readonly.json()) as { secret: string }).secret)).status).toBe(200);
  });

  it("refuses no key, unknown and revoked keys, and member tokens with 401", async () => {
    const t = await testApp();
    for (const key of [null, "grs_nosuchkey", operatorKey]) {
      const response = await tallyJson(t, body, key);
      expect(response.status).toBe(401);
      expect((await problemOf(response)).code).toBe("unauthorized");
    }
    const created = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "gone", role: "staff" } });
    const gone = (await created.json()) as { id: string; secret: string };
    await t.request("DELETE", `/v1/orgs/demo/api-keys/${gone.id}`);
    expect((await tallyJson(t, body, gone.secret)).status).toBe(401);
    const org = await t.database.client.execute("SELECT id FROM organisations WHERE slug = 'demo'");
    const token = await signMemberToken(
      await tokenSecret(t.db, undefined),
      { memberId: "m", orgId: String(org.rows[0]?.id) },
      t.clock.now(),
    );
    expect((await tallyJson(t, body, token.token)).status).toBe(401);
  });
});

describe("POST /v1/tally: bad input is a 422 naming the field, never a 500", () => {
  const base = { method: "scottish_stv", seats: 1, candidates: ["A", "B"], ballots: [{ weight: 1, ranking: ["A", "B"] }] };

  const bad: [string, unknown, string][] = [
    ["an unknown method", { ...base, method: "borda" }, "body.method"],
    ["a ballot naming an unknown candidate", { ...base, ballots: [{ weight: 1, ranking: ["A", "Zed"] }] }, "body.ballots.0.ranking"],
    ["an unknown withdrawn candidate", { ...base, withdrawn: ["Zed"] }, "body.withdrawn"],
    ["an unknown candidate in the tie order", { ...base, tie_break_order: ["Zed"] }, "body.tie_break_order"],
    ["an option the method does not take", { ...base, first_divisor: 1.4 }, "body.first_divisor"],
    ["a bad option value", { ...base, method: "meek_stv", precision: 99 }, "body.precision"],
    ["more seats than candidates", { ...base, seats: 5 }, "body.seats"],
    ["a negative weight", { ...base, ballots: [{ weight: -1, ranking: ["A"] }] }, "body.ballots.0.weight"],
    ["a ranking that is not a list", { ...base, ballots: [{ weight: 1, ranking: "A" }] }, "body.ballots.0.ranking"],
    ["no candidates", { ...base, candidates: [] }, "body.candidates"],
    ["a runaway number of majority rounds", { ...base, method: "majority_runoff", majority_rounds: 1e9 }, "body.majority_rounds"],
    ["an option contradicting the alias", { ...base, method: "meek_stv_prf_reference", variant: "droop" }, "body.variant"],
  ];

  for (const [what, body, field] of bad) {
    it(`refuses ${what}`, async () => {
      const t = await testApp();
      const problem = await problemOf(await tallyJson(t, body));
      expect(problem.status).toBe(422);
      expect(problem.errors?.map((e) => e.field)).toContain(field);
    });
  }

  it("reports BLT errors with their line number", async () => {
    const t = await testApp();
    const problem = await problemOf(await tallyBlt(t, '2 1\n1 1 3 0\n0\n"A"\n"B"\n', "method=irv"));
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]?.field).toBe("line 2");
    expect(problem.detail).toContain("line 2");
  });

  it("asks for the method of a BLT body, and refuses unknown query options", async () => {
    const t = await testApp();
    const blt = '2 1\n1 1 2 0\n0\n"A"\n"B"\n';
    expect((await problemOf(await tallyBlt(t, blt, ""))).errors?.[0]?.field).toBe("query.method");
    expect((await problemOf(await tallyBlt(t, blt, "method=irv&precision=3"))).errors?.[0]?.field).toBe("query.precision");
    expect((await problemOf(await tallyBlt(t, blt, "method=irv&seats=two"))).errors?.[0]?.field).toBe("query.seats");
    expect((await problemOf(await tallyBlt(t, blt, "method=nope"))).errors?.[0]?.field).toBe("query.method");
  });

  it("refuses malformed JSON and other media types", async () => {
    const t = await testApp();
    expect((await t.request("POST", "/v1/tally", { body: "{", headers: { "Content-Type": "application/json" } })).status).toBe(400);
    expect((await t.request("POST", "/v1/tally", { body: "x", headers: { "Content-Type": "text/csv" } })).status).toBe(415);
  });
});
