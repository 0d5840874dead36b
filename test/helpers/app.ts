import { readFileSync } from "node:fs";
import { afterEach, expect } from "vitest";
import { createApp } from "../../src/app.ts";
import { bootstrapIfEmpty } from "../../src/bootstrap.ts";
import type { EmbeddedOptions } from "../../src/db/embedded.ts";
import { createDb, type Db } from "../../src/db/index.ts";
import { type AppConfig, type AppDeps, defaultConfig } from "../../src/deps.ts";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { freshDatabase, type TestDatabase } from "./database.ts";

export const committedOpenApi = readFileSync(new URL("../../openapi.yaml", import.meta.url), "utf8");
export const committedOpenApiJson = readFileSync(new URL("../../openapi.json", import.meta.url), "utf8");
/** Both committed documents, as the entry points hand them to the app. */
export const committedDocuments = { openapiYaml: committedOpenApi, openapiJson: committedOpenApiJson };
export const operatorKey = "operator-key-for-tests-0123456789";
export const adminKey = "grs_adminkeyfortests0123456789abcd";

/** A clock tests can set and move. */
export function fixedClock(start = "2026-11-21T08:00:00.000Z") {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso: string) => {
      now = new Date(iso);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

type Body = unknown;

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: Db;
  database: TestDatabase;
  clock: ReturnType<typeof fixedClock>;
  mailer: ReturnType<typeof createMemoryMailer>;
  /** Slug and admin key of the organisation every test starts with. */
  org: string;
  adminKey: string;
  request(
    method: string,
    path: string,
    options?: { key?: string | null; body?: Body; headers?: Record<string, string> },
  ): Promise<Response>;
}

const open: TestDatabase[] = [];
afterEach(() => {
  for (const database of open.splice(0)) database.close();
});

/** The real app on a fresh migrated database, with the demo organisation bootstrapped. */
export async function testApp(config: Partial<AppConfig> = {}, databaseOptions: EmbeddedOptions = {}): Promise<TestApp> {
  const database = await freshDatabase(databaseOptions);
  open.push(database);
  const db = createDb(database.client);
  const clock = fixedClock();
  const mailer = createMemoryMailer();
  await bootstrapIfEmpty(db, { slug: "demo", adminKey, now: clock.now() });
  const app = createApp({ db, mailer, clock, config: { ...defaultConfig, operatorKey, ...config }, ...committedDocuments });
  return {
    app,
    db,
    database,
    clock,
    mailer,
    org: "demo",
    adminKey,
    request(method, path, options = {}) {
      const headers = new Headers(options.headers);
      const key = options.key === undefined ? adminKey : options.key;
      if (key !== null) headers.set("Authorization", `Bearer ${key}`);
      let body: BodyInit | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
      }
      // As @hono/node-server does, the app is also handed the target as written (`incoming.url`):
      // `app.request` parses the path as a URL, which resolves `..` and `%2e%2e` segments away.
      return settledRequest(app, path, { method, headers, body }, { incoming: { url: path } });
    },
  };
}

/** Another app over a test app's database, mailer and clock, with the operator key and other dependencies given. */
export function appBeside(t: Pick<TestApp, "db" | "mailer" | "clock">, deps: Partial<AppDeps> = {}) {
  return createApp({
    db: t.db,
    mailer: t.mailer,
    clock: t.clock,
    config: { ...defaultConfig, operatorKey },
    ...committedDocuments,
    ...deps,
  });
}

/**
 * A request as a Worker's invocation runs it: the response, and then whatever the app left to
 * finish after it (`waitUntil`, such as a sign-in mail), so a test sees its effects.
 */
export async function settledRequest(app: TestApp["app"], path: string, init: RequestInit, env?: unknown): Promise<Response> {
  const pending: Promise<unknown>[] = [];
  const executionCtx = { waitUntil: (promise: Promise<unknown>) => void pending.push(promise), passThroughOnException() {}, props: {} };
  const response = await app.request(path, init, env, executionCtx);
  await Promise.all(pending);
  return response;
}

/** The JSON body of a response that must have `status`; any other status fails, showing the body. */
export async function json<T = Record<string, unknown>>(response: Response, status: number): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(status);
  return (await response.json()) as T;
}

/** Reads a problem response and checks the parts every problem must have. */
export async function problemOf(response: Response) {
  const body = (await response.json()) as {
    type: string;
    code: string;
    title: string;
    status: number;
    detail: string;
    requestId: string;
    errors?: { field: string; message: string }[];
  };
  if (response.headers.get("Content-Type") !== "application/problem+json") {
    throw new Error(`expected application/problem+json, got ${response.headers.get("Content-Type")}`);
  }
  if (body.status !== response.status) throw new Error(`problem status ${body.status} != HTTP ${response.status}`);
  if (body.requestId !== response.headers.get("X-Request-Id")) throw new Error("problem requestId differs from X-Request-Id");
  return body;
}

/** Every row of every table, to show that a rejected request changed nothing. */
export async function snapshot(database: TestDatabase) {
  // Rate-limit counters count every request, refused ones too (that is their job): they are not data a request changes.
  const tables = await database.client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'rate_limit_counters' ORDER BY name",
  );
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables.rows) out[String(name)] = (await database.client.execute(`SELECT * FROM "${String(name)}"`)).rows;
  return JSON.stringify(out);
}
