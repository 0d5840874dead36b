/**
 * An election's own count runs where the runtime allows: a request on an in-line runner
 * (Workers) counts only small elections and leaves larger ones to the scheduled job;
 * on Node, whose runner counts in worker threads, a request counts any election.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { createThreadCounter } from "../../src/tally/thread-runner.ts";
import { INLINE_WORK, MAX_WORK, planCount } from "../../src/voting/limits.ts";
import { activeMembers, announce, base, createElection, type ElectionBody, stand } from "../elections/helpers.ts";
import { appBeside, json, problemOf, type TestApp, testApp } from "../helpers/app.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

/** Schulze STV for 4 of 12 candidates over 90 distinct paper rankings: too large to count in line, well within the limits. */
async function closedLargeElection(t: TestApp) {
  const election = await createElection(t, { method: "schulze_stv", seats: 4 });
  await announce(t, election.id);
  const candidates: string[] = [];
  for (const member of await activeMembers(t, 12)) candidates.push(await stand(t, election.id, member));
  t.clock.set(election.voting.opensAt);
  expect((await json<ElectionBody>(await t.request("GET", `${base(t)}/elections/${election.id}`), 200)).status).toBe("voting");
  const ballots = Array.from({ length: 90 }, (_, i) => {
    const order = [...candidates.slice(i % 12), ...candidates.slice(0, i % 12)];
    return { weight: 1 + (i % 3), ranking: order.slice(0, 3 + (Math.floor(i / 12) % 9)) };
  });
  const { work } = planCount({ method: "schulze_stv", seats: 4, candidates, ballots });
  expect(work).toBeGreaterThan(INLINE_WORK);
  expect(work).toBeLessThanOrEqual(MAX_WORK);
  await json(await t.request("POST", `${base(t)}/elections/${election.id}/paper-ballots`, { body: { ballots } }), 201);
  t.clock.set(election.voting.closesAt);
  return election;
}

describe("a stored count too large for a request to run in line", () => {
  it("is left to the scheduled job by a request on an in-line runner, which the job then counts", async () => {
    const t = await testApp();
    const election = await closedLargeElection(t);
    const read = () => t.request("GET", `${base(t)}/elections/${election.id}`);

    const waiting = await json<ElectionBody & { countError: string | null }>(await read(), 200);
    expect(waiting).toMatchObject({ status: "closed", countError: null });
    const asked = await problemOf(await t.request("POST", `${base(t)}/elections/${election.id}/count`));
    expect(asked).toMatchObject({ status: 409, reason: "count_pending" });
    const result = await problemOf(await t.request("GET", `${base(t)}/elections/${election.id}/result`));
    expect(result).toMatchObject({ status: 409, reason: "not_counted" });

    const [report] = await runScheduled("* * * * *", t.clock.now(), { db: t.db, mailer: t.mailer, clock: t.clock });
    expect(report).toMatchObject({ job: "election-clock", ok: true, result: { settled: 1, counted: 1 } });
    const counted = await json<{ elected: unknown[]; count: { method: string } }>(
      await t.request("GET", `${base(t)}/elections/${election.id}/result`),
      200,
    );
    expect(counted.count.method).toBe("schulze_stv");
    expect(counted.elected).toHaveLength(4);
  }, 60_000);

  it("is counted by the request itself where the runner counts in worker threads (Node)", async () => {
    const t = await testApp();
    const election = await closedLargeElection(t);
    const threads = createThreadCounter({ threads: 1 });
    cleanup.push(() => threads.close());
    const app = appBeside(t, { counter: threads });
    const response = await app.request(`${base(t)}/elections/${election.id}/result`, {
      headers: { Authorization: `Bearer ${t.adminKey}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { elected: unknown[] }).elected).toHaveLength(4);
  }, 60_000);
});
