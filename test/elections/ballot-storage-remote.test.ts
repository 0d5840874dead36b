/**
 * Ballot storage over libSQL's remote protocol, as on Workers with Turso: the shuffled
 * batches and the rewrite when a poll closes use only SQL that sqld accepts (no PRAGMA
 * with an argument, no temporary table), and keep one ballot per voter and every receipt.
 */
import { type Client, createClient, type InStatement } from "@libsql/client/web";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { bootstrapIfEmpty } from "../../src/bootstrap.ts";
import { createDb } from "../../src/db/index.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { defaultConfig } from "../../src/deps.ts";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { startTestBridge, type TestBridge } from "../bridge/helpers.ts";
import { adminKey, committedDocuments, fixedClock, json, type TestApp } from "../helpers/app.ts";
import { base, tokenOf, votingElection } from "./helpers.ts";

const textOf = (statement: InStatement | [string, unknown?]) =>
  Array.isArray(statement) ? statement[0] : typeof statement === "string" ? statement : statement.sql;

describe("ballot storage over the remote protocol", () => {
  let bridge: TestBridge | undefined;
  const clients: Client[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await bridge?.stop();
    bridge = undefined;
  });

  it("shuffles a full batch and rewrites a closing poll's ballots with plain SQL, all receipts kept", async () => {
    bridge = await startTestBridge();
    const url = await bridge.newDatabase();
    const sent: string[] = [];
    /** A fresh client per request, as on Workers, that notes every statement the app sends. */
    const open = () => {
      const client = createClient({ url });
      clients.push(client);
      const batch = client.batch.bind(client);
      const execute = client.execute.bind(client);
      client.batch = (statements, mode) => {
        sent.push(...statements.map(textOf));
        return batch(statements, mode);
      };
      client.execute = ((statement: InStatement) => {
        sent.push(textOf(statement));
        return execute(statement);
      }) as Client["execute"];
      return client;
    };
    const setup = createClient({ url });
    clients.push(setup);
    await applyMigrations(setup as unknown as Parameters<typeof applyMigrations>[0]);
    const clock = fixedClock();
    const db = createDb(setup);
    await bootstrapIfEmpty(db, { slug: "demo", adminKey, now: clock.now() });
    const config = { ...defaultConfig };
    const app = createApp(() => ({ db: createDb(open()), mailer: createMemoryMailer(), clock, config, ...committedDocuments }), config);
    const t = {
      app,
      db,
      clock,
      org: "demo",
      adminKey,
      database: { client: setup, path: url, close() {} },
      request(method: string, path: string, options: { key?: string | null; body?: unknown } = {}) {
        const headers = new Headers();
        const key = options.key === undefined ? adminKey : options.key;
        if (key !== null) headers.set("Authorization", `Bearer ${key}`);
        let body: string | undefined;
        if (options.body !== undefined) {
          body = JSON.stringify(options.body);
          headers.set("Content-Type", "application/json");
        }
        return Promise.resolve(app.request(path, { method, headers, body }));
      },
    } as unknown as TestApp;

    const voterCount = 35;
    const { election, candidateIds, voters } = await votingElection(t, { candidates: 3, voters: voterCount });
    const receipts: string[] = [];
    for (const [i, voter] of voters.entries()) {
      const ranking = [candidateIds[i % 3], candidateIds[(i + 1) % 3]];
      const cast = await json<{ receiptHash: string }>(
        await t.request("POST", `${base(t)}/elections/${election.id}/ballots`, { key: await tokenOf(t, voter), body: { ranking } }),
        201,
      );
      receipts.push(cast.receiptHash);
    }
    // A second ballot is still refused.
    const again = await t.request("POST", `${base(t)}/elections/${election.id}/ballots`, {
      key: await tokenOf(t, voters[0] as string),
      body: { ranking: [candidateIds[0]] },
    });
    expect(again.status).toBe(409);
    const stored = async () =>
      (await setup.execute({ sql: "SELECT id, ranking, receipt_hash FROM ballots WHERE election_id = ?", args: [election.id] })).rows.map(
        (r) => ({ id: String(r.id), ranking: String(r.ranking), receipt: String(r.receipt_hash) }),
      );
    const whileOpen = await stored();
    expect(whileOpen).toHaveLength(voterCount);

    await json(await t.request("POST", `${base(t)}/elections/${election.id}/transitions`, { body: { to: "closed" } }), 200);
    const sealed = await stored();
    expect(sealed).toHaveLength(voterCount);
    const openIds = new Set(whileOpen.map((b) => b.id));
    for (const ballot of sealed) {
      expect(openIds.has(ballot.id)).toBe(false);
      expect(ballot.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    const contents = (rows: { ranking: string; receipt: string }[]) => rows.map((b) => `${b.receipt} ${b.ranking}`).sort();
    expect(contents(sealed)).toEqual(contents(whileOpen));
    expect(sealed.map((b) => b.receipt).sort()).toEqual([...receipts].sort());

    // Counted (as soon as it is read again) from the rewritten ballots.
    const counted = await json<{ status: string }>(await t.request("GET", `${base(t)}/elections/${election.id}`), 200);
    expect(counted.status).toBe("counted");
    expect(sent.some((statement) => /^\s*INSERT INTO "ballots"/i.test(statement))).toBe(true);
    expect(sent.filter((statement) => /^\s*PRAGMA|\bTEMP(ORARY)?\s+TABLE\b/i.test(statement))).toEqual([]);
  }, 120_000);
});
