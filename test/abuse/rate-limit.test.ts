/**
 * The one limiter every limit uses: fixed windows counted in the database (shared by every
 * process on it) or by a Workers binding; how a client is told apart; and the limit on
 * POST /v1/tally per API key.
 */
import { readFileSync } from "node:fs";
import { createClient } from "@libsql/client";
import { Hono } from "hono";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { clientAddress, clientKey } from "../../src/abuse/client-address.ts";
import { limits } from "../../src/abuse/limits.ts";
import { databaseRateLimiter, type RateLimitRule, withRateLimitBindings } from "../../src/abuse/rate-limit.ts";
import { readConfig } from "../../src/config.ts";
import { createDb } from "../../src/db/index.ts";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { committedOpenApi, fixedClock, problemOf, settledRequest, type TestApp, testApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/database.ts";

const rule: RateLimitRule = { name: "test/rule", limit: 3, windowSeconds: 60 };

async function limiterOnFreshDatabase() {
  const database = await freshDatabase();
  const clock = fixedClock("2026-11-21T08:00:00.000Z");
  const db = createDb(database.client);
  return { database, clock, db, limiter: databaseRateLimiter(db, clock) };
}

describe("the database limiter", () => {
  it("allows `limit` events per window, then refuses until the window ends", async () => {
    const { database, clock, limiter } = await limiterOnFreshDatabase();
    for (let i = 0; i < 3; i++) expect(await limiter.hit(rule, "k")).toEqual({ allowed: true, retryAfterSeconds: 0 });
    clock.advance(15_500);
    expect(await limiter.hit(rule, "k")).toEqual({ allowed: false, retryAfterSeconds: 45 });
    // Other keys and other rules count on their own.
    expect((await limiter.hit(rule, "other")).allowed).toBe(true);
    expect((await limiter.hit({ ...rule, name: "test/another" }, "k")).allowed).toBe(true);
    clock.advance(44_500);
    expect(await limiter.hit(rule, "k")).toEqual({ allowed: true, retryAfterSeconds: 0 });
    database.close();
  });

  it("checks without counting, for limits on failures", async () => {
    const { database, limiter } = await limiterOnFreshDatabase();
    for (let i = 0; i < 5; i++) expect((await limiter.check(rule, "k")).allowed).toBe(true);
    for (let i = 0; i < 2; i++) await limiter.hit(rule, "k");
    expect((await limiter.check(rule, "k")).allowed).toBe(true);
    await limiter.hit(rule, "k");
    expect(await limiter.check(rule, "k")).toEqual({ allowed: false, retryAfterSeconds: 60 });
    database.close();
  });

  it("keeps no key in clear", async () => {
    const { database, limiter } = await limiterOnFreshDatabase();
    await limiter.hit(rule, "signe@example.org");
    const rows = await database.client.execute("SELECT * FROM rate_limit_counters");
    expect(JSON.stringify(rows.rows)).not.toContain("signe");
    expect(String(rows.rows[0]?.key)).toMatch(/^[0-9a-f]{64}$/);
    database.close();
  });

  it("is shared by every process on one database file (the server and npm run tick)", async () => {
    const { database, clock, limiter } = await limiterOnFreshDatabase();
    const second = createClient({ url: `file:${database.path}` });
    const elsewhere = databaseRateLimiter(createDb(second), clock);
    await limiter.hit(rule, "k");
    await elsewhere.hit(rule, "k");
    await Promise.all([limiter.hit(rule, "k"), elsewhere.hit(rule, "k")]);
    expect((await elsewhere.hit(rule, "k")).allowed).toBe(false);
    const rows = await database.client.execute("SELECT hits FROM rate_limit_counters");
    expect(rows.rows.map((row) => Number(row.hits))).toEqual([5]);
    second.close();
    database.close();
  });

  it("forgets ended windows in the daily housekeeping", async () => {
    const { database, clock, db, limiter } = await limiterOnFreshDatabase();
    await limiter.hit(rule, "old");
    await limiter.hit({ ...rule, windowSeconds: 3600 }, "long");
    const reports = await runScheduled("17 3 * * *", new Date(clock.now().getTime() + 60_000), {
      db,
      mailer: { send: async () => ({ messageId: "" }) },
      clock,
    });
    expect(reports[0]?.result).toMatchObject({ endedRateLimitWindows: 1 });
    expect((await database.client.execute("SELECT count(*) AS n FROM rate_limit_counters")).rows[0]?.n).toBe(1);
    database.close();
  });
});

describe("Workers Rate Limiting bindings", () => {
  it("count the rules that name a configured binding, and the database everything else", async () => {
    const { database, limiter } = await limiterOnFreshDatabase();
    const seen: string[] = [];
    let remaining = 2;
    const limit = async ({ key }: { key: string }) => {
      seen.push(key);
      return { success: remaining-- > 0 };
    };
    const bindings = { RATE_LIMIT_TEST: { limit } };
    const withBinding = withRateLimitBindings(bindings, limiter);
    const bound = { ...rule, binding: "RATE_LIMIT_TEST" };
    expect((await withBinding.hit(bound, "k")).allowed).toBe(true);
    expect((await withBinding.hit(bound, "k")).allowed).toBe(true);
    expect(await withBinding.hit(bound, "k")).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(seen).toEqual(["k", "k", "k"]);
    expect((await database.client.execute("SELECT count(*) AS n FROM rate_limit_counters")).rows[0]?.n).toBe(0);
    // A rule whose binding is not configured, and a rule without one, count in the database.
    await withBinding.hit({ ...rule, name: "test/unbound", binding: "RATE_LIMIT_MISSING" }, "k");
    await withBinding.hit(rule, "k");
    expect((await database.client.execute("SELECT count(*) AS n FROM rate_limit_counters")).rows[0]?.n).toBe(2);
    database.close();
  });

  it("are configured in wrangler.toml with exactly the rules' numbers", () => {
    const toml = parseToml(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8")) as {
      ratelimits?: { name: string; namespace_id: string; simple: { limit: number; period: number } }[];
    };
    const configured = Object.fromEntries((toml.ratelimits ?? []).map((r) => [r.name, r.simple]));
    const bound = Object.values(limits).filter((r): r is RateLimitRule & { binding: string } => "binding" in r && !!r.binding);
    expect(bound.length).toBeGreaterThan(0);
    expect(Object.keys(configured).sort()).toEqual(bound.map((r) => r.binding).sort());
    for (const r of bound) {
      expect(configured[r.binding], r.binding).toEqual({ limit: r.limit, period: r.windowSeconds });
      expect([10, 60]).toContain(r.windowSeconds);
    }
  });
});

describe("who the client is", () => {
  it("counts an IPv4 address as it is and an IPv6 address as its /64", () => {
    expect(clientKey("198.51.100.7")).toBe("198.51.100.7");
    expect(clientKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(clientKey("198.51.100.7:5123")).toBe("198.51.100.7");
    expect(clientKey("2001:DB8:0001:0002:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:db8:1:2::")).toBe("2001:db8:1:2::/64");
    expect(clientKey("[2001:db8:1:2::9]:443")).toBe("2001:db8:1:2::/64");
    expect(clientKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey("not-an-address")).toBe("not-an-address");
  });

  function probe(hops: number) {
    const app = new Hono().get("/", (c) => c.text(clientAddress(c, hops)));
    return async (headers: Record<string, string>, remoteAddress?: string) =>
      (await app.request("/", { headers }, remoteAddress ? { incoming: { socket: { remoteAddress } } } : undefined)).text();
  }

  it("takes the socket's address on Node and believes no header by default", async () => {
    const ask = probe(0);
    expect(await ask({}, "198.51.100.7")).toBe("198.51.100.7");
    expect(await ask({ "X-Forwarded-For": "203.0.113.1", "CF-Connecting-IP": "203.0.113.2" }, "198.51.100.7")).toBe("198.51.100.7");
    const nested = new Hono().get("/", (c) => c.text(clientAddress(c)));
    expect(await (await nested.request("/", {}, { server: { incoming: { socket: { remoteAddress: "192.0.2.5" } } } })).text()).toBe(
      "192.0.2.5",
    );
    // app.request in tests has no socket: one shared client.
    expect(await ask({})).toBe("unknown");
  });

  it("behind trusted proxies, takes the address the outermost one saw, never the client's own say", async () => {
    const one = probe(1);
    expect(await one({ "X-Forwarded-For": "203.0.113.9" }, "10.0.0.2")).toBe("203.0.113.9");
    expect(await one({ "X-Forwarded-For": "6.6.6.6, 203.0.113.9" }, "10.0.0.2")).toBe("203.0.113.9");
    expect(await one({}, "10.0.0.2")).toBe("10.0.0.2");
    const two = probe(2);
    expect(await two({ "X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.0.0.1" }, "10.0.0.2")).toBe("203.0.113.9");
  });

  it("reads the number of trusted proxies from GRASROT_TRUSTED_PROXY_HOPS", () => {
    expect(readConfig({}).app.trustedProxyHops).toBe(0);
    expect(readConfig({ GRASROT_TRUSTED_PROXY_HOPS: "2" }).app.trustedProxyHops).toBe(2);
    expect(() => readConfig({ GRASROT_TRUSTED_PROXY_HOPS: "yes" })).toThrow(/GRASROT_TRUSTED_PROXY_HOPS/);
    expect(() => readConfig({ GRASROT_TRUSTED_PROXY_HOPS: "-1" })).toThrow(/GRASROT_TRUSTED_PROXY_HOPS/);
  });

  it("limits the client a trusted proxy names when the deployment says it has one", async () => {
    const t = await testApp({ trustedProxyHops: 1 });
    const ask = (forwardedFor: string, email: string) =>
      settledRequest(
        t.app,
        "/v1/orgs/demo/auth/magic-link",
        {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Forwarded-For": forwardedFor },
          body: JSON.stringify({ email }),
        },
        { incoming: { socket: { remoteAddress: "10.0.0.2" } } },
      );
    for (let i = 0; i < limits.signInMailPerClient.limit; i++) expect((await ask("203.0.113.9", `p${i}@example.org`)).status).toBe(202);
    expect((await ask("203.0.113.9", "late@example.org")).status).toBe(429);
    // Everyone else behind the same proxy is someone else.
    expect((await ask("203.0.113.10", "late@example.org")).status).toBe(202);
  });
});

describe("POST /v1/tally per API key", () => {
  const body = { method: "plurality", seats: 1, candidates: ["A", "B"], ballots: [{ weight: 1, ranking: ["A"] }] };
  const tally = (t: TestApp, key: string | null) => t.request("POST", "/v1/tally", { key, body });

  it("counts 60 times a minute per key, then answers 429 with Retry-After until the minute is over", async () => {
    const t = await testApp();
    const created = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "auditor", role: "readonly" } });
    const auditor = ((await created.json()) as { secret: string }).secret;
    for (let i = 0; i < 60; i++) expect((await tally(t, t.adminKey)).status).toBe(200);
    t.clock.advance(20_000);
    const refused = await tally(t, t.adminKey);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("40");
    expect((await problemOf(refused)).code).toBe("too_many_requests");
    // Another key counts on its own; requests without a key are the route's to refuse.
    expect((await tally(t, auditor)).status).toBe(200);
    expect((await tally(t, null)).status).toBe(401);
    t.clock.advance(40_000);
    expect((await tally(t, t.adminKey)).status).toBe(200);
  });
});

describe("the OpenAPI document", () => {
  const document = parseYaml(committedOpenApi) as {
    paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
  };

  it("documents 429 with Retry-After on every limited operation", () => {
    for (const [path, method] of [
      ["/v1/orgs/{org}/auth/magic-link", "post"],
      ["/v1/orgs/{org}/auth/token", "post"],
      ["/v1/tally", "post"],
    ] as const) {
      const response = document.paths[path]?.[method]?.responses["429"];
      expect(response, `${method} ${path}`).toBeDefined();
      expect(response?.headers).toHaveProperty("Retry-After");
    }
  });
});
