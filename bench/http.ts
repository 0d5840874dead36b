/**
 * HTTP load on 127.0.0.1: the server as `npm start` runs it (src/server.ts: @hono/node-server,
 * the embedded database, the counting threads), over a seeded organisation, against a floor:
 * a bare Hono app on @hono/node-server answering a small static JSON, measured in the same
 * run. Server and floor each run in their own child process (neither shares an event loop
 * with autocannon, which runs in this process), one after the other, never at once.
 *
 * Part 1 prints req/s, p50 and p99 per route, and req/s as a share of the floor's. Beside
 * the static floor it measures the floor with the database: the same bare app reading one
 * member by id and a page of fifty from the seeded file with the driver alone, the least an
 * indexed read costs on this stack and machine.
 * Part 2 runs the heavy requests one by one (the CSV export of every member, the
 * organisation's calendar feed, the largest count the limits allow, an import of 100,000
 * rows, 16 MiB of paper ballots for an election) while a few clients keep asking `GET /v1/health`, and prints the health check's
 * p50, p99 and worst latency during each: whether one heavy request stalls everyone.
 *
 * The Workers column loads the same routes, at the same connections, against the Worker in
 * workerd (wrangler's local runtime) over a copy of the same seeded file reached through the
 * local bridge (Hrana over HTTP), both in a child process of their own; it prints req/s, p50,
 * p99, and the database statements and round trips per request counted at the bridge, under
 * load and for one request on a warm isolate. The bridge is not Turso: the latencies say
 * little about production; the counts show per-request work only the Worker path does.
 *
 * Asserts nothing; stops by itself (each route runs for --duration seconds, and a watchdog
 * ends everything past its budget).
 *
 *   npm run bench:http -- [--members 100000] [--connections 32] [--duration 5] [--workers 1]
 *                         [--runtime node|workers|both] [--quick] [--only-load | --only-heavy]
 *                         [--route <text>] [--cpu-prof <dir>]
 *
 * --members: 1000, 100000 (default) or 1000000, or any count from 40;
 * --quick: 1,000 members, 2 s per route, an import of 10,000 rows (a minute or so);
 * --workers: GRASROT_WORKERS of the server (processes serving one database file);
 * --runtime: node (src/server.ts and the floor), workers (the Worker in workerd, load only) or
 *   both (the default: the Node table, then the Workers table, then the heavy part on Node);
 * --route: loads only the routes whose name contains that text (say, "member by id");
 * --cpu-prof: writes the server's CPU profile (node --cpu-prof) into that directory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import autocannon, { type Request as LoadRequest } from "autocannon";
import { Hono } from "hono";
import Database from "libsql";
import { projectRoot, startArguments } from "../scripts/start-command.ts";
import { seededRandom } from "../src/voting/lot.ts";
import { adminKey, memberId, org, type Seeded, seed } from "./http-seed.ts";
import { startBridgedWorker } from "./workers-runtime.ts";

const host = "127.0.0.1";
const quick = process.argv.includes("--quick");

function option(name: string, fallback: number, max: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return value;
}

function textOption(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

// ---------------------------------------------------------------- the two servers (child processes)

/**
 * The floor: a bare Hono app on a free port of 127.0.0.1, saying which on stdout as the server
 * does. Over the seeded file it also answers two reads with the stack's least work, its
 * floor with the database: the driver under @libsql/client (libsql), each statement prepared
 * once, SQLite making the answer's JSON text (a row by id, a page of fifty in name order, all
 * their columns), sent as it is. No authentication, no checks, no membership periods: what
 * an indexed read of the app can reach on this machine lies below these.
 */
