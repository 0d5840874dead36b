import type { Client, InStatement } from "@libsql/client";
import { afterEach, expect } from "vitest";
import { createApp } from "../../src/app.ts";
import { bootstrapIfEmpty } from "../../src/bootstrap.ts";
import { createDb } from "../../src/db/index.ts";
import { type AppConfig, defaultConfig } from "../../src/deps.ts";
import { createMemoryMailer, type Mailer } from "../../src/mail/mailer.ts";
import { adminKey, committedDocuments, fixedClock, settledRequest, type TestApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/database.ts";

/** What @hono/node-server hands the app as its environment: the request's socket. */
export const fromSocket = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

/** A request from a client at `address`, as the Node server would make it. */
export function requestFrom(
  t: Pick<TestApp, "app">,
  address: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return settledRequest(
    t.app,
    path,
    {
      method,
      headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    fromSocket(address),
  );
}

export const askForCode = (t: Pick<TestApp, "app">, email: string, from = "198.51.100.7", extra: Record<string, unknown> = {}) =>
  requestFrom(t, from, "POST", "/v1/orgs/demo/auth/magic-link", { email, ...extra });

export const exchange = (t: Pick<TestApp, "app">, code: string, from = "198.51.100.7", org = "demo") =>
  requestFrom(t, from, "POST", `/v1/orgs/${org}/auth/token`, { code });

/** The code of the last sign-in mail to `email` that the capturing mailer holds. */
export function codeMailedTo(mailer: { sent: { to: string; text: string }[] }, email: string): string {
  const mail = mailer.sent.filter((m) => m.to.toLowerCase() === email.toLowerCase()).at(-1);
  // The demo organisation speaks Swedish (sv-SE); an organisation made with the defaults, English.
  const code = /(?:inloggningskod|sign-in code): (\S+)/.exec(mail?.text ?? "")?.[1];
  expect(code, `a sign-in code mailed to ${email}`).toBeDefined();
  return code as string;
}

/** A libSQL client that records every SQL statement sent through it. */
export function recordingClient(client: Client): { client: Client; statements: string[] } {
  const statements: string[] = [];
  const text = (statement: InStatement) => (typeof statement === "string" ? statement : statement.sql);
  const recording = new Proxy(client, {
    get(target, property) {
      if (property === "execute") {
        return (statement: InStatement, ...rest: unknown[]) => {
          statements.push(text(statement));
          return (target.execute as (...args: unknown[]) => unknown)(statement, ...rest);
        };
      }
      if (property === "batch") {
        return (batch: InStatement[], ...rest: unknown[]) => {
          statements.push(...batch.map(text));
          return (target.batch as (...args: unknown[]) => unknown)(batch, ...rest);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { client: recording, statements };
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const database of open.splice(0)) database.close();
});

/** The real app over a fresh database whose statements are recorded, with the mailer given. */
export async function recordedApp(mailer: Mailer = createMemoryMailer(), config: Partial<AppConfig> = {}) {
  const database = await freshDatabase();
  open.push(database);
  const { client, statements } = recordingClient(database.client);
  const db = createDb(client);
  const clock = fixedClock();
  await bootstrapIfEmpty(db, { slug: "demo", adminKey, now: clock.now() });
  const app = createApp({ db, mailer, clock, config: { ...defaultConfig, ...config }, ...committedDocuments });
  return { app, db, clock, database, statements };
}
