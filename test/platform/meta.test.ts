import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createApp } from "../../src/app.ts";
import { openEmbedded } from "../../src/db/embedded.ts";
import { createDb } from "../../src/db/index.ts";
import { defaultConfig } from "../../src/deps.ts";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { committedDocuments, committedOpenApi, fixedClock, testApp } from "../helpers/app.ts";

describe("health", () => {
  it("reports the database reachable and fully migrated", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/health", { key: null });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      database: { migrations: { applied: number; expected: number; latest: string } };
    };
    expect(body.status).toBe("ok");
    expect(body.database.migrations.applied).toBe(body.database.migrations.expected);
    expect(body.database.migrations.latest).toMatch(/^\d{4}_/);
  });

  it("says so when migrations are pending", async () => {
    const t = await testApp();
    await t.database.client.execute("DELETE FROM __drizzle_migrations WHERE rowid = (SELECT max(rowid) FROM __drizzle_migrations)");
    const body = (await (await t.request("GET", "/v1/health", { key: null })).json()) as { status: string };
    expect(body.status).toBe("migrations_pending");
  });

  it("reports a database never migrated, and one it cannot reach", async () => {
    const client = await openEmbedded(`file:${join(mkdtempSync(join(tmpdir(), "grasrot-health-")), "empty.db")}`);
    const app = createApp({
      db: createDb(client),
      mailer: createMemoryMailer(),
      clock: fixedClock(),
      config: defaultConfig,
      ...committedDocuments,
    });
    const response = await app.request("/v1/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "migrations_pending", database: { migrations: { applied: 0, latest: null } } });
    client.close();
    const unreachable = await app.request("/v1/health");
    expect(unreachable.status).toBe(503);
    expect(unreachable.headers.get("Content-Type")).toContain("application/problem+json");
  });
});

describe("documentation", () => {
  it("serves the committed openapi.yaml as it is", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/openapi.yaml", { key: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("yaml");
    expect(await response.text()).toBe(committedOpenApi);
  });

  it("serves the same document as JSON", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/openapi.json", { key: null });
    expect(await response.json()).toEqual(parse(committedOpenApi));
  });

  it("serves an interactive reference page at /docs", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/docs", { key: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("/v1/openapi.json");
  });

  it("documents every operation with id, tag, summary, security and its errors", () => {
    const document = parse(committedOpenApi) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const operationIds = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.operationId, where).toBeTypeOf("string");
        expect(operationIds.has(operation.operationId as string), `${where} repeats an operationId`).toBe(false);
        operationIds.add(operation.operationId as string);
        expect((operation.tags as string[]).length, where).toBeGreaterThan(0);
        expect(operation.summary, where).toBeTypeOf("string");
        expect(operation.security, where).toBeDefined();
        const statuses = Object.keys(operation.responses as object);
        expect(
          statuses.some((s) => s.startsWith("2")),
          `${where} has no success response`,
        ).toBe(true);
        if ((operation.security as unknown[]).length > 0) expect(statuses, `${where} lacks 401`).toContain("401");
        if (path.includes("{")) expect(statuses, `${where} lacks 422`).toContain("422");
      }
    }
    expect(operationIds.size).toBeGreaterThan(5);
  });

  it("declares every route of the app in the document", async () => {
    const t = await testApp();
    const document = parse(committedOpenApi) as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
      ),
    );
    const undocumented = t.app.routes
      .filter((r) => r.method !== "ALL" && r.path.startsWith("/v1/"))
      .map((r) => `${r.method} ${r.path}`)
      .filter((route) => !documented.has(route));
    expect(undocumented).toEqual([]);
  });
});

describe("tags", () => {
  it("describes every tag an operation uses", async () => {
    const { tagDescriptions } = await import("../../src/http/document.ts");
    const document = parse(committedOpenApi) as { paths: Record<string, Record<string, { tags: string[] }>> };
    const used = new Set(Object.values(document.paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags)));
    expect([...used].filter((tag) => !(tag in tagDescriptions))).toEqual([]);
  });
});
