/**
 * A path parameter is only ever what the client wrote: `..`, `.` and their percent-encoded
 * forms, and slashes hidden in a segment, never take a request to another route. URL parsing
 * (fetch, `new Request`, @hono/node-server) would resolve `/groups/%2e%2e/members/{id}` to
 * `/members/{id}`, so these tests also go through a real server with raw HTTP requests.
 */
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { describe, expect, it } from "vitest";
import { problemOf, snapshot, testApp } from "../helpers/app.ts";
import { createActiveMember } from "../helpers/members.ts";

const unroutable = ["..", ".", "%2e%2e", "%2E%2e", "%2f", "a%2fb"];

/** A well-formed value for each non-id path parameter; every other one is an id. */
const sampleParams: Record<string, string> = {
  org: "demo",
  postalCode: "11455",
  start: "2026-12-01T17:00:00.000Z",
  hash: "0".repeat(64),
  kind: "monthly_group",
  token: "cal_0123456789abcdefghijABCDEFGHIJ01",
};

describe("path parameters", () => {
  it("never reach another route through an encoded '..' (a group's roster path does not erase a member)", async () => {
    const t = await testApp();
    const member = await createActiveMember(t);
    const before = await snapshot(t.database);

    const erase = await t.request("DELETE", `/v1/orgs/demo/groups/%2e%2e/members/${member}`);
    expect(erase.status).toBe(404);
    expect((await problemOf(erase)).code).toBe("not_found");
    const roster = await t.request("GET", "/v1/orgs/demo/groups/%2E%2E/members");
    expect(roster.status).toBe(404);
    await problemOf(roster);

    expect(await snapshot(t.database)).toBe(before);
    expect((await t.request("GET", `/v1/orgs/demo/members/${member}`)).status).toBe(200);
  });

  it("refuse '..', '.', '%2e%2e' and hidden slashes in every parameter of every route, and change nothing", async () => {
    const t = await testApp();
    // A real member's id in every id position: a path rewritten to `/members/{id}` would find it.
    const member = await createActiveMember(t);
    const routes = [
      ...new Map(
        t.app.routes
          .filter((route) => route.method !== "ALL" && route.path.includes("/:"))
          .map((route) => [`${route.method} ${route.path}`, route] as const),
      ).values(),
    ];
    expect(routes.length).toBeGreaterThan(80);

    const before = await snapshot(t.database);
    const wrong: string[] = [];
    for (const { method, path } of routes) {
      const names = [...path.matchAll(/:(\w+)/g)].map((match) => match[1] as string);
      for (const name of names) {
        for (const value of unroutable) {
          const url = path.replace(/:(\w+)/g, (_, other: string) => (other === name ? value : (sampleParams[other] ?? member)));
          const body = ["POST", "PUT", "PATCH"].includes(method) ? {} : undefined;
          const response = await t.request(method, url, { body });
          const problem = response.status >= 400 ? await problemOf(response) : undefined;
          const pathOnly = problem?.errors?.every((error) => error.field.startsWith("path.")) ?? false;
          if (!(response.status === 404 || (response.status === 422 && pathOnly))) {
            wrong.push(`${method} ${url} → ${response.status} ${problem?.detail ?? ""}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await snapshot(t.database)).toBe(before);
  }, 120_000);

  it("keep ordinary dots where they mean nothing to a URL parser", async () => {
    const t = await testApp();
    await createActiveMember(t, { name: "Dot..Com" });
    const search = await t.request("GET", "/v1/orgs/demo/members?q=Dot..");
    expect(search.status).toBe(200);
    expect(((await search.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect((await t.request("GET", "/v1/orgs/demo/members/..x")).status).toBe(422);
  });

  it("are validated for their shape before any query: ids are UUIDs, postal codes letters and digits", async () => {
    const t = await testApp();
    const area = await t.request("POST", "/v1/orgs/demo/areas", { body: { name: "North", code: "N", postalCodes: ["11455"] } });
    const { id } = (await area.json()) as { id: string };
    for (const [path, field] of [
      ["/v1/orgs/demo/members/01A1FC82-9876-7000-8000-00000000000", "path.id"],
      ["/v1/orgs/demo/groups/x'%20OR%201=1", "path.id"],
      [`/v1/orgs/demo/areas/${id}/postal-codes/11455';--`, "path.postalCode"],
      [`/v1/orgs/demo/areas/${id}/postal-codes/%2511455`, "path.postalCode"],
    ] as const) {
      const response = await t.request(path.includes("postal-codes") ? "DELETE" : "GET", path);
      expect(response.status, path).toBe(422);
      expect((await problemOf(response)).errors?.map((error) => error.field)).toEqual([field]);
    }
    expect((await t.request("DELETE", `/v1/orgs/demo/areas/${id}/postal-codes/114%2055`)).status).toBe(204);
  });
});

/** One HTTP/1.1 request with the target exactly as given (node:http sends `path` verbatim). */
function rawRequest(port: number, method: string, target: string, key: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port, method, path: target, headers: { Authorization: `Bearer ${key}` } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("error", reject);
    request.end();
  });
}

describe("the Node server (@hono/node-server), with raw request targets", () => {
  it("answers dot segments and hidden separators with 404, whatever the URL parser would make of them", async () => {
    const t = await testApp();
    const member = await createActiveMember(t);
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
    try {
      await new Promise<void>((resolve) => server.once("listening", () => resolve()));
      const { port } = server.address() as AddressInfo;
      const before = await snapshot(t.database);

      for (const [method, target] of [
        ["DELETE", `/v1/orgs/demo/groups/%2e%2e/members/${member}`],
        ["DELETE", `/v1/orgs/demo/groups/%2E%2e/members/${member}`],
        ["DELETE", `/v1/orgs/demo/groups/x/../../members/${member}`],
        ["DELETE", `/v1/orgs/demo/groups/.%2e/members/${member}`],
        ["GET", "/v1/orgs/demo/groups/../members"],
        ["GET", "/v1/orgs/demo/groups/%2e%2e/members?limit=200"],
        ["GET", "/v1/orgs/demo/groups/./members"],
        ["GET", `/v1/orgs/demo/groups/x%2f..%2f..%2fmembers/${member}`],
        ["GET", `/v1/orgs/demo/groups/x%5c..%5c..%5cmembers/${member}`],
      ] as const) {
        const response = await rawRequest(port, method, target, t.adminKey);
        expect(response.status, `${method} ${target}: ${response.body}`).toBe(404);
        expect(JSON.parse(response.body)).toMatchObject({ code: "not_found" });
      }
      // A literal backslash, a separator to URL parsers, is refused by Node's HTTP parser itself.
      const backslash = await rawRequest(port, "DELETE", `/v1/orgs/demo/groups/x\\..\\..\\members/${member}`, t.adminKey);
      expect([400, 404]).toContain(backslash.status);

      expect(await snapshot(t.database)).toBe(before);
      expect((await rawRequest(port, "GET", `/v1/orgs/demo/members/${member}`, t.adminKey)).status).toBe(200);
      expect((await rawRequest(port, "GET", "/v1/orgs/demo/members?q=a.b", t.adminKey)).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
