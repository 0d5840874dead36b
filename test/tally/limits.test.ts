import { describe, expect, it } from "vitest";
import { operatorKey, problemOf, type TestApp, testApp } from "../helpers/app.ts";

const names = (n: number) => Array.from({ length: n }, (_, i) => `C${i + 1}`);

/** A readonly key of another organisation: any API key may count, so the limits are what protects everyone else. */
async function foreignReadonlyKey(t: TestApp): Promise<string> {
  const created = await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } });
  const admin = ((await created.json()) as { adminKey: { secret: string } }).adminKey.secret;
  const key = await t.request("POST", "/v1/orgs/other/api-keys", { key: admin, body: { name: "auditor", role: "readonly" } });
  return ((await key.json()) as { secret: string }).secret;
}

function bltOf(candidates: string[], seats: number, ballots: string[]): string {
  return [`${candidates.length} ${seats}`, ...ballots, "0", ...candidates.map((name) => `"${name}"`), '"Limits"'].join("\n");
}

describe("POST /v1/tally: counts over the limits are refused with 422 naming the limit", () => {
  it("refuses Schulze over 10,000 candidates (a 100 KB request) instead of building 10,000² tables", async () => {
    const t = await testApp();
    const candidates = names(10_000);
    const body = { method: "schulze", candidates, ballots: [{ weight: 1, ranking: candidates.slice(0, 20) }] };
    expect(JSON.stringify(body).length).toBeGreaterThan(60_000);
    const problem = await problemOf(await t.request("POST", "/v1/tally", { key: await foreignReadonlyKey(t), body }));
    expect(problem).toMatchObject({ status: 422, code: "validation_failed", limit: "candidates" });
    expect(problem.errors).toEqual([
      { field: "body.candidates", message: "schulze counts at most 1,000 candidates standing; 10,000 were given" },
    ]);
  });

  it("refuses Scottish STV over 2,000 candidates and 200 ballots, and sequential IRV over 200 candidates", async () => {
    const t = await testApp();
    const key = await foreignReadonlyKey(t);
    const candidates = names(2_000);
    const ballots = Array.from({ length: 200 }, (_, i) => ({ weight: 1, ranking: [`C${i + 1}`, `C${i + 2}`] }));
    const scottish = await problemOf(
      await t.request("POST", "/v1/tally", { key, body: { method: "scottish_stv", seats: 3, candidates, ballots } }),
    );
    expect(scottish).toMatchObject({ status: 422, limit: "candidates" });
    const sequential = await problemOf(
      await t.request("POST", "/v1/tally", { key, body: { method: "sequential_irv", candidates: names(200), ballots } }),
    );
    expect(sequential).toMatchObject({ status: 422, limit: "candidates" });
    expect(sequential.detail).toContain("sequential_irv counts at most 80 candidates");
  });

  it("refuses Schulze STV whose comparisons over the distinct rankings exceed the work limit", async () => {
    const t = await testApp();
    const candidates = names(15);
    // 2,000 different rankings: every row starts with a different pair and order.
    const ballots = Array.from({ length: 2_000 }, (_, i) => {
      const order = [...candidates.slice(i % 15), ...candidates.slice(0, i % 15)];
      const [first, second] = [order[Math.floor(i / 15) % 15] as string, order[(Math.floor(i / 225) + 1) % 15] as string];
      return { weight: 1, ranking: [...new Set([first, second, ...order])].slice(0, 3 + (i % 12)) };
    });
    const problem = await problemOf(
      await t.request("POST", "/v1/tally", { body: { method: "schulze_stv", seats: 4, candidates, ballots } }),
    );
    expect(problem).toMatchObject({ status: 422, limit: "work" });
    expect(problem.errors?.[0]?.field).toBe("body.ballots");
  });

  it("refuses a BLT file of 50,000 candidates at its first line, before reading the names", async () => {
    const t = await testApp();
    const blt = bltOf(names(50_000), 1, ["1 1 2 0"]);
    const response = await t.request("POST", "/v1/tally?method=scottish_stv", { body: blt, headers: { "Content-Type": "text/plain" } });
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ status: 422 });
    expect(problem.errors).toEqual([{ field: "line 1", message: "line 1: 50000 candidates; at most 10000 can be counted" }]);
  });

  it("applies the same caps to a BLT file as to JSON", async () => {
    const t = await testApp();
    const blt = bltOf(names(301), 3, ["1 1 2 0"]);
    const response = await t.request("POST", "/v1/tally?method=meek_stv", { body: blt, headers: { "Content-Type": "text/plain" } });
    expect(await problemOf(response)).toMatchObject({ status: 422, limit: "candidates" });
  });
});

describe("POST /v1/tally: matrices only on request", () => {
  const candidates = names(300);
  const ballots = Array.from({ length: 30 }, (_, i) => ({
    weight: 1 + i,
    ranking: [...candidates.slice(i * 10), ...candidates.slice(0, i * 10)],
  }));

  it("answers a 300-candidate Schulze count without its two 300 × 300 tables", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/tally", { body: { method: "schulze", candidates, ballots } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.length).toBeLessThan(100_000);
    const details = (JSON.parse(text) as { rounds: { details: Record<string, unknown> }[] }).rounds[0]?.details;
    expect(details).not.toHaveProperty("pairwise");
    expect(details).not.toHaveProperty("strongestPaths");
  });

  it("adds them with ?detail=pairwise, within the bound", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/tally?detail=pairwise", { body: { method: "schulze", candidates, ballots } });
    expect(response.status).toBe(200);
    const details = ((await response.json()) as { rounds: { details: Record<string, Record<string, unknown>> }[] }).rounds[0]?.details;
    expect(Object.keys(details?.pairwise ?? {})).toHaveLength(300);
    expect(Object.keys(details?.strongestPaths ?? {})).toHaveLength(300);
  });

  it("refuses ?detail=pairwise beyond the bound, naming the query parameter", async () => {
    const t = await testApp();
    const many = names(400);
    const problem = await problemOf(
      await t.request("POST", "/v1/tally?detail=pairwise", {
        body: { method: "schulze", candidates: many, ballots: [{ weight: 1, ranking: many }] },
      }),
    );
    expect(problem).toMatchObject({ status: 422, limit: "matrix entries" });
    expect(problem.errors?.[0]?.field).toBe("query.detail");
  });
});