function serveFloor(path: string) {
  const floor = new Hono();
  floor.get("/floor", (c) => c.json({ status: "ok" }));
  const db = new Database(path);
  const orgId = (db.prepare("SELECT id FROM organisations WHERE slug = ?").get(org) as { id: string }).id;
  const columns = (db.prepare("SELECT name FROM pragma_table_info('members')").all() as { name: string }[]).map(({ name }) => name);
  const row = `json_object(${columns.map((name) => `'${name}', "${name}"`).join(", ")})`;
  // Raw: each row as an array of its one field (libsql's pluck mode leaves get() as it is).
  const byId = db.prepare(`SELECT ${row} FROM members WHERE id = ? AND org_id = ?`).raw(true);
  const firstPage = db
    .prepare(
      `SELECT json_group_array(${row}) FROM (SELECT * FROM members WHERE org_id = ? AND enrolled = 1 AND erased_at IS NULL ORDER BY name_key, id LIMIT 50)`,
    )
    .raw(true);
  const json = { "Content-Type": "application/json" };
  floor.get("/floor/members/:id", (c) => c.body((byId.get(c.req.param("id"), orgId) as [string])[0], 200, json));
  floor.get("/floor/members", (c) => c.body(`{"items":${(firstPage.get(orgId) as [string])[0]}}`, 200, json));
  serve({ fetch: floor.fetch, port: 0, hostname: host }, (info) => console.log(`Floor on http://localhost:${info.port}`));
  // Ends with its parent, whatever happens to the parent.
  process.on("disconnect", () => process.exit(0));
}

/** The Worker in workerd over the bridge, on `<directory>/bench.db`; says where on stdout; ends with its parent. */
async function serveWorkers(directory: string) {
  const running = await startBridgedWorker({
    directory,
    database: "bench",
    bindings: { GRASROT_MAIL_TRANSPORT: "outbox", GRASROT_PUBLIC_URL: "https://api.example.org" },
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // workerd is a process of its own: dispose of it, never leave it behind.
    running.close().finally(() => process.exit(0));
  };
  process.on("disconnect", stop);
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(`Worker on http://localhost:${new URL(running.url).port}, bridge on http://localhost:${running.bridge.port}`);
}

interface ServerOptions {
  workers: number;
  cpuProfileDir?: string;
}

/** Resolves with the match of `pattern` in what a child writes on stdout, once it has written it. */
function announced(child: ChildProcess, kind: string, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) resolve(match);
    });
    child.on("exit", (code) => reject(new Error(`the ${kind} server stopped (${code})`)));
  });
}

/** Starts the floor, or src/server.ts over the seeded file; resolves with its base URL once it listens. */
async function startChild(kind: "app" | "floor", path: string, options: ServerOptions, children: ChildProcess[]): Promise<string> {
  const self = fileURLToPath(import.meta.url);
  const profile = options.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", options.cpuProfileDir] : [];
  const child =
    kind === "floor"
      ? spawn(process.execPath, ["--import", "tsx", self, "--serve-floor", path], { stdio: ["ignore", "pipe", "inherit", "ipc"] })
      : spawn(process.execPath, [...profile, ...startArguments()], {
          cwd: projectRoot,
          stdio: ["ignore", "pipe", "inherit"],
          env: {
            ...process.env,
            LIBSQL_URL: `file:${path}`,
            PORT: "0",
            HOST: host,
            GRASROT_ORG: org,
            GRASROT_WORKERS: String(options.workers),
          },
        });
  children.push(child);
  const [, port] = await announced(child, kind, /on http:\/\/localhost:(\d+)/);
  return `http://${host}:${port}`;
}

/** Starts the Worker and the bridge over `<directory>/bench.db` in a child process; resolves with both base URLs. */
async function startWorkersChild(directory: string, children: ChildProcess[]): Promise<{ url: string; bridgeUrl: string }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", self, "--serve-workers", directory], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  children.push(child);
  const [, port, bridgePort] = await announced(child, "Worker", /Worker on http:\/\/localhost:(\d+), bridge on http:\/\/localhost:(\d+)/);
  return { url: `http://${host}:${port}`, bridgeUrl: `http://${host}:${bridgePort}` };
}

