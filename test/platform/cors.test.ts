/**
 * CORS, as a third-party frontend in a browser meets it: every response (errors included)
 * says which origin may read it and which headers it may see, and preflights are answered.
 */
import { describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";

const exposed = "ETag,Location,X-Request-Id,Idempotent-Replayed,Retry-After";

describe("CORS", () => {
  it("lets any origin read answers and their headers when the deployment allows every origin", async () => {
    const t = await testApp();
    const ok = await t.request("GET", `/v1/orgs/${t.org}`, { headers: { Origin: "https://app.example" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(ok.headers.get("Access-Control-Expose-Headers")).toBe(exposed);
    expect(ok.headers.get("Vary")).toBeNull();
    const missing = await t.request("GET", `/v1/orgs/${t.org}/members/0190aaaa-0000-7000-8000-000000000000`, {
      headers: { Origin: "https://app.example" },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(missing.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("names only the origins it was given, and varies by origin", async () => {
    const t = await testApp({ corsOrigins: ["https://app.example"] });
    const allowed = await t.request("GET", `/v1/orgs/${t.org}`, { headers: { Origin: "https://app.example" } });
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    expect(allowed.headers.get("Vary")).toContain("Origin");
    const other = await t.request("GET", `/v1/orgs/${t.org}`, { headers: { Origin: "https://elsewhere.example" } });
    expect(other.status).toBe(200);
    expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(other.headers.get("Vary")).toContain("Origin");
  });

  it("answers a preflight with the methods, the headers a request may send, and how long to remember it", async () => {
    const t = await testApp({ corsOrigins: ["https://app.example"] });
    const response = await t.request("OPTIONS", `/v1/orgs/${t.org}/members`, {
      key: null,
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "If-Match" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("PATCH");
    expect(response.headers.get("Access-Control-Allow-Headers")).toBe("Authorization,Content-Type,If-Match,Idempotency-Key,X-Request-Id");
    expect(response.headers.get("Access-Control-Max-Age")).toBe("86400");
  });
});
