/**
 * Capacity under concurrent requests, over libSQL's remote protocol. In process, the
 * embedded client runs each statement synchronously, so requests barely interleave; over
 * HTTP (the production path: @libsql/client/web against the local Hrana bridge) every
 * statement is a round trip and 50 requests really do race each other between statements.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { signMemberToken, tokenSecret } from "../../src/auth/member-tokens.ts";
import { bootstrapIfEmpty } from "../../src/bootstrap.ts";
import { createDb, type Db } from "../../src/db/index.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { defaultConfig } from "../../src/deps.ts";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { type RunningHranaBridge, startHranaBridge } from "../../tools/libsql-bridge/index.ts";
import { adminKey, committedDocuments, fixedClock, json } from "../helpers/app.ts";
import { eventInput, type RegistrationBody } from "./helpers.ts";

let directory: string;
let bridge: RunningHranaBridge;
const clients: ReturnType<typeof createClient>[] = [];

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "grasrot-events-race-"));
  bridge = await startHranaBridge({ directory });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await bridge.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The real app over a fresh database reached through the bridge. */
async function remoteApp() {
  const name = await bridge.bridge.createDatabase();
  const client = createClient({ url: bridge.databaseUrl(name) });
  clients.push(client);
  await applyMigrations(client as never);
  const db: Db = createDb(client);
  const clock = fixedClock();
  await bootstrapIfEmpty(db, { slug: "demo", adminKey, now: clock.now() });
  const app = createApp({ db, mailer: createMemoryMailer(), clock, config: defaultConfig, ...committedDocuments });
  const request = (method: string, path: string, body?: unknown, key = adminKey) =>
    Promise.resolve(
      app.request(path, {
        method,
        headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  const [org] = (await client.execute("SELECT id FROM organisations WHERE slug = 'demo'")).rows;
  const secret = await tokenSecret(db, undefined);
  const token = async (memberId: string) => (await signMemberToken(secret, { memberId, orgId: String(org?.id) }, clock.now())).token;
  return { client, request, token };
}

async function createMembers(app: Awaited<ReturnType<typeof remoteApp>>, n: number, prefix = "racer") {
  const out: { id: string; token: string }[] = [];
  for (let i = 0; i < n; i++) {
    const response = await app.request("POST", "/v1/orgs/demo/members", { name: `${prefix} ${i}`, email: `${prefix}${i}@example.org` });
    const id = (await json<{ id: string }>(response, 201)).id;
    out.push({ id, token: await app.token(id) });
  }
  return out;
}

async function counts(app: Awaited<ReturnType<typeof remoteApp>>, eventId: string) {
  const { rows } = await app.client.execute({
    sql: "SELECT status, count(*) AS n FROM event_registrations WHERE event_id = ? GROUP BY status",
    args: [eventId],
  });
  return Object.fromEntries(rows.map((row) => [String(row.status), Number(row.n)]));
}

describe("capacity under concurrent requests (over the remote protocol)", () => {
  it("gives 5 places to exactly 5 of 50 parallel registrations and waitlists the rest", { timeout: 60_000 }, async () => {
    const app = await remoteApp();
    const event = await json<{ id: string }>(
      await app.request("POST", "/v1/orgs/demo/events", eventInput({ registration: { mode: "open", capacity: 5 } })),
      201,
    );
    const people = await createMembers(app, 50);

    const responses = await Promise.all(
      people.map((p) => app.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, {}, p.token)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as RegistrationBody[];
    expect(bodies.filter((b) => b.status === "accepted")).toHaveLength(5);
    expect(await counts(app, event.id)).toEqual({ accepted: 5, waitlisted: 45 });

    // Cancellations and fresh registrations racing each other: the places stay at 5.
    const accepted = bodies.filter((b) => b.status === "accepted");
    const late = await createMembers(app, 10, "late");
    const mixed = await Promise.all([
      ...accepted.map((b) =>
        app.request(
          "PATCH",
          `/v1/orgs/demo/events/${event.id}/registrations/${b.id}`,
          { status: "cancelled" },
          people.find((p) => p.id === b.member.id)?.token,
        ),
      ),
      ...late.map((p) => app.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, {}, p.token)),
    ]);
    expect(mixed.map((r) => r.status).sort()).toEqual([...Array(5).fill(200), ...Array(10).fill(201)]);
    expect(await counts(app, event.id)).toEqual({ accepted: 5, waitlisted: 50, cancelled: 5 });
  });

  it("lets only one of two simultaneous registrations of the same member through", { timeout: 30_000 }, async () => {
    const app = await remoteApp();
    const event = await json<{ id: string }>(
      await app.request("POST", "/v1/orgs/demo/events", eventInput({ registration: { mode: "open", capacity: 5 } })),
      201,
    );
    const [p] = await createMembers(app, 1);
    const both = await Promise.all(
      Array.from({ length: 5 }, () => app.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, {}, p?.token)),
    );
    expect(both.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await counts(app, event.id)).toEqual({ accepted: 1 });
  });
});
