/**
 * Idempotency keys whose request died on the way: the key is held under a lease, not for a
 * day, and a request's writes are committed together with its stored response, so a retry
 * either replays that response or runs the request again without creating anything twice.
 */
import type { Client, InStatement, Transaction, TransactionMode } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createDb } from "../../src/db/index.ts";
import { defaultConfig } from "../../src/deps.ts";
import { idempotencyLeaseMs } from "../../src/http/idempotency.ts";
import { sha256Hex } from "../../src/lib/crypto.ts";
import { committedDocuments, operatorKey, problemOf, type TestApp, testApp } from "../helpers/app.ts";

const path = "/v1/orgs/demo/api-keys";
const body = { name: "Integration", role: "staff" };

async function keyNames(t: TestApp): Promise<string[]> {
  const result = await t.database.client.execute("SELECT name FROM api_keys ORDER BY name");
  return result.rows.map((row) => String(row.name));
}

const sqlOf = (stmt: InStatement | string) => (typeof stmt === "string" ? stmt : stmt.sql);

/** The test's client, with every statement (in a transaction or not) shown to `check` first, and commits to `commit`. */
function intercepted(
  client: Client,
  check: (stmts: (InStatement | string)[]) => void,
  commit: (tx: Transaction) => Promise<void> = (tx) => tx.commit(),
): Client {
  return {
    ...client,
    execute: (async (stmt: InStatement | string, args?: never) => {
      check([stmt]);
      return typeof stmt === "string" ? client.execute(stmt, args) : client.execute(stmt);
    }) as Client["execute"],
    batch: async (stmts, mode) => {
      check(stmts as InStatement[]);
      return client.batch(stmts, mode);
    },
    transaction: (async (mode?: TransactionMode) => {
      const tx = await client.transaction(mode);
      return {
        execute: async (stmt: InStatement) => {
          check([stmt]);
          return tx.execute(stmt);
        },
        batch: async (stmts: InStatement[]) => {
          check(stmts);
          return tx.batch(stmts);
        },
        executeMultiple: (sql: string) => tx.executeMultiple(sql),
        commit: () => commit(tx),
        rollback: () => tx.rollback(),
        close: () => tx.close(),
        get closed() {
          return tx.closed;
        },
      } satisfies Transaction;
    }) as Client["transaction"],
  };
}

/** The app of `t` over another client to the same database. */
function appOver(t: TestApp, client: Client) {
  return createApp({
    db: createDb(client),
    mailer: t.mailer,
    clock: t.clock,
    config: { ...defaultConfig, operatorKey },
    ...committedDocuments,
  });
}

function post(app: ReturnType<typeof createApp>, t: TestApp, idempotencyKey: string) {
  return app.request(path, {
    method: "POST",
    headers: { Authorization: `Bearer ${t.adminKey}`, "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
    body: JSON.stringify(body),
  });
}

describe("Idempotency-Key after a crash", () => {
  it("lets a retry run the request once the lease of a holder that died is over, and 409s with Retry-After before", async () => {
    const t = await testApp();
    // A claim without a response, as a process that died mid-request leaves it.
    const keyId = String((await t.database.client.execute("SELECT id FROM api_keys")).rows[0]?.id);
    const claimedAt = t.clock.now();
    await t.database.client.execute({
      sql: `INSERT INTO idempotency_keys (scope, key, request_hash, locked_until, created_at, expires_at) VALUES (?, 'died', ?, ?, ?, ?)`,
      args: [
        `key:${keyId}`,
        await sha256Hex(`POST ${path}\n${JSON.stringify(body)}`),
        new Date(claimedAt.getTime() + idempotencyLeaseMs).toISOString(),
        claimedAt.toISOString(),
        new Date(claimedAt.getTime() + 86_400_000).toISOString(),
      ],
    });
    const headers = { "Idempotency-Key": "died" };

    t.clock.advance(idempotencyLeaseMs - 15_000);
    const early = await t.request("POST", path, { body, headers });
    expect(early.status).toBe(409);
    expect((await problemOf(early)).code).toBe("conflict");
    expect(early.headers.get("Retry-After")).toBe("15");

    t.clock.advance(15_000);
    const rerun = await t.request("POST", path, { body, headers });
    expect(rerun.status).toBe(201);
    const replay = await t.request("POST", path, { body, headers });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    // The new key's secret is not kept for replays: the retry is told where the key the rerun made is.
    expect(replay.status).toBe(409);
    expect(replay.headers.get("Location")).toBe(`${path}/${((await rerun.json()) as { id: string }).id}`);
    expect(await keyNames(t)).toEqual(["Bootstrap admin key", "Integration"]);
  });

  it("never keeps a created object without its stored response: the retry creates it once", async () => {
    const t = await testApp();
    // The process dies right after the handler's own writes, before the response is stored.
    let died = false;
    const dying = appOver(
      t,
      intercepted(t.database.client, (stmts) => {
        if (!died && stmts.some((stmt) => /^update "idempotency_keys" set "status"/i.test(sqlOf(stmt)))) {
          died = true;
          throw new Error("the process died");
        }
      }),
    );
    const first = await post(dying, t, "crash");
    expect(first.status).toBe(500);
    // The handler's insert went with the response that was never stored.
    expect(await keyNames(t)).toEqual(["Bootstrap admin key"]);

    const retry = await t.request("POST", path, { body, headers: { "Idempotency-Key": "crash" } });
    expect(retry.status).toBe(201);
    const again = await t.request("POST", path, { body, headers: { "Idempotency-Key": "crash" } });
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await keyNames(t)).toEqual(["Bootstrap admin key", "Integration"]);
  });

  it("keeps the key of a request whose commit failed until its lease is over, then runs it once", async () => {
    const t = await testApp();
    const failingCommit = appOver(
      t,
      intercepted(
        t.database.client,
        () => {},
        async (tx) => {
          await tx.rollback();
          throw Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR" });
        },
      ),
    );
    expect((await post(failingCommit, t, "io")).status).toBe(500);
    expect(await keyNames(t)).toEqual(["Bootstrap admin key"]);
    // Whether a failed commit happened is not known, so the key waits for its lease rather than risk a second run.
    const waiting = await t.request("POST", path, { body, headers: { "Idempotency-Key": "io" } });
    expect(waiting.status).toBe(409);
    expect(waiting.headers.get("Retry-After")).toBe(String(idempotencyLeaseMs / 1000));
    t.clock.advance(idempotencyLeaseMs);
    expect((await t.request("POST", path, { body, headers: { "Idempotency-Key": "io" } })).status).toBe(201);
    expect(await keyNames(t)).toEqual(["Bootstrap admin key", "Integration"]);
  });
});
