import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import type { CountRunner } from "../../src/tally/runner.ts";
import { createThreadCounter, type ThreadCounter } from "../../src/tally/thread-runner.ts";
import { MAX_WORK, planCount } from "../../src/voting/limits.ts";
import type { CountInput } from "../../src/voting/types.ts";
import { appBeside, testApp } from "../helpers/app.ts";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The app as src/server.ts runs it: a real HTTP server, counts through the pool of worker threads. */
async function nodeServer(onCount: () => void) {
  const t = await testApp();
  const threads: ThreadCounter = createThreadCounter({ threads: 1 });
  cleanup.push(() => threads.close());
  // Tells the test when a count has been handed to the runner (and the handler is waiting for it).
  const counter: CountRunner = {
    offThread: true,
    count(input) {
      const answer = threads.count(input);
      onCount();
      return answer;
    },
  };
  const app = appBeside(t, { counter });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key: t.adminKey };
}

/** Schulze over 1,000 candidates and as many distinct full rankings as the limits take: the largest count they allow. */
function largestSchulze(): CountInput {
  const candidates = Array.from({ length: 1_000 }, (_, i) => `C${i + 1}`);
  const input = (rows: number): CountInput => ({
    method: "schulze",
    candidates,
    ballots: Array.from({ length: rows }, (_, i) => ({ weight: 1, ranking: [...candidates.slice(i), ...candidates.slice(0, i)] })),
  });
  const fits = (rows: number) => {
    try {
      return planCount(input(rows)).work <= MAX_WORK;
    } catch {
      return false; // over a limit
    }
  };
  let [low, high] = [1, 1_000];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return input(low);
}

describe("a large count does not hold up other requests", () => {
  it("answers /v1/health while the largest allowed count runs, before that count's answer", async () => {
    const input = largestSchulze();
    // The largest allowed: within the work limit, and near it.
    const { work } = planCount(input);
    expect(work).toBeLessThanOrEqual(MAX_WORK);
    expect(work).toBeGreaterThan(MAX_WORK * 0.99);

    let handedOver: () => void = () => {};
    const counting = new Promise<void>((resolve) => {
      handedOver = resolve;
    });
    const { url, key } = await nodeServer(() => handedOver());
    const order: string[] = [];
    const count = fetch(`${url}/v1/tally`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify(input),
    }).then(async (response) => {
      const body = (await response.json()) as { elected: string[] };
      order.push("count");
      return { status: response.status, body };
    });

    await counting; // the count is running now
    const health = await fetch(`${url}/v1/health`);
    order.push("health");
    expect(health.status).toBe(200);

    const answer = await count;
    expect(answer.status).toBe(200);
    expect(answer.body.elected).toHaveLength(1);
    expect(order).toEqual(["health", "count"]);
  }, 120_000);
});
