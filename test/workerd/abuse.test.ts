/// <reference types="@cloudflare/vitest-plugin/types" />
/**
 * The limits on Workers: the Rate Limiting bindings of wrangler.toml count where they are
 * configured, the database counts the rest, and a client is its CF-Connecting-IP.
 */

import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createClient } from "@libsql/client/web";
import { describe, expect, inject, it } from "vitest";
import { limits } from "../../src/abuse/limits.ts";
import worker, { type Env } from "../../src/worker.ts";

const operatorKey = "operator-key-for-workerd-tests";

async function freshEnv(): Promise<Env> {
  const response = await fetch(`${inject("bridgeUrl")}/_bridge/databases`, {
    method: "POST",
    body: JSON.stringify({ template: "template" }),
  });
  const { url } = (await response.json()) as { url: string };
  return { ...(env as Env), LIBSQL_URL: url, GRASROT_MAIL_TRANSPORT: "outbox", GRASROT_PUBLIC_URL: "https://api.example.org" };
}

async function call(testEnv: Env, method: string, path: string, init: { key?: string; body?: unknown; headers?: Record<string, string> }) {
  const headers = new Headers(init.headers);
  if (init.key) headers.set("Authorization", `Bearer ${init.key}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const request = new Request(`https://grasrot.test${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  }) as Request<unknown, IncomingRequestCfProperties>;
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Requests until the first 429; the binding's windows are real minutes, so a run may span two. */
async function untilRefused(limit: number, send: () => Promise<Response>) {
  for (let sent = 1; sent <= 2 * limit + 1; sent++) {
    const response = await send();
    if (response.status === 429) return { sent, response };
    expect(response.status).toBeLessThan(300);
  }
  throw new Error(`no 429 within ${2 * limit + 1} requests`);
}

async function counterRows(testEnv: Env) {
  const client = createClient({ url: testEnv.LIBSQL_URL as string });
  const result = await client.execute("SELECT count(*) AS n FROM rate_limit_counters");
  client.close();
  return Number(result.rows[0]?.n);
}

describe("abuse limits in workerd", () => {
  it("limits POST /v1/tally per API key with the RATE_LIMIT_TALLY binding, not the database", async () => {
    const testEnv = await freshEnv();
    expect(typeof testEnv.RATE_LIMIT_TALLY?.limit).toBe("function");
    // A key of its own, so no other test's counts share its bucket.
    const created = await call(testEnv, "POST", "/v1/orgs", { key: operatorKey, body: { slug: "auditors", name: "Auditors" } });
    const key = ((await created.json()) as { adminKey: { secret: string } }).adminKey.secret;
    const body = { method: "plurality", seats: 1, candidates: ["A", "B"], ballots: [{ weight: 1, ranking: ["A"] }] };

    const { sent, response } = await untilRefused(limits.tallyPerApiKey.limit, () => call(testEnv, "POST", "/v1/tally", { key, body }));
    expect(sent).toBeGreaterThan(limits.tallyPerApiKey.limit);
    expect(response.headers.get("Retry-After")).toBe("60");
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await counterRows(testEnv)).toBe(0);
  });

  it("tells clients apart by CF-Connecting-IP, never by X-Forwarded-For", async () => {
    const testEnv = await freshEnv();
    const ask = (ip: string, email: string, forwardedFor = "192.0.2.1") =>
      call(testEnv, "POST", "/v1/orgs/demo/auth/magic-link", {
        body: { email },
        headers: { "CF-Connecting-IP": ip, "X-Forwarded-For": `${forwardedFor}, ${ip}` },
      });
    let n = 0;
    const { response } = await untilRefused(limits.signInMailPerClient.limit, () =>
      ask("203.0.113.77", `p${n++}@example.org`, `192.0.2.${n}`),
    );
    expect(response.headers.get("Retry-After")).toBe("60");
    expect((await ask("203.0.113.78", "other@example.org")).status).toBe(202);
  });

  it("bounds wrong codes per client in the database", async () => {
    const testEnv = await freshEnv();
    const guess = (ip: string, i: number) =>
      call(testEnv, "POST", "/v1/orgs/demo/auth/token", { body: { code: `guess-${i}` }, headers: { "CF-Connecting-IP": ip } });
    const statuses: number[] = [];
    for (let i = 0; i <= limits.signInFailuresPerClient.limit; i++) statuses.push((await guess("203.0.113.90", i)).status);
    expect(statuses).toEqual([...Array(limits.signInFailuresPerClient.limit).fill(401), 429]);
    expect((await guess("203.0.113.91", 0)).status).toBe(401);
    expect(await counterRows(testEnv)).toBe(2);
  });
});
