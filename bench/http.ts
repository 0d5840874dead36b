/**
 * HTTP load on 127.0.0.1: the app on Node (@hono/node-server, as src/server.ts runs it)
 * over a seeded embedded database, against a floor: a bare Hono app on @hono/node-server
 * answering a small static JSON. App and floor each run in their own child process (one
 * event loop each, neither shared with autocannon, which runs in this process), one
 * after the other, never at once. Prints req/s, p50 and p99 per route, and req/s as a
 * share of the floor's. Asserts nothing; stops by itself (each route runs for
 * --duration seconds, and a watchdog ends everything past its budget).
 *
 *   npm run bench:http -- [--members 10000] [--connections 32] [--duration 5]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createClient, type InStatement } from "@libsql/client";
import autocannon, { type Request as LoadRequest } from "autocannon";
import { Hono } from "hono";
import { createApp } from "../src/app.ts";
import { signMemberToken, tokenSecret } from "../src/auth/member-tokens.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { defaultConfig, systemClock } from "../src/deps.ts";
import { newId } from "../src/lib/ids.ts";
import { createMemoryMailer } from "../src/mail/mailer.ts";
import { searchKey } from "../src/members/members.queries.ts";

const host = "127.0.0.1";
const org = "bench";
const adminKey = "grs_benchadminkey0123456789abcdefgh";

function option(name: string, fallback: number, max: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return value;
}

// ---------------------------------------------------------------- the two servers (child processes)

/** Serves the app over the seeded file, or the floor, on a free port of 127.0.0.1, and says which on stdout. */
async function serveChild(kind: "app" | "floor", path: string) {
  let fetch: (request: Request) => Response | Promise<Response>;
  if (kind === "floor") {
    const floor = new Hono();
    floor.get("/floor", (c) => c.json({ status: "ok" }));
    fetch = floor.fetch;
  } else {
    const db = createDb(createClient({ url: `file:${path}` }));
    const app = createApp({
      db,
      mailer: createMemoryMailer(),
      clock: systemClock,
      config: defaultConfig,
      openapiYaml: "",
      openapiJson: "",
    });
    fetch = app.fetch;
  }
  serve({ fetch, port: 0, hostname: host }, (info) => console.log(JSON.stringify({ port: info.port })));
  // Ends with its parent, whatever happens to the parent.
  process.on("disconnect", () => process.exit(0));
}

function startChild(kind: "app" | "floor", path: string, children: ChildProcess[]): Promise<string> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", self, "--serve", kind, path], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(out);
      if (match) resolve(`http://${host}:${match[1]}`);
    });
    child.on("exit", (code) => reject(new Error(`the ${kind} server stopped (${code})`)));
  });
}

function stopChild(child: ChildProcess) {
  if (child.exitCode === null && child.pid !== undefined) child.kill("SIGTERM");
}

// ---------------------------------------------------------------- seeding

function insertRows(table: string, columns: string[], rows: unknown[][]): InStatement {
  const placeholders = rows.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
  return { sql: `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${placeholders}`, args: rows.flat() as never[] };
}

const firstNames = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ali", "Fatima", "Elin", "Oskar", "Zeynep"];
const lastNames = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson"];

/**
 * Members and their memberships by SQL (current today, whatever today is); a membership type,
 * a group with a roster of 200, a month of events and one open for registration through the
 * app itself, with the admin key.
 */