/** Stops a child and waits for it, so a CPU profile is written before the run goes on. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGINT");
  });
}

// ---------------------------------------------------------------- the load

interface Route {
  name: string;
  requests: LoadRequest[];
}

function routes(s: Seeded): Route[] {
  const base = `/v1/orgs/${org}`;
  const staff = { Authorization: `Bearer ${adminKey}` };
  const json = { ...staff, "Content-Type": "application/json" };
  let patched = 0;
  let registered = 0;
  const count = s.memberCount;
  return [
    { name: "GET /v1/health", requests: [{ method: "GET", path: "/v1/health" }] },
    { name: "member by id", requests: [{ method: "GET", path: `${base}/members/${memberId(count >> 1)}`, headers: staff }] },
    { name: "members, first page", requests: [{ method: "GET", path: `${base}/members`, headers: staff }] },
    { name: "name-prefix search", requests: [{ method: "GET", path: `${base}/members?q=${s.prefix}`, headers: staff }] },
    { name: "broad search q=a", requests: [{ method: "GET", path: `${base}/members?q=a`, headers: staff }] },
    { name: "group roster page", requests: [{ method: "GET", path: `${base}/groups/${s.groupId}/members`, headers: staff }] },
    // The directory of groups: each with its roster's count and conveners.
    { name: "groups, first page", requests: [{ method: "GET", path: `${base}/groups`, headers: staff }] },
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
            return {
              ...request,
              path: `${base}/members/${memberId((n * 7919) % count)}`,
              body: JSON.stringify({ city: `City ${n % 1000}` }),
            };
          },
        },
      ],
    },
    {
      name: "registration POST",
      requests: [
        {
          method: "POST",
          headers: json,
          // Each member once per lecture, lecture after lecture: none is asked twice.
          setupRequest: (request) => {
            const n = registered++;
            const lecture = s.openEventIds[Math.floor(n / count) % s.openEventIds.length];
            return { ...request, path: `${base}/events/${lecture}/registrations`, body: JSON.stringify({ memberId: memberId(n % count) }) };
          },
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

/**
 * A second of the same load first, not counted: the first requests of a route fill its
 * caches (kept series, prepared statements, compiled code) while all connections open at
 * once, and in a short run they would be much of the slowest percent.
 */
async function warmedLoad(url: string, requests: LoadRequest[], connections: number, duration: number) {
  await autocannon({ url, connections, duration: 1, timeout: 10, requests });
  return load(url, requests, connections, duration);
}

// ---------------------------------------------------------------- the Workers column

interface Counts {
  statements: number;
  roundTrips: number;
}

