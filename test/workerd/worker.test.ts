/// <reference types="@cloudflare/vitest-plugin/types" />
import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import worker, { type Env } from "../../src/worker.ts";

const adminKey = "grs_workerd-suite-admin-key-0123456789";
const operatorKey = "operator-key-for-workerd-tests";

/** A fresh copy of the migrated template, served by the bridge, as the Worker's LIBSQL_URL. */
async function freshEnv(): Promise<Env> {
  const response = await fetch(`${inject("bridgeUrl")}/_bridge/databases`, {
    method: "POST",
    body: JSON.stringify({ template: "template" }),
  });
  expect(response.status).toBe(201);
  const { url } = (await response.json()) as { url: string };
  return { ...(env as Env), LIBSQL_URL: url };
}

async function call(
  testEnv: Env,
  method: string,
  path: string,
  init: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers = new Headers(init.headers);
  const key = init.key === undefined ? adminKey : init.key;
  if (key) headers.set("Authorization", `Bearer ${key}`);
  if (init.body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const body = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const ctx = createExecutionContext();
  const request = new Request(`https://grasrot.test${path}`, { method, headers, body }) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("the Worker in workerd, over libSQL's HTTP protocol", () => {
  it("is healthy, with the database reachable and migrated", async () => {
    const response = await call(await freshEnv(), "GET", "/v1/health", { key: null });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; database: { migrations: { applied: number } } };
    expect(body.status).toBe("ok");
    expect(body.database.migrations.applied).toBeGreaterThan(0);
  });

  it("authenticates with API keys and keeps tenants apart", async () => {
    const testEnv = await freshEnv();
    expect((await call(testEnv, "GET", "/v1/orgs/demo", { key: null })).status).toBe(401);
    const read = await call(testEnv, "GET", "/v1/orgs/demo");
    expect(read.status).toBe(200);
    expect(((await read.json()) as { slug: string }).slug).toBe("demo");

    const created = await call(testEnv, "POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } });
    expect(created.status).toBe(201);
    const otherKey = ((await created.json()) as { adminKey: { secret: string } }).adminKey.secret;
    expect((await call(testEnv, "GET", "/v1/orgs/other", { key: otherKey })).status).toBe(200);
    expect((await call(testEnv, "GET", "/v1/orgs/demo", { key: otherKey })).status).toBe(404);
  });

  it("writes, and honours If-Match across requests", async () => {
    const testEnv = await freshEnv();
    const first = await call(testEnv, "PATCH", "/v1/orgs/demo", { body: { name: "Forum" }, headers: { "If-Match": '"1"' } });
    expect(first.status).toBe(200);
    expect(first.headers.get("ETag")).toBe('"2"');
    const stale = await call(testEnv, "PATCH", "/v1/orgs/demo", { body: { name: "Lost" }, headers: { "If-Match": '"1"' } });
    expect(stale.status).toBe(412);
    const read = await call(testEnv, "GET", "/v1/orgs/demo");
    expect(((await read.json()) as { name: string }).name).toBe("Forum");
  });

  it("replays idempotent creations and forgets the keys in the scheduled housekeeping", async () => {
    const testEnv = await freshEnv();
    const headers = { "Idempotency-Key": "workerd-1" };
    const body = { name: "Frontend", role: "staff" };
    const first = await call(testEnv, "POST", "/v1/orgs/demo/api-keys", { body, headers });
    const retry = await call(testEnv, "POST", "/v1/orgs/demo/api-keys", { body, headers });
    expect(first.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await call(testEnv, "POST", "/v1/orgs/demo/api-keys", { body: { ...body, name: "Other" }, headers })).status).toBe(422);

    const controller = createScheduledController({ cron: "17 3 * * *", scheduledTime: Date.now() + 25 * 3600_000 });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, testEnv, ctx);
    await waitOnExecutionContext(ctx);

    const reused = await call(testEnv, "POST", "/v1/orgs/demo/api-keys", { body: { ...body, name: "Other" }, headers });
    expect(reused.status).toBe(201);
  });

  it("creates once with an Idempotency-Key, the handler's batch and the stored response in one transaction", async () => {
    const testEnv = await freshEnv();
    const headers = { "Idempotency-Key": "workerd-member-1" };
    const body = { name: "Ada Lind", email: "ada@example.org", postalCode: "11455" };
    const first = await call(testEnv, "POST", "/v1/orgs/demo/members", { body, headers });
    expect(first.status).toBe(201);
    const retry = await call(testEnv, "POST", "/v1/orgs/demo/members", { body, headers });
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(((await retry.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    const list = (await (await call(testEnv, "GET", "/v1/orgs/demo/members")).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(1);
  });

  it("keeps the error contract", async () => {
    const testEnv = await freshEnv();
    const malformed = await call(testEnv, "PATCH", "/v1/orgs/demo", { body: "{oops" });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await call(testEnv, "GET", "/v1/nowhere")).status).toBe(404);
    expect((await call(testEnv, "PUT", "/v1/health")).status).toBe(405);
    expect((await call(testEnv, "GET", "/v1/orgs/demo/api-keys/x")).status).toBe(422);
    const revokeLast = await call(testEnv, "GET", "/v1/orgs/demo/api-keys");
    const onlyKey = ((await revokeLast.json()) as { data: { id: string }[] }).data[0]?.id;
    expect((await call(testEnv, "DELETE", `/v1/orgs/demo/api-keys/${onlyKey}`)).status).toBe(409);
  });

  it("answers a missing LIBSQL_URL binding with a 503 problem, not a crash", async () => {
    const { LIBSQL_URL: _, ...rest } = env as Env;
    const response = await call(rest as Env, "GET", "/v1/health", { key: null });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("service_unavailable");
  });

  it("answers a WebSocket LIBSQL_URL with a 503 problem: the Worker connects over HTTP", async () => {
    const response = await call({ ...(env as Env), LIBSQL_URL: "wss://db.example.org" }, "GET", "/v1/health", { key: null });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("service_unavailable");
  });

  it("serves the committed OpenAPI document", async () => {
    const response = await call(await freshEnv(), "GET", "/v1/openapi.yaml", { key: null });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# Generated by `npm run openapi`/);
  });

  it("works as deployed: the configured main Worker with its bindings", async () => {
    const response = await SELF.fetch("https://grasrot.test/v1/orgs/demo", { headers: { Authorization: `Bearer ${adminKey}` } });
    expect(response.status).toBe(200);
  });

  it("refuses a slash or backslash hidden in a path segment with 404, as deployed", async () => {
    const headers = { Authorization: `Bearer ${adminKey}` };
    // fetch resolves '..' segments before the Worker runs (test/platform/worker-paths.test.ts sends them raw);
    // encoded separators survive it and reach the Worker's guard.
    expect(new Request("https://grasrot.test/v1/orgs/demo/groups/%2e%2e/members").url).toBe("https://grasrot.test/v1/orgs/demo/members");
    for (const path of [
      "/v1/orgs/demo/members/a%2Fb",
      "/v1/orgs/demo/groups/x%5C..%5C..%5Cmembers",
      "/v1/orgs/demo/groups/..%2f..%2fmembers",
    ]) {
      const response = await SELF.fetch(`https://grasrot.test${path}`, { headers });
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe("not_found");
    }
  });
});
