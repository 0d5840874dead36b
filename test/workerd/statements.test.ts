/// <reference types="@cloudflare/vitest-plugin/types" />
/**
 * The database work of one Worker request, counted where it arrives: at the bridge, as every
 * round trip to Turso would cost milliseconds. A warm isolate is the same env object asked
 * again (the app, and what it remembers, live per env object: per isolate in production).
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import worker, { type Env } from "../../src/worker.ts";

const adminKey = "grs_workerd-suite-admin-key-0123456789";

async function freshDatabase(): Promise<{ testEnv: Env; name: string }> {
  const response = await fetch(`${inject("bridgeUrl")}/_bridge/databases`, {
    method: "POST",
    body: JSON.stringify({ template: "template" }),
  });
  const { url, name } = (await response.json()) as { url: string; name: string };
  const testEnv = { ...(env as Env), LIBSQL_URL: url, GRASROT_MAIL_TRANSPORT: "outbox", GRASROT_PUBLIC_URL: "https://api.example.org" };
  return { testEnv, name };
}

async function countsOf(name: string): Promise<{ statements: number; roundTrips: number }> {
  const response = await fetch(`${inject("bridgeUrl")}/_bridge/databases/${name}/counts`);
  expect(response.status).toBe(200);
  return response.json();
}

/** One request through the Worker, waiting for what it handed to waitUntil; with what it sent to the database. */
async function request(
  database: { testEnv: Env; name: string },
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; status: number },
) {
  const headers = new Headers();
  const key = options.key === undefined ? adminKey : options.key;
  if (key) headers.set("Authorization", `Bearer ${key}`);
  if (options.body !== undefined) headers.set("Content-Type", "application/json");
  const before = await countsOf(database.name);
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://grasrot.test/v1/orgs/demo${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }) as Request<unknown, IncomingRequestCfProperties>,
    database.testEnv,
    ctx,
  );
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  expect(response.status, text).toBe(options.status);
  const after = await countsOf(database.name);
  return {
    body: (text ? JSON.parse(text) : null) as Record<string, unknown>,
    statements: after.statements - before.statements,
    roundTrips: after.roundTrips - before.roundTrips,
  };
}

/** The same database seen by an isolate that has not served a request yet (a new env object gets a new app). */
const coldIsolate = (database: { testEnv: Env; name: string }) => ({ ...database, testEnv: { ...database.testEnv } });

describe("database statements of one Worker request", () => {
  it("reads a member by id with an API key in at most 3 statements on a warm isolate, authentication included", async () => {
    const database = await freshDatabase();
    const member = await request(database, "POST", "/members", {
      body: { name: "Anna Andersson", email: "anna@example.org" },
      status: 201,
    });
    const isolate = coldIsolate(database);
    await request(isolate, "GET", `/members/${member.body.id}`, { status: 200 });
    const warm = await request(isolate, "GET", `/members/${member.body.id}`, { status: 200 });
    expect(warm.statements).toBeLessThanOrEqual(3);
  });

  it("answers /me with a member token in at most 3 statements on a warm isolate: the token's key is not read again", async () => {
    const database = await freshDatabase();
    await request(database, "POST", "/members", { body: { name: "Anna Andersson", email: "anna@example.org" }, status: 201 });
    await request(database, "POST", "/auth/magic-link", { key: null, body: { email: "anna@example.org" }, status: 202 });
    const outbox = await request(database, "GET", "/outbox", { status: 200 });
    const message = await request(database, "GET", `/outbox/${(outbox.body.data as { id: string }[])[0]?.id}`, { status: 200 });
    const code = /inloggningskod: (\S+)/.exec(String(message.body.text))?.[1];
    const token = String((await request(database, "POST", "/auth/token", { key: null, body: { code }, status: 200 })).body.token);

    const isolate = coldIsolate(database);
    await request(isolate, "GET", "/me", { key: token, status: 200 });
    // Whether the member still exists and the member's record; the organisation too once the second it is remembered for has passed.
    const warm = await request(isolate, "GET", "/me", { key: token, status: 200 });
    expect(warm.statements).toBeLessThanOrEqual(3);
  });
});