/** One request of a route as autocannon sends it (its setupRequest applied), by fetch; resolves once it is answered. */
async function once(url: string, route: Route): Promise<void> {
  const [first] = route.requests;
  if (!first) return;
  const request = first.setupRequest ? first.setupRequest({ ...first }) : first;
  const response = await fetch(`${url}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
  await response.arrayBuffer();
}

/**
 * A route on the Worker: one request to warm the isolate, one more counted alone at the
 * bridge (the work of a request on a warm isolate), then the load, its statements and round
 * trips divided by the requests answered.
 */
async function loadWorker(worker: { url: string; bridgeUrl: string }, route: Route, connections: number, duration: number) {
  const counts = async (): Promise<Counts> => (await fetch(`${worker.bridgeUrl}/_bridge/databases/bench/counts`)).json() as Promise<Counts>;
  await once(worker.url, route);
  const beforeOne = await counts();
  await once(worker.url, route);
  const afterOne = await counts();
  const result = await load(worker.url, route.requests, connections, duration);
  // Requests autocannon stopped waiting for may still reach the database: count them too.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const afterLoad = await counts();
  const perRequest = (key: keyof Counts) => (afterLoad[key] - afterOne[key]) / Math.max(1, result.total);
  return {
    result,
    one: { statements: afterOne.statements - beforeOne.statements, roundTrips: afterOne.roundTrips - beforeOne.roundTrips },
    statementsPerRequest: perRequest("statements"),
    roundTripsPerRequest: perRequest("roundTrips"),
  };
}

function printWorkersTable(rows: { name: string; row: Awaited<ReturnType<typeof loadWorker>> }[]) {
  console.log("\nOn Workers: the Worker in workerd (wrangler's local runtime), the same database file through the local bridge.");
  console.log("Statements and round trips counted at the bridge: per request under load, and for one request on a warm isolate.\n");
  console.log("| route                          |   req/s | p50 ms | p99 ms | stmts/req | trips/req | one request | requests | non-2xx |");
  console.log("| ------------------------------ | ------: | -----: | -----: | --------: | --------: | ----------: | -------: | ------: |");
  for (const { name, row } of rows) {
    const { result } = row;
    const one = `${row.one.statements} in ${row.one.roundTrips}`;
    console.log(
      `| ${name.padEnd(30)} | ${result.rps.toFixed(0).padStart(7)} | ${String(result.p50).padStart(6)} | ${String(result.p99).padStart(6)} | ${row.statementsPerRequest.toFixed(2).padStart(9)} | ${row.roundTripsPerRequest.toFixed(2).padStart(9)} | ${one.padStart(11)} | ${String(result.total).padStart(8)} | ${String(result.failed).padStart(7)} |`,
    );
  }
}

/**
 * Writes the seeded file to the disk before anything is measured: the system would otherwise
 * write its hundreds of megabytes back during the first runs, the floor's, on the same cores
 * (a floor measured at half its usual figure).
 */
function flushToDisk(path: string): void {
  for (const suffix of ["", "-wal"]) {
    if (!existsSync(`${path}${suffix}`)) continue;
    const fd = openSync(`${path}${suffix}`, "r+");
    fsyncSync(fd);
    closeSync(fd);
  }
}

/** A copy of the seeded database for the Worker, so both runtimes start from the same rows (the Node run writes). */
function copySeeded(path: string, directory: string): void {
  mkdirSync(directory);
  for (const suffix of ["", "-wal"])
    if (existsSync(`${path}${suffix}`)) copyFileSync(`${path}${suffix}`, join(directory, `bench.db${suffix}`));
}

// ---------------------------------------------------------------- heavy requests beside the health check

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/**
 * Runs `heavy` while `clients` loops ask GET /v1/health one request after another. Every
 * health check begun while the heavy request ran counts, however long after it ends; one
 * that fails counts as failed.
 */
async function beside(url: string, clients: number, heavy: () => Promise<string>) {
  const latencies: number[] = [];
  let failed = 0;
  let running = true;
  let measuring = false;
  const probe = async () => {
    while (running) {
      const counted = measuring;
      const started = performance.now();
      try {
        const response = await fetch(`${url}/v1/health`);
        await response.arrayBuffer();
        if (counted) latencies.push(performance.now() - started);
      } catch {
        if (counted) failed++;
      }
    }
  };
  const probes = Array.from({ length: clients }, probe);
  // Let the probes reach their pace before the heavy request starts.
  await new Promise((resolve) => setTimeout(resolve, 200));
  measuring = true;
  const started = performance.now();
  const outcome = await heavy().catch((error: Error) => `failed: ${error.message.slice(0, 60)}`);
  const heavyMs = performance.now() - started;
  measuring = false;
  running = false;
  await Promise.all(probes);
  latencies.sort((a, b) => a - b);
  return {
    heavyMs,
    outcome,
    checks: latencies.length,
    failed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
  };
}

/** A request that must succeed; resolves with what it sent back, in short. */
async function heavyRequest(url: string, method: string, path: string, body?: string, contentType?: string): Promise<string> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${adminKey}`, ...(contentType && { "Content-Type": contentType }) },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return `${response.status}, ${(text.length / 1e6).toFixed(1)} MB`;
}

