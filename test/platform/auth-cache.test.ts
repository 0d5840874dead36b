/**
 * Authentication remembers callers for a moment (src/http/caller-cache.ts), so a request
 * spends its statements on what it asks for. What must hold all the same: a revoked key is
 * refused on the very next request, a changed organisation is seen at once, and reading a
 * member costs at most a few statements including authentication, fewer once the key is known.
 */
import type { Client, InArgs, InStatement } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createDb } from "../../src/db/index.ts";
import { defaultConfig } from "../../src/deps.ts";
import { CallerCache } from "../../src/http/caller-cache.ts";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { committedDocuments, json, type TestApp, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership } from "../helpers/members.ts";

/** The client, counting every round trip to the database: a statement, or a batch. */
function counting(inner: Client) {
  const counter = { roundTrips: 0 };
  const client: Client = Object.create(inner);
  client.execute = ((stmt: InStatement | string, args?: InArgs) => {
    counter.roundTrips++;
    return args === undefined ? inner.execute(stmt) : inner.execute(stmt as string, args);
  }) as Client["execute"];
  client.batch = (stmts, mode) => {
    counter.roundTrips++;
    return inner.batch(stmts, mode);
  };
  client.transaction = ((mode) => {
    counter.roundTrips++;
    return inner.transaction(mode);
  }) as Client["transaction"];
  return { client, counter };
}

/** A second app over the test's database, as a freshly started server: nothing remembered yet. */
function countedApp(t: TestApp) {
  const { client, counter } = counting(t.database.client);
  const app = createApp({
    db: createDb(client),
    mailer: createMemoryMailer(),
    clock: t.clock,
    config: defaultConfig,
    ...committedDocuments,
  });
  const get = (path: string, key = t.adminKey) => app.request(path, { headers: { Authorization: `Bearer ${key}` } });
  return { get, counter };
}

async function newKey(t: TestApp, role = "staff") {
  const created = await json<{ id: string; secret: string }>(
    await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: `key ${role}`, role } }),
    201,
  );
  return created;
}

describe("callers remembered between requests", () => {
  it("refuses a revoked key on the next request, though it was just used", async () => {
    const t = await testApp();
    const key = await newKey(t);
    expect((await t.request("GET", "/v1/orgs/demo/members", { key: key.secret })).status).toBe(200);
    expect((await t.request("GET", "/v1/orgs/demo/members", { key: key.secret })).status).toBe(200);
    expect((await t.request("DELETE", `/v1/orgs/demo/api-keys/${key.id}`)).status).toBe(204);
    const refused = await t.request("GET", "/v1/orgs/demo/members", { key: key.secret });
    expect(refused.status).toBe(401);
  });

  it("sees an organisation's new time zone on the next request", async () => {
    const t = await testApp();
    // Noon UTC on 21 November: still the 21st in Stockholm, already the 22nd on Kiritimati (UTC+14).
    t.clock.set("2026-11-21T12:00:00.000Z");
    const member = await createMember(t);
    await giveMembership(t, member, await createMembershipType(t), "2026-11-22");
    const status = async () => (await json<{ status: string }>(await t.request("GET", `/v1/orgs/demo/members/${member}`), 200)).status;
    const before = await status();
    expect(before).not.toBe("current");
    const changed = await t.request("PATCH", "/v1/orgs/demo", { body: { timeZone: "Pacific/Kiritimati" } });
    expect(changed.status, await changed.clone().text()).toBe(200);
    expect(await status()).toBe("current");
  });

  it("reads a member in two statements including authentication, and in one once the key is known", async () => {
    const t = await testApp();
    const member = await createMember(t);
    await giveMembership(t, member, await createMembershipType(t));
    const { get, counter } = countedApp(t);

    const first = await get(`/v1/orgs/demo/members/${member}`);
    expect((await json<{ membership: unknown }>(first, 200)).membership).not.toBeNull();
    expect(counter.roundTrips).toBeLessThanOrEqual(2);

    counter.roundTrips = 0;
    expect((await get(`/v1/orgs/demo/members/${member}`)).status).toBe(200);
    expect(counter.roundTrips).toBe(1);
  });

  it("looks up an unknown key every time, and never remembers it", async () => {
    const t = await testApp();
    const { get, counter } = countedApp(t);
    for (let i = 0; i < 3; i++) expect((await get("/v1/orgs/demo/members", "grs_unknownkey0123456789abcdefghij")).status).toBe(401);
    expect(counter.roundTrips).toBe(3);
  });
});

describe("CallerCache", () => {
  it("forgets an entry after its time, keeps at most its size, and ignores a look-up begun before a clear", () => {
    let now = 0;
    const cache = new CallerCache<string>({ ttlMs: 1000, maxEntries: 2, now: () => now });
    cache.set("a", "A", cache.generation);
    now = 999;
    expect(cache.get("a")).toBe("A");
    now = 1000;
    expect(cache.get("a")).toBeUndefined();

    cache.set("a", "A", cache.generation);
    cache.set("b", "B", cache.generation);
    cache.get("a");
    cache.set("c", "C", cache.generation);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual(["A", undefined, "C"]);

    const begun = cache.generation;
    cache.clear();
    cache.set("d", "stale", begun);
    expect(cache.get("d")).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
