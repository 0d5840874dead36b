/**
 * Database errors answered for what they are: a lock held past the retries is a 503 with
 * Retry-After (nothing was written; try again), a UNIQUE or primary-key violation is a 409,
 * and any other constraint violation (NOT NULL, FOREIGN KEY, CHECK) is a defect: a 500,
 * logged with the request id. Both shapes of error are understood: the embedded client's,
 * with extended codes, and the web client's (Workers, through sqld or the local bridge),
 * with only the primary code and the detail in the message.
 */
import type { Client } from "@libsql/client";
import { createClient as createWebClient } from "@libsql/client/web";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openEmbedded } from "../../src/db/embedded.ts";
import { constraintViolation, isDatabaseBusy } from "../../src/db/errors.ts";
import { createDb } from "../../src/db/index.ts";
import { onError, toApiError } from "../../src/http/errors.ts";
import { startTestBridge, type TestBridge } from "../bridge/helpers.ts";
import { problemOf, snapshot, testApp } from "../helpers/app.ts";

const schema = `CREATE TABLE parent (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, size INTEGER CHECK (size > 0));
  CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parent(id))`;

/** What each kind of violation raises, through Drizzle, on a client of either kind. */
async function violations(client: Client) {
  await client.executeMultiple(schema);
  await client.execute("INSERT INTO parent (id, name, size) VALUES ('p', 'Parent', 1)");
  const db = createDb(client);
  const caught = async (sql: string) => {
    try {
      await db.run(sql);
    } catch (error) {
      return error;
    }
    throw new Error(`expected ${sql} to fail`);
  };
  return {
    unique: await caught("INSERT INTO parent (id, name, size) VALUES ('q', 'Parent', 1)"),
    primaryKey: await caught("INSERT INTO parent (id, name, size) VALUES ('p', 'Other', 1)"),
    notNull: await caught("INSERT INTO parent (id, name, size) VALUES ('r', NULL, 1)"),
    check: await caught("INSERT INTO parent (id, name, size) VALUES ('s', 'S', 0)"),
    foreignKey: await caught("INSERT INTO child (id, parent_id) VALUES ('c', 'nobody')"),
  };
}

function expectMapped(errors: Awaited<ReturnType<typeof violations>>) {
  expect(constraintViolation(errors.unique)).toBe("unique");
  expect(constraintViolation(errors.primaryKey)).toBe("unique");
  expect(constraintViolation(errors.notNull)).toBe("other");
  expect(constraintViolation(errors.check)).toBe("other");
  expect(constraintViolation(errors.foreignKey)).toBe("other");
  expect(toApiError(errors.unique).status).toBe(409);
  expect(toApiError(errors.primaryKey).status).toBe(409);
  for (const defect of [errors.notNull, errors.check, errors.foreignKey]) {
    expect(toApiError(defect).code).toBe("internal_error");
    expect(isDatabaseBusy(defect)).toBe(false);
  }
}

describe("constraint violations", () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge();
  });
  afterAll(async () => {
    await bridge.stop();
  });

  it("are a 409 only for UNIQUE and primary keys, from the embedded client", async () => {
    const t = await testApp();
    expectMapped(await violations(t.database.client));
  });

  it("are a 409 only for UNIQUE and primary keys, from the web client, which has only primary codes", async () => {
    const client = createWebClient({ url: await bridge.newDatabase() });
    try {
      const errors = await violations(client);
      expect(JSON.stringify(errors.foreignKey, ["code", "extendedCode", "cause"])).not.toContain("FOREIGNKEY");
      expectMapped(errors);
    } finally {
      client.close();
    }
  });

  it("answers any other violation with a 500 and logs it with the request id", async () => {
    const t = await testApp();
    await t.database.client.executeMultiple(schema);
    const app = new Hono<{ Variables: { requestId: string } }>();
    app.use("*", async (c, next) => {
      c.set("requestId", "req-fk-1");
      await next();
    });
    app.post("/children", async () => {
      await createDb(t.database.client).run("INSERT INTO child (id, parent_id) VALUES ('c', 'nobody')");
      return new Response(null, { status: 201 });
    });
    app.onError(onError);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await app.request("/children", { method: "POST" });
      expect(response.status).toBe(500);
      expect((await response.json()) as { code: string }).toMatchObject({ code: "internal_error", requestId: "req-fk-1" });
      expect(logged).toHaveBeenCalledWith(expect.stringContaining("[req-fk-1] POST /children"), expect.anything());
    } finally {
      logged.mockRestore();
    }
  });
});

describe("a database locked for longer than the retries wait", () => {
  it("answers a write with 503 and Retry-After, changes nothing, and serves reads meanwhile", async () => {
    // A small budget, so that the test does not wait long for the retries to run out.
    const t = await testApp({}, { retry: { waitMs: 20, baseDelayMs: 1, maxDelayMs: 2 } });
    // Another process's long write: a second client to the same file holding the write lock.
    const other = await openEmbedded(`file:${t.database.path}`);
    const before = await snapshot(t.database);
    const holding = await other.transaction("write");
    await holding.execute("UPDATE organisations SET name = name");
    try {
      const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
      const response = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "Blocked", role: "staff" } });
      warned.mockRestore();
      expect(response.status).toBe(503);
      expect(response.headers.get("Retry-After")).toBe("1");
      expect((await problemOf(response)).code).toBe("service_unavailable");
      expect((await t.request("GET", "/v1/orgs/demo/api-keys")).status).toBe(200);
    } finally {
      await holding.rollback();
    }
    expect(await snapshot(t.database)).toBe(before);
    expect((await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "Later", role: "staff" } })).status).toBe(201);
    other.close();
  });
});