/** New members as an import file: numbers above every seeded one, so each row creates a member. */
function importFile(rows: number, firstNumber: number): string {
  const lines = ["member_number,name,email,city"];
  for (let i = 0; i < rows; i++) {
    const n = firstNumber + i;
    lines.push(`${n},Imported Person ${n},imported.${n}@example.org,Malmö`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * Random rankings of `candidates` as JSON ballots, as many as `bytes` of JSON hold (at most a
 * million), distinct enough that a count does all of its work.
 */
function randomRankings(candidates: string[], bytes: number): string[] {
  const random = seededRandom("bench-http");
  const ballots: string[] = [];
  let used = 100;
  for (;;) {
    const length = 1 + Math.floor(random() ** 2 * candidates.length);
    const picked = new Set<string>();
    while (picked.size < length) picked.add(candidates[Math.floor(random() ** 2 * candidates.length)] as string);
    const ballot = JSON.stringify({ weight: 1, ranking: [...picked] });
    if (used + ballot.length + 1 > bytes || ballots.length >= 1_000_000) break;
    used += ballot.length + 1;
    ballots.push(ballot);
  }
  return ballots;
}

/** The largest count the limits take that fits in an upload: Meek STV over 30 candidates, 7 seats, 16 MiB of JSON. */
function largestCount(): string {
  const candidates = Array.from({ length: 30 }, (_, i) => `C${i + 1}`);
  return `{"method":"meek_stv","seats":7,"candidates":${JSON.stringify(candidates)},"ballots":[${randomRankings(candidates, 15.5 * 1024 * 1024).join(",")}]}`;
}

async function heavySection(url: string, seeded: Seeded) {
  const { memberCount, election } = seeded;
  const importRows = quick ? 10_000 : 100_000;
  const count = largestCount();
  const file = importFile(importRows, memberCount + 1_000_000);
  const paper = `{"ballots":[${randomRankings(election.candidateIds, 15.5 * 1024 * 1024).join(",")}]}`;
  const base = `/v1/orgs/${org}`;
  const jobs: { name: string; run: () => Promise<string> }[] = [
    { name: `CSV export, ${memberCount} members`, run: () => heavyRequest(url, "GET", `${base}/members.csv`) },
    { name: "organisation calendar feed", run: () => heavyRequest(url, "GET", `${base}/calendar.ics`) },
    { name: "largest count (Meek STV, 16 MiB)", run: () => heavyRequest(url, "POST", "/v1/tally", count, "application/json") },
    { name: `import of ${importRows} rows`, run: () => heavyRequest(url, "POST", `${base}/members/import`, file, "text/csv") },
    {
      name: "paper ballots (16 MiB)",
      run: () => heavyRequest(url, "POST", `${base}/elections/${election.id}/paper-ballots`, paper, "application/json"),
    },
  ];
  console.log("\nThe health check (4 clients, one request after another) while one heavy request runs:\n");
  console.log(
    "| heavy request                    | took ms | answer            | checks | failed | health p50 | health p99 | health max |",
  );
  console.log(
    "| -------------------------------- | ------: | ----------------- | -----: | -----: | ---------: | ---------: | ---------: |",
  );
  for (const job of jobs) {
    const r = await beside(url, 4, job.run);
    console.log(
      `| ${job.name.padEnd(32)} | ${r.heavyMs.toFixed(0).padStart(7)} | ${r.outcome.padEnd(17)} | ${String(r.checks).padStart(6)} | ${String(r.failed).padStart(6)} | ${r.p50.toFixed(1).padStart(10)} | ${r.p99.toFixed(1).padStart(10)} | ${r.max.toFixed(1).padStart(10)} |`,
    );
  }
}

// ---------------------------------------------------------------- the run

async function main() {
  const memberCount = quick ? 1_000 : option("members", 100_000, 1_000_000);
  if (memberCount < 40) throw new Error("--members must be at least 40 (a roster's size)");
  const connections = option("connections", 32, 1000);
  const duration = quick ? 2 : option("duration", 5, 120);
  const workers = option("workers", 1, 16);
  const runtime = textOption("runtime") ?? "both";
  if (!["node", "workers", "both"].includes(runtime)) throw new Error("--runtime must be node, workers or both");
  const onNode = runtime !== "workers";
  const onWorkers = runtime !== "node";
  const onlyLoad = process.argv.includes("--only-load");
  const onlyHeavy = process.argv.includes("--only-heavy");
  const cpuProfileDir = textOption("cpu-prof");
  const only = textOption("route");
  const children: ChildProcess[] = [];
  // However this process ends, its servers end with it (the Worker's child on SIGTERM, so it takes workerd along).
  const signalFor = (child: ChildProcess) => (child.spawnargs.includes("--serve-workers") ? "SIGTERM" : "SIGKILL");
  process.on("exit", () => {
    for (const child of children) if (child.exitCode === null) child.kill(signalFor(child));
  });
  const directory = mkdtempSync(join(tmpdir(), "grasrot-bench-http-"));
  const path = join(directory, "bench.db");
  // Everything ends within this budget: seeding, fourteen runs of `duration` seconds on Node (three floors, eleven
  // routes) and eleven on Workers, the heavy part, start-ups and margins.
  const budgetMs = (300 + memberCount / 2_000 + (onWorkers ? 60 + 11 * (duration + 15) : 0) + 14 * (duration + 15)) * 1000;
  const watchdog = setTimeout(async () => {
    console.error(`stopped: over the time budget of ${Math.round(budgetMs / 1000)} s`);
    for (const child of children) child.kill(signalFor(child));
    // The Worker's child gets a few seconds to stop workerd.
    await Promise.race([Promise.all(children.map(stopChild)), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    for (const child of children) child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
    process.exit(2);
  }, budgetMs);
  try {
    const seedStart = performance.now();
    const seeded = await seed(path, memberCount);
    flushToDisk(path);
    console.log(
      `Seeded ${memberCount} members, 190 groups with rosters of 40, 20,000 events (1,000 weekly series) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s.`,
    );
    const workersDirectory = join(directory, "workers");
    if (onWorkers && !onlyHeavy) copySeeded(path, workersDirectory);
    if (onNode) console.log(`Server: node ${startArguments().join(" ")} (npm start), GRASROT_WORKERS=${workers}; all on ${host}.`);
    if (!onlyHeavy) console.log(`autocannon: ${connections} connections, ${duration} s per route, one route at a time.\n`);

    if (onNode && !onlyHeavy) {
      const floorUrl = await startChild("floor", path, { workers: 1 }, children);
      const floor = await warmedLoad(floorUrl, [{ method: "GET", path: "/floor" }], connections, duration);
      const floorReads = [
        { name: "floor + libSQL: a row by id", path: `/floor/members/${memberId(memberCount >> 1)}` },
        { name: "floor + libSQL: 50 rows", path: "/floor/members" },
      ];
      const databaseFloors = [];
      for (const { name, path: read } of floorReads)
        databaseFloors.push({ name, result: await warmedLoad(floorUrl, [{ method: "GET", path: read }], connections, duration) });
      await stopChild(children.pop() as ChildProcess);

      const appUrl = await startChild("app", path, { workers, cpuProfileDir }, children);
      const rows: { name: string; result: Awaited<ReturnType<typeof load>> }[] = [
        { name: "floor (bare Hono, static JSON)", result: floor },
        ...databaseFloors,
      ];
      for (const route of routes(seeded).filter((r) => only === undefined || r.name.includes(only)))
        rows.push({ name: route.name, result: await warmedLoad(appUrl, route.requests, connections, duration) });
      await stopChild(children.pop() as ChildProcess);

      console.log("| route                          |   req/s | p50 ms | p99 ms | % of floor | requests | non-2xx |");
      console.log("| ------------------------------ | ------: | -----: | -----: | ---------: | -------: | ------: |");
      for (const { name, result } of rows) {
        const share = ((100 * result.rps) / floor.rps).toFixed(1);
        console.log(
          `| ${name.padEnd(30)} | ${result.rps.toFixed(0).padStart(7)} | ${String(result.p50).padStart(6)} | ${String(result.p99).padStart(6)} | ${share.padStart(10)} | ${String(result.total).padStart(8)} | ${String(result.failed).padStart(7)} |`,
        );
      }
    }
    if (onWorkers && !onlyHeavy) {
      const worker = await startWorkersChild(workersDirectory, children);
      const rows: { name: string; row: Awaited<ReturnType<typeof loadWorker>> }[] = [];
      for (const route of routes(seeded).filter((r) => only === undefined || r.name.includes(only)))
        rows.push({ name: route.name, row: await loadWorker(worker, route, connections, duration) });
      await stopChild(children.pop() as ChildProcess);
      printWorkersTable(rows);
    }
    if (onNode && !onlyLoad) {
      const appUrl = await startChild("app", path, { workers, cpuProfileDir }, children);
      await heavySection(appUrl, seeded);
      await stopChild(children.pop() as ChildProcess);
    }
  } finally {
    clearTimeout(watchdog);
    for (const child of children) await stopChild(child);
    rmSync(directory, { recursive: true, force: true });
  }
}

if (process.argv.includes("--serve-floor")) serveFloor(textOption("serve-floor") as string);
else if (process.argv.includes("--serve-workers")) await serveWorkers(textOption("serve-workers") as string);
else await main();
