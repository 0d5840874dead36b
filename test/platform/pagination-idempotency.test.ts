import { describe, expect, it } from "vitest";
import { idempotencyLeaseMs } from "../../src/http/idempotency.ts";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { problemOf, snapshot, testApp } from "../helpers/app.ts";

describe("cursor pagination", () => {
  it("walks a list in stable order without gaps or repeats", async () => {
    const t = await testApp();
    for (let i = 0; i < 11; i++) {
      t.clock.advance(1);
      expect((await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: `key ${i}`, role: "readonly" } })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await t.request("GET", `/v1/orgs/demo/api-keys?limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      const body = (await response.json()) as { data: { name: string }[]; nextCursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(5);
      seen.push(...body.data.map((k) => k.name));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["Bootstrap admin key", ...Array.from({ length: 11 }, (_, i) => `key ${i}`)]);
  });

  it("defaults to 50 items", async () => {
    const t = await testApp();
    for (let i = 0; i < 51; i++) await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: `k${i}`, role: "readonly" } });
    const body = (await (await t.request("GET", "/v1/orgs/demo/api-keys")).json()) as { data: unknown[]; nextCursor: string | null };
    expect(body.data).toHaveLength(50);
    expect(body.nextCursor).not.toBeNull();
  });
});

describe("Idempotency-Key", () => {
  const body = { name: "Integration", role: "staff" };

  it("replays the first response for a retry with the same body", async () => {
    const t = await testApp();
    const headers = { "Idempotency-Key": "create-area-1" };
    const area = { name: "Södermalm", code: "SOD" };
    const first = await t.request("POST", "/v1/orgs/demo/areas", { body: area, headers });
    const retry = await t.request("POST", "/v1/orgs/demo/areas", { body: area, headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(await retry.json()).toEqual(await first.json());
    const areas = (await (await t.request("GET", "/v1/orgs/demo/areas")).json()) as { data: unknown[] };
    expect(areas.data).toHaveLength(1);
  });

  it("keeps no copy of a secret shown once: a retry learns the key was created, and where, but not its secret", async () => {
    const t = await testApp();
    const headers = { "Idempotency-Key": "create-integration-1" };
    const first = await t.request("POST", "/v1/orgs/demo/api-keys", { body, headers });
    expect(first.status).toBe(201);
    expect(first.headers.get("Cache-Control")).toBe("no-store");
    const { secret } = (await first.json()) as { secret: string };
    const retry = await t.request("POST", "/v1/orgs/demo/api-keys", { body, headers });
    expect(retry.status).toBe(409);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("Location")).toBe(first.headers.get("Location"));
    expect((await problemOf(retry)).detail).toMatch(/shown only once/);
    expect(await snapshot(t.database)).not.toContain(secret);
    const keys = (await (await t.request("GET", "/v1/orgs/demo/api-keys")).json()) as { data: unknown[] };
    expect(keys.data).toHaveLength(2);
  });

  it("answers 422 when the same key comes with another body", async () => {
    const t = await testApp();
    const headers = { "Idempotency-Key": "k-2" };
    await t.request("POST", "/v1/orgs/demo/api-keys", { body, headers });
    const other = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { ...body, name: "Other" }, headers });
    expect(other.status).toBe(422);
    expect((await problemOf(other)).code).toBe("idempotency_key_reused");
  });

  it("keeps keys apart per credential", async () => {
    const t = await testApp();
    const second = (await (await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "admin 2", role: "admin" } })).json()) as {
      secret: string;
    };
    const headers = { "Idempotency-Key": "shared" };
    const a = await t.request("POST", "/v1/orgs/demo/api-keys", { body, headers });
    const b = await t.request("POST", "/v1/orgs/demo/api-keys", { body, headers, key: second.secret });
    expect(b.headers.get("Idempotent-Replayed")).toBeNull();
    expect(((await a.json()) as { id: string }).id).not.toBe(((await b.json()) as { id: string }).id);
  });

  it("tells a retry that arrives while the first is still running to wait until its lease ends", async () => {
    const t = await testApp();
    const first = await t.request("POST", "/v1/orgs/demo/api-keys", { body, headers: { "Idempotency-Key": "busy" } });
    // As if the first request had claimed the key 20 seconds ago and not finished yet.
    t.clock.advance(20_000);
    await t.database.client.execute("UPDATE idempotency_keys SET status = NULL");
    const retry = await t.request("POST", "/v1/orgs/demo/api-keys", { body, headers: { "Idempotency-Key": "busy" } });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(409);
    expect(retry.headers.get("Retry-After")).toBe(String((idempotencyLeaseMs - 20_000) / 1000));
  });

  it("rejects unusable keys", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs/demo/api-keys", { body, headers: { "Idempotency-Key": "x".repeat(300) } });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors?.[0]?.field).toBe("header.idempotency-key");
  });

  it("forgets keys after 24 hours, through the housekeeping job", async () => {
    const t = await testApp();
    const headers = { "Idempotency-Key": "old" };
    await t.request("POST", "/v1/orgs/demo/api-keys", { body, headers });
    const reports = await runScheduled("17 3 * * *", new Date(t.clock.now().getTime() + 25 * 3600_000), t);
    expect(reports).toEqual([
      { job: "housekeeping", ok: true, result: { expiredIdempotencyKeys: 1, endedRateLimitWindows: 0, expiredSignups: 0 } },
    ]);
    t.clock.advance(25 * 3600_000);
    const again = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { ...body, name: "new meaning" }, headers });
    expect(again.status).toBe(201);
  });
});
