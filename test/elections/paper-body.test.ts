import { describe, expect, it } from "vitest";
import { PaperBallots } from "../../src/elections/ballots.schemas.ts";
import { fieldErrors } from "../../src/http/openapi.ts";
import { textErrors } from "../../src/lib/text.ts";
import { problemOf, snapshot, testApp } from "../helpers/app.ts";
import { base, votingElection } from "./helpers.ts";

/**
 * A JSON body of paper ballots is checked by the handler, a slice of its list at a time,
 * not by the router. Its answers must be the router's all the same: 400 for JSON that does
 * not parse, and 422 listing the fields the router's validation hook would list (src/http/
 * openapi.ts), computed here the hook's way over the whole body.
 */

/** What the router's hook answers for a body that PaperBallots refuses. */
function hookErrors(value: unknown) {
  const parsed = PaperBallots.safeParse(value);
  const text = textErrors(PaperBallots, parsed.success ? parsed.data : value, "body");
  const flagged = new Set(text.map((error) => error.field));
  const other = parsed.success ? [] : fieldErrors(parsed.error, "body").filter((error) => !flagged.has(error.field));
  return [...text, ...other];
}

describe("a paper-ballot body", () => {
  it("is refused as the router would refuse it, and nothing is stored", async () => {
    const t = await testApp();
    const { election, candidateIds } = await votingElection(t, { candidates: 2, voters: 0 });
    const [a, b] = candidateIds as [string, string];
    const path = `${base(t)}/elections/${election.id}/paper-ballots`;
    const before = await snapshot(t.database);

    const malformed = await t.request("POST", path, { body: '{"ballots": [', headers: { "Content-Type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).code).toBe("malformed_body");

    const bodies: unknown[] = [
      [],
      "ballots",
      {},
      { ballots: [] },
      { ballots: "all of them" },
      { ballots: [{ ranking: [a] }], extra: true },
      { ballots: [{ ranking: [a] }, { rankng: [b] }] },
      { ballots: [{ ranking: [a, "not-an-id"] }, { ranking: [b], weight: 0 }] },
      { ballots: [{ ranking: [`${a}\u0000`] }, { ranking: [b, [a, "x"]] }] },
      { ballots: [{ ranking: [a] }], "bad\u0007key": 1 },
      { ballots: [null, 7, { ranking: null }] },
    ];
    for (const body of bodies) {
      const expected = hookErrors(body);
      expect(expected.length, JSON.stringify(body)).toBeGreaterThan(0);
      const response = await t.request("POST", path, { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
      expect(response.status, JSON.stringify(body)).toBe(422);
      const problem = await problemOf(response);
      expect({ body, errors: [...(problem.errors ?? [])].sort(byField) }).toEqual({ body, errors: [...expected].sort(byField) });
    }
    expect(await snapshot(t.database)).toBe(before);

    // And a good one is entered.
    const entered = await t.request("POST", path, { body: { ballots: [{ ranking: [a, b] }, { ranking: [b], weight: 3 }] } });
    expect(entered.status, await entered.clone().text()).toBe(201);
    expect(await entered.json()).toMatchObject({ rows: 2, papers: 4, blank: 0 });
  });
});

const byField = (x: { field: string; message: string }, y: { field: string; message: string }) =>
  x.field < y.field ? -1 : x.field > y.field ? 1 : x.message < y.message ? -1 : x.message > y.message ? 1 : 0;
