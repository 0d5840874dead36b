import { describe, expect, it } from "vitest";
import { problemOf, snapshot, testApp } from "../helpers/app.ts";

describe("the error contract", () => {
  it("answers unknown routes with a 404 problem", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/nothing-here");
    expect(response.status).toBe(404);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ type: "urn:grasrot:problem:not_found", code: "not_found", title: "Not found" });
    expect(problem.detail).toContain("/v1/nothing-here");
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const t = await testApp();
    const response = await t.request("DELETE", "/v1/orgs/demo");
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, PATCH, HEAD");
    expect((await problemOf(response)).code).toBe("method_not_allowed");
  });

  it("rejects malformed JSON with 400 and changes nothing", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const response = await t.request("PATCH", "/v1/orgs/demo", { body: '{"name": "x",' });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe("malformed_body");
    expect(await snapshot(t.database)).toBe(before);
  });

  it("rejects a body of the wrong content type with 415 and changes nothing", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded"]) {
      const response = await t.request("POST", "/v1/orgs/demo/api-keys", {
        body: '{"name":"k","role":"staff"}',
        headers: { "Content-Type": contentType },
      });
      expect(response.status).toBe(415);
      expect((await problemOf(response)).code).toBe("unsupported_media_type");
    }
    const missing = await t.app.request("/v1/orgs/demo", { method: "PATCH", headers: { Authorization: `Bearer ${t.adminKey}` } });
    expect(missing.status).toBe(415);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("rejects oversized bodies with 413 and changes nothing", async () => {
    const t = await testApp({ maxBodyBytes: 2048 });
    const before = await snapshot(t.database);
    const response = await t.request("PATCH", "/v1/orgs/demo", { body: { name: "x".repeat(5000) } });
    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe("payload_too_large");
    expect(await snapshot(t.database)).toBe(before);
  });

  it("rejects a streamed oversized body without a length with 413", async () => {
    const t = await testApp({ maxBodyBytes: 2048 });
    const chunk = new TextEncoder().encode(`{"name":"${"y".repeat(4000)}"}`);
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await t.app.request("/v1/orgs/demo", {
      method: "PATCH",
      headers: { Authorization: `Bearer ${t.adminKey}`, "Content-Type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("rejects bad path ids with a 422 naming the field", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/orgs/demo/api-keys/not-an-id");
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe("validation_failed");
    expect(problem.errors).toEqual([{ field: "path.id", message: expect.any(String) }]);
  });

  it("answers a well-formed unknown id with 404", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/orgs/demo/api-keys/01a1fc82-9876-7000-8000-000000000000");
    expect(response.status).toBe(404);
  });

  it("lists every invalid field of a body, and changes nothing", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const response = await t.request("PATCH", "/v1/orgs/demo", {
      body: { name: "", timeZone: "Mars/Olympus", locale: 42, surprise: true },
    });
    expect(response.status).toBe(422);
    const fields = (await problemOf(response)).errors?.map((e) => e.field).sort();
    expect(fields).toEqual(["body", "body.locale", "body.name", "body.timeZone"]);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("validates query parameters", async () => {
    const t = await testApp();
    for (const query of ["limit=0", "limit=201", "limit=abc", "cursor=%%%"]) {
      const response = await t.request("GET", `/v1/orgs/demo/api-keys?${query}`);
      expect([400, 422]).toContain(response.status);
      await problemOf(response);
    }
    const junkCursor = await t.request("GET", "/v1/orgs/demo/api-keys?cursor=bm90IGEgY3Vyc29y");
    expect(junkCursor.status).toBe(422);
    expect((await problemOf(junkCursor)).errors?.[0]?.field).toBe("query.cursor");
  });

  it("rejects a malformed org slug in the path", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/orgs/NOT_A_SLUG");
    expect([404, 422]).toContain(response.status);
    await problemOf(response);
  });

  it("keeps the client's request id when it is sane, and makes one otherwise", async () => {
    const t = await testApp();
    const kept = await t.request("GET", "/v1/nowhere", { headers: { "X-Request-Id": "trace-123" } });
    expect(kept.headers.get("X-Request-Id")).toBe("trace-123");
    expect((await problemOf(kept)).requestId).toBe("trace-123");
    const replaced = await t.request("GET", "/v1/nowhere", { headers: { "X-Request-Id": "bad id with spaces <script>" } });
    expect(replaced.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("never shows a stack trace: a failing database gives a generic 500 problem", async () => {
    const t = await testApp();
    t.database.client.close();
    const response = await t.request("GET", "/v1/orgs/demo/api-keys");
    expect(response.status).toBe(500);
    const problem = await problemOf(response);
    expect(problem.code).toBe("internal_error");
    expect(JSON.stringify(problem)).not.toMatch(/at |\.ts|Error:|stack/i);
  });

  it("reports an unreachable database on /v1/health as 503", async () => {
    const t = await testApp();
    t.database.client.close();
    const response = await t.request("GET", "/v1/health", { key: null });
    expect(response.status).toBe(503);
    expect((await problemOf(response)).code).toBe("service_unavailable");
  });

  it("answers a URL with broken percent-encoding with a 4xx problem", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/orgs/%E0%A4%A");
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});
