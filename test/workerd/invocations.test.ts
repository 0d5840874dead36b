/// <reference types="@cloudflare/vitest-plugin/types" />
/**
 * Each invocation of the Worker has its own database client, closed once the invocation is
 * done: after the response body has been read and the tasks handed to waitUntil have settled.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { type Client, createClient } from "@libsql/client/web";
import { describe, expect, inject, it, vi } from "vitest";
import { createWorker, type Env } from "../../src/worker.ts";

const adminKey = "grs_workerd-suite-admin-key-0123456789";

/** The Worker as deployed, but keeping every database client it makes, to see when each is closed. */
const clients: Client[] = [];
const worker = createWorker((config) => {
  const client = createClient(config);
  clients.push(client);
  return client;
});

async function freshEnv(): Promise<Env> {
  const response = await fetch(`${inject("bridgeUrl")}/_bridge/databases`, {
    method: "POST",
    body: JSON.stringify({ template: "template" }),
  });
  expect(response.status).toBe(201);
  const { url } = (await response.json()) as { url: string };
  return { ...(env as Env), LIBSQL_URL: url };
}

/** Calls the Worker as the runtime does, and waits for what it handed to waitUntil, not for the body. */
async function call(testEnv: Env, path: string, key: string | null = adminKey) {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = key ? { Authorization: `Bearer ${key}` } : {};
  const request = new Request(`https://grasrot.test${path}`, { headers }) as Request<unknown, IncomingRequestCfProperties>;
  const before = clients.length;
  const response = await worker.fetch(request, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  expect(clients.length, "one client per request").toBe(before + 1);
  return { response, client: clients[before] as Client };
}

describe("the database client of an invocation", () => {
  it("is closed once the response has been read", async () => {
    const { response, client } = await call(await freshEnv(), "/v1/orgs/demo");
    expect(response.status).toBe(200);
    await response.json();
    await vi.waitFor(() => expect(client.closed).toBe(true));
  });

  it("stays open while a streamed export is still being read from the database", async () => {
    const { response, client } = await call(await freshEnv(), "/v1/orgs/demo/members.csv");
    expect(response.status).toBe(200);
    // The handler has returned and its tasks are done; the rows are read only now.
    expect(client.closed).toBe(false);
    expect(await response.text()).toMatch(/^member_?number|^"?[a-z]/i);
    await vi.waitFor(() => expect(client.closed).toBe(true));
  });

  it("is closed after a response without a body", async () => {
    const testEnv = await freshEnv();
    const ctx = createExecutionContext();
    const before = clients.length;
    const response = await worker.fetch(
      new Request("https://grasrot.test/v1/orgs/demo", {
        method: "OPTIONS",
        headers: { Origin: "https://app.example", "Access-Control-Request-Method": "GET" },
      }) as Request<unknown, IncomingRequestCfProperties>,
      testEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(204);
    await vi.waitFor(() => expect(clients[before]?.closed).toBe(true));
  });

  it("is closed when a scheduled run is done", async () => {
    const testEnv = await freshEnv();
    const ctx = createExecutionContext();
    const before = clients.length;
    await worker.scheduled(
      createScheduledController({ cron: "* * * * *", scheduledTime: Date.parse("2026-11-21T08:00:00Z") }),
      testEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(clients.length).toBe(before + 1);
    expect(clients[before]?.closed).toBe(true);
  });
});
