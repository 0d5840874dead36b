import { type Client, createClient } from "@libsql/client/web";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { bootstrapIfEmpty } from "../../src/bootstrap.ts";
import { createDb } from "../../src/db/index.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { defaultConfig } from "../../src/deps.ts";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { startTestBridge, type TestBridge } from "../bridge/helpers.ts";
import { adminKey, committedDocuments, fixedClock, problemOf, type TestApp, testApp } from "../helpers/app.ts";
import { base, tokenOf, votingElection } from "./helpers.ts";

async function attempts(t: TestApp, electionId: string, voter: string, ranking: string[], n: number) {
  const token = await tokenOf(t, voter);
  const responses = await Promise.all(
    Array.from({ length: n }, () => t.request("POST", `${base(t)}/elections/${electionId}/ballots`, { key: token, body: { ranking } })),
  );
  return responses;
}

async function expectExactlyOne(t: TestApp, electionId: string, responses: Response[]) {
  expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
  const refused = responses.filter((r) => r.status !== 201);
  expect(refused).toHaveLength(responses.length - 1);
  for (const response of refused) {
    expect(response.status).toBe(409);
    expect(await problemOf(response)).toMatchObject({ reason: "already_voted" });
  }
  const stored = await t.database.client.execute({ sql: "SELECT count(*) AS n FROM ballots WHERE election_id = ?", args: [electionId] });
  expect(Number(stored.rows[0]?.n)).toBe(1);
  const voted = await t.database.client.execute({
    sql: "SELECT count(*) AS n FROM election_voters WHERE election_id = ? AND has_voted = 1",
    args: [electionId],
  });
  expect(Number(voted.rows[0]?.n)).toBe(1);
}

describe("one ballot per voter under concurrency", () => {
  it("stores exactly one of 20 simultaneous ballots by one voter (embedded database)", async () => {
    const t = await testApp();
    const { election, candidateIds, voters } = await votingElection(t, { candidates: 3, voters: 1 });
    const responses = await attempts(t, election.id, voters[0] as string, [candidateIds[0] as string], 20);
    await expectExactlyOne(t, election.id, responses);
  });

  describe("over libSQL's HTTP protocol, a fresh client per request as on Workers", () => {
    let bridge: TestBridge | undefined;
    const clients: Client[] = [];
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      await bridge?.stop();
      bridge = undefined;
    });

    it("stores exactly one of 20 simultaneous ballots by one voter", async () => {
      bridge = await startTestBridge();
      const url = await bridge.newDatabase();
      const open = () => {
        const client = createClient({ url });
        clients.push(client);
        return client;
      };
      const setup = open();
      await applyMigrations(setup as unknown as Parameters<typeof applyMigrations>[0]);
      const db = createDb(setup);
      const clock = fixedClock();
      await bootstrapIfEmpty(db, { slug: "demo", adminKey, now: clock.now() });
      const config = { ...defaultConfig };
      const app = createApp(() => ({ db: createDb(open()), mailer: createMemoryMailer(), clock, config, ...committedDocuments }), config);
      // The helpers need only these parts of a TestApp.
      const t = {
        app,
        db,
        clock,
        org: "demo",
        adminKey,
        database: { client: setup, path: url, close() {} },
        request(method: string, path: string, options: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {}) {
          const headers = new Headers(options.headers);
          const key = options.key === undefined ? adminKey : options.key;
          if (key !== null) headers.set("Authorization", `Bearer ${key}`);
          let body: string | undefined;
          if (options.body !== undefined) {
            body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
            if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
          }
          return Promise.resolve(app.request(path, { method, headers, body }));
        },
      } as unknown as TestApp;

      const { election, candidateIds, voters } = await votingElection(t, { candidates: 3, voters: 2 });
      const responses = await attempts(t, election.id, voters[0] as string, [candidateIds[1] as string, candidateIds[0] as string], 20);
      await expectExactlyOne(t, election.id, responses);
      // The other voter is unaffected.
      expect((await attempts(t, election.id, voters[1] as string, [], 1))[0]?.status).toBe(201);
    }, 60_000);
  });
});
