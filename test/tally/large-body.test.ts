import { afterEach, describe, expect, it } from "vitest";
import { inlineTallyBodyChars } from "../../src/tally/json-body.ts";
import type { CountRunner } from "../../src/tally/runner.ts";
import { createThreadCounter } from "../../src/tally/thread-runner.ts";
import { appBeside, type TestApp, testApp } from "../helpers/app.ts";

/**
 * A large body of POST /v1/tally (JSON or BLT) is read in the counting thread on Node, not on
 * the event loop. Whoever reads it, the answer is the same: the same count, the same 400 for
 * JSON that does not parse, the same 422 listing the same fields, the same refusal of what
 * cannot be counted. Each body below is compared as the app without threads answers it (read
 * in line, as on Workers) and as the app with them answers it (read in the thread).
 */

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const candidates = Array.from({ length: 12 }, (_, i) => `Candidate ${i + 1}`);

/** Distinct rankings, enough of them for a body beyond what is read in line. */
function ballots(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    weight: 1,
    ranking: [candidates[i % 12], candidates[(i * 7 + 3) % 12], candidates[(i * 5 + 1) % 12]].filter(
      (name, index, all) => all.indexOf(name) === index,
    ),
  }));
}

const large = (body: Record<string, unknown>) => {
  const text = JSON.stringify({ method: "meek_stv", seats: 3, candidates, ballots: ballots(12_000), ...body });
  expect(text.length).toBeGreaterThan(inlineTallyBodyChars);
  return text;
};

/** The same ballots as a BLT file (candidates numbered from 1), with `extra` lines before the closing 0. */
function blt(extra: string[] = []) {
  const lines = [`${candidates.length} 3`];
  for (const ballot of ballots(40_000)) lines.push(`1 ${ballot.ranking.map((name) => candidates.indexOf(name as string) + 1).join(" ")} 0`);
  lines.push(...extra, "0", ...candidates.map((name) => `"${name}"`), '"A large election"');
  const text = `${lines.join("\n")}\n`;
  expect(text.length).toBeGreaterThan(inlineTallyBodyChars);
  return text;
}

/** The app as src/server.ts runs it, counts in a thread; `read` counts the bodies the thread was handed to read. */
async function withThreads(t: TestApp) {
  const threads = createThreadCounter({ threads: 1 });
  cleanup.push(() => threads.close());
  const handed = { bodies: 0, files: 0 };
  const counter: CountRunner = {
    offThread: true,
    count: (input) => threads.count(input),
    countTallyJson(text, detail) {
      handed.bodies++;
      return threads.countTallyJson(text, detail);
    },
    countTallyBlt(text, query, detail) {
      handed.files++;
      return threads.countTallyBlt(text, query, detail);
    },
  };
  const app = appBeside(t, { counter });
  return { app, handed };
}

async function answers(app: TestApp["app"], key: string, text: string, query = "", type = "application/json") {
  const response = await app.request(`/v1/tally${query}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": type },
    body: text,
  });
  const body = (await response.json()) as Record<string, unknown>;
  // Each answer has its own request id; nothing else may differ.
  delete body.requestId;
  return { status: response.status, body };
}

describe("a large tally body, read in the counting thread", () => {
  it("is answered exactly as when it is read in line: counts, unreadable JSON, invalid fields and text, count errors", async () => {
    const t = await testApp();
    const threaded = await withThreads(t);
    const bodies: [string, string, string?][] = [
      ["a count", large({})],
      ["a count with pairwise detail", large({ method: "schulze", seats: 2 }), "?detail=pairwise"],
      ["JSON that does not parse", `${large({})}]`],
      ["fields of the wrong type", large({ seats: "three", ballots: [...ballots(12_000), { weight: -1, ranking: "A" }] })],
      ["a control character in a candidate's name", large({ candidates: [...candidates, "Bad\u0007name"] })],
      ["an option the method does not take", large({ first_divisor: 1.4 })],
      ["an unknown candidate", large({ ballots: [...ballots(12_000), { ranking: ["Nobody"] }] })],
    ];
    const statuses: number[] = [];
    for (const [what, text, query] of bodies) {
      const inLine = await answers(t.app, t.adminKey, text, query);
      const inThread = await answers(threaded.app, t.adminKey, text, query);
      expect(inThread, what).toEqual(inLine);
      statuses.push(inLine.status);
    }
    // Each body was read by the thread, and the cases are the ones named.
    expect(threaded.handed.bodies).toBe(bodies.length);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 400]);
    expect(statuses.slice(3).every((status) => status === 422)).toBe(true);
  }, 120_000);

  it("as a BLT file, is answered exactly as when it is read in line", async () => {
    const t = await testApp();
    const threaded = await withThreads(t);
    const files: [string, string, string][] = [
      ["a count", blt(), "?method=meek_stv"],
      ["a count with an option", blt(), "?method=wigm_stv&precision=6"],
      ["a ballot naming candidate 13 of 12", blt(["1 13 0"]), "?method=meek_stv"],
      ["an option the method does not take", blt(), "?method=meek_stv&first_divisor=1.4"],
      ["a line that is not a ballot", blt(["1 2 x 0"]), "?method=meek_stv"],
    ];
    const statuses: number[] = [];
    for (const [what, text, query] of files) {
      const inLine = await answers(t.app, t.adminKey, text, query, "text/plain");
      const inThread = await answers(threaded.app, t.adminKey, text, query, "text/plain");
      expect(inThread, what).toEqual(inLine);
      statuses.push(inLine.status);
    }
    expect(threaded.handed.files).toBe(files.length);
    expect(statuses).toEqual([200, 200, 422, 422, 422]);
  }, 120_000);
});