async function seed(path: string, memberCount: number) {
  const client = createClient({ url: `file:${path}` });
  await applyMigrations(client);
  const db = createDb(client);
  const now = new Date();
  const at = now.toISOString();
  await bootstrapIfEmpty(db, { slug: org, adminKey, now });
  const app = createApp({ db, mailer: createMemoryMailer(), clock: systemClock, config: defaultConfig, openapiYaml: "", openapiJson: "" });
  const call = async <T>(method: string, route: string, body: unknown): Promise<T> => {
    const response = await app.request(`/v1/orgs/${org}${route}`, {
      method,
      headers: { Authorization: `Bearer ${adminKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`seeding ${method} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  const type = await call<{ id: string }>("POST", "/membership-types", {
    name: "Active member",
    kind: "active",
    fee: { amount: 25000, currency: "SEK" },
    period: { type: "calendar_year" },
    graceDays: 30,
  });
  const orgRow = await client.execute({ sql: "SELECT id FROM organisations WHERE slug = ?", args: [org] });
  const orgId = String(orgRow.rows[0]?.id);
  const year = now.getUTCFullYear();
  const memberIds: string[] = [];
  const names: string[] = [];
  for (let start = 0; start < memberCount; start += 500) {
    const members: unknown[][] = [];
    const memberships: unknown[][] = [];
    for (let n = start; n < Math.min(start + 500, memberCount); n++) {
      const id = newId(now);
      const name = `${firstNames[n % firstNames.length]} ${lastNames[(n * 7) % lastNames.length]}`;
      const email = `${name.toLowerCase().replace(/\s/g, ".")}.${n}@example.org`;
      memberIds.push(id);
      names.push(name);
      members.push([id, orgId, String(n + 1), name, searchKey(name), email, searchKey(email), at, at]);
      memberships.push([newId(now), orgId, id, type.id, "active", `${year}-01-01`, `${year}-12-31`, `${year + 1}-01-30`, 25000, "SEK", at]);
    }
    await client.batch(
      [
        insertRows(
          "members",
          ["id", "org_id", "member_number", "name", "name_key", "email", "email_key", "created_at", "updated_at"],
          members,
        ),
        insertRows(
          "memberships",
          ["id", "org_id", "member_id", "type_id", "kind", "starts_on", "ends_on", "grace_until", "fee_minor", "currency", "created_at"],
          memberships,
        ),
      ],
      "write",
    );
  }

  const group = await call<{ id: string }>("POST", "/groups", { name: "Södermalm local group", kind: "local" });
  for (const memberId of memberIds.slice(0, Math.min(200, memberCount))) {
    await call("POST", `/groups/${group.id}/members`, { memberId });
  }
  const day = 24 * 60 * 60 * 1000;
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  for (let i = 0; i < 60; i++) {
    const startsAt = new Date(monthStart.getTime() + Math.floor(i / 2) * day + (i % 2 === 0 ? 17 : 19) * 60 * 60 * 1000);
    await call("POST", "/events", {
      title: `Meeting ${i + 1}`,
      kind: i % 3 === 0 ? "lecture" : "group_meeting",
      groupId: i % 3 === 0 ? null : group.id,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * 60 * 60 * 1000).toISOString(),
      timeZone: "Europe/Stockholm",
      visibility: i % 3 === 0 ? "public" : "members",
    });
  }
  const open = await call<{ id: string }>("POST", "/events", {
    title: "Open lecture",
    kind: "lecture",
    startsAt: new Date(monthStart.getTime() + 40 * day).toISOString(),
    endsAt: new Date(monthStart.getTime() + 40 * day + 2 * 60 * 60 * 1000).toISOString(),
    timeZone: "Europe/Stockholm",
    visibility: "members",
    registration: { mode: "open", capacity: null, requiresActiveMembership: false },
  });
  const secret = await tokenSecret(db, undefined);
  const memberToken = (await signMemberToken(secret, { memberId: memberIds[0] as string, orgId }, now)).token;
  client.close();
  return {
    memberIds,
    prefix: (names[0] as string).slice(0, 3).toLowerCase(),
    groupId: group.id,
    month: { from: monthStart.toISOString(), to: new Date(monthStart.getTime() + 30 * day).toISOString() },
    openEventId: open.id,
    memberToken,
  };
}

// ---------------------------------------------------------------- the load

interface Route {
  name: string;
  requests: LoadRequest[];
}

type Seeded = Awaited<ReturnType<typeof seed>>;

function routes(s: Seeded): Route[] {
  const base = `/v1/orgs/${org}`;
  const staff = { Authorization: `Bearer ${adminKey}` };
  const json = { ...staff, "Content-Type": "application/json" };
  let patched = 0;
  let registered = 0;
  const ids = s.memberIds;
  return [
    { name: "GET /v1/health", requests: [{ method: "GET", path: "/v1/health" }] },
    { name: "member by id", requests: [{ method: "GET", path: `${base}/members/${ids[ids.length >> 1]}`, headers: staff }] },
    { name: "members, first page", requests: [{ method: "GET", path: `${base}/members`, headers: staff }] },
    { name: "name-prefix search", requests: [{ method: "GET", path: `${base}/members?q=${s.prefix}`, headers: staff }] },
    { name: "group roster page", requests: [{ method: "GET", path: `${base}/groups/${s.groupId}/members`, headers: staff }] },
    {
      name: "events for a month",
      requests: [{ method: "GET", path: `${base}/events?from=${s.month.from}&to=${s.month.to}`, headers: staff }],
    },
    {
      name: "/me (member token)",
      requests: [{ method: "GET", path: `${base}/me`, headers: { Authorization: `Bearer ${s.memberToken}` } }],
    },
    {
      name: "PATCH a member",
      requests: [
        {
          method: "PATCH",
          headers: json,
          setupRequest: (request) => {
            const n = patched++;
            return { ...request, path: `${base}/members/${ids[n % ids.length]}`, body: JSON.stringify({ city: `City ${n % 1000}` }) };
          },
        },
      ],
    },
    {
      name: "registration POST",
      requests: [
        {
          method: "POST",
          path: `${base}/events/${s.openEventId}/registrations`,
          headers: json,
          // Each member once; past the last member the answers are 409s, counted as non-2xx.
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ memberId: ids[registered++ % ids.length] }) }),
        },
      ],
    },
  ];
}

async function load(url: string, requests: LoadRequest[], connections: number, duration: number) {
  const result = await autocannon({ url, connections, duration, timeout: 10, requests });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

async function main() {
  const memberCount = option("members", 10_000, 1_000_000);
  const connections = option("connections", 32, 1000);
  const duration = option("duration", 5, 120);
  const children: ChildProcess[] = [];
  const directory = mkdtempSync(join(tmpdir(), "grasrot-bench-http-"));
  const path = join(directory, "bench.db");
  // Everything ends within this budget: seeding, ten runs of `duration` seconds, start-up and margins.
  const budgetMs = (120 + memberCount / 200 + 10 * (duration + 15)) * 1000;
  const watchdog = setTimeout(() => {
    console.error(`stopped: over the time budget of ${Math.round(budgetMs / 1000)} s`);
    for (const child of children) stopChild(child);
    rmSync(directory, { recursive: true, force: true });
    process.exit(2);
  }, budgetMs);
  try {
    const seedStart = performance.now();
    const seeded = await seed(path, memberCount);
    console.log(`Seeded ${memberCount} members, a roster of 200, 61 events in ${((performance.now() - seedStart) / 1000).toFixed(1)} s.`);
    console.log(`autocannon: ${connections} connections, ${duration} s per route, one route at a time, all on ${host}.\n`);

    const floorUrl = await startChild("floor", path, children);
    const floor = await load(floorUrl, [{ method: "GET", path: "/floor" }], connections, duration);
    stopChild(children.pop() as ChildProcess);

    const appUrl = await startChild("app", path, children);
    const rows: { name: string; result: Awaited<ReturnType<typeof load>> }[] = [{ name: "floor (bare Hono, static JSON)", result: floor }];
    for (const route of routes(seeded)) rows.push({ name: route.name, result: await load(appUrl, route.requests, connections, duration) });

    console.log("| route                          |   req/s | p50 ms | p99 ms | % of floor | requests | non-2xx |");
    console.log("| ------------------------------ | ------: | -----: | -----: | ---------: | -------: | ------: |");
    for (const { name, result } of rows) {
      const share = ((100 * result.rps) / floor.rps).toFixed(1);
      console.log(
        `| ${name.padEnd(30)} | ${result.rps.toFixed(0).padStart(7)} | ${String(result.p50).padStart(6)} | ${String(result.p99).padStart(6)} | ${share.padStart(10)} | ${String(result.total).padStart(8)} | ${String(result.failed).padStart(7)} |`,
      );
    }
  } finally {
    clearTimeout(watchdog);
    for (const child of children) stopChild(child);
    rmSync(directory, { recursive: true, force: true });
  }
}

const serveAt = process.argv.indexOf("--serve");
if (serveAt !== -1) await serveChild(process.argv[serveAt + 1] as "app" | "floor", process.argv[serveAt + 2] as string);
else await main();
