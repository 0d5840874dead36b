/**
 * The Worker as workerd serves it, sent raw request targets. workerd hands the Worker the
 * target unresolved in `request.url` (`fetch` and `new Request` would resolve dot segments,
 * so the workerd suite, which calls the Worker through them, cannot send one); here the
 * bundle `wrangler deploy` would upload runs in workerd's own HTTP server, reached with
 * node:http, against the local libSQL bridge.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient } from "@libsql/client";
import { afterAll, describe, expect, it } from "vitest";
import { bootstrapIfEmpty } from "../../src/bootstrap.ts";
import { createDb } from "../../src/db/index.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { type RunningHranaBridge, startHranaBridge } from "../../tools/libsql-bridge/index.ts";

const root = new URL("../..", import.meta.url).pathname;
const bin = (name: string) => join(root, "node_modules/.bin", name);
const adminKey = "grs_worker-paths-admin-key-0123456789";
const directory = mkdtempSync(join(tmpdir(), "grasrot-worker-paths-"));

let workerd: ChildProcess | undefined;
let bridge: RunningHranaBridge | undefined;
afterAll(async () => {
  workerd?.kill("SIGTERM");
  await bridge?.close();
  rmSync(directory, { recursive: true, force: true });
});

function send(port: number, method: string, target: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${adminKey}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const request = httpRequest({ host: "127.0.0.1", port, method, path: target, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on("error", reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Bundles the Worker, serves it with workerd on a loopback port, and waits until it answers. */
async function startWorker(): Promise<number> {
  const database = createClient({ url: `file:${join(directory, "grasrot.db")}` });
  await applyMigrations(database);
  await bootstrapIfEmpty(createDb(database), { slug: "demo", adminKey, now: new Date() });
  database.close();
  bridge = await startHranaBridge({ directory });

  const out = join(directory, "bundle");
  await promisify(execFile)(bin("wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd: root,
    env: { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false" },
  });
  // The committed OpenAPI documents travel as text modules beside worker.js.
  const texts = readdirSync(out).filter((name) => /-openapi\.(yaml|json)$/.test(name));
  const port = await freePort();
  writeFileSync(
    join(out, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker), (name = "loopback", network = (allow = ["local"])) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    ${texts.map((name) => `(name = "${name}", text = embed "${name}")`).join(",\n    ")}
  ],
  compatibilityDate = "2026-11-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [ (name = "LIBSQL_URL", text = "${bridge.databaseUrl("grasrot")}") ],
  globalOutbound = "loopback",
);
`,
  );
  const child = spawn(bin("workerd"), ["serve", "config.capnp"], { cwd: out, stdio: ["ignore", "pipe", "pipe"] });
  workerd = child;
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}:\n${output}`);
    const answered = await send(port, "GET", "/v1/health").catch(() => undefined);
    if (answered?.status === 200) return port;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`workerd did not answer:\n${output}`);
}

describe("the Worker in workerd, with raw request targets", () => {
  it("answers dot segments and hidden separators with 404, and the member is still there", async () => {
    const port = await startWorker();
    const created = await send(port, "POST", "/v1/orgs/demo/members", { name: "Anna", email: "anna@example.org" });
    expect(created.status, created.body).toBe(201);
    const member = (JSON.parse(created.body) as { id: string }).id;

    for (const [method, target] of [
      ["DELETE", `/v1/orgs/demo/groups/%2e%2e/members/${member}`],
      ["DELETE", `/v1/orgs/demo/groups/..%2F..%2Fmembers/${member}`],
      ["DELETE", `/v1/orgs/demo/groups/x/../../members/${member}`],
      ["GET", "/v1/orgs/demo/groups/%2E%2e/members"],
      ["GET", "/v1/orgs/demo/groups/./members"],
      ["GET", `/v1/orgs/demo/members/a%2fb`],
      ["GET", `/v1/orgs/demo/groups/x%5C..%5C..%5Cmembers/${member}`],
    ] as const) {
      const response = await send(port, method, target);
      expect(response.status, `${method} ${target}: ${response.body}`).toBe(404);
      expect(JSON.parse(response.body)).toMatchObject({ code: "not_found" });
    }
    const read = await send(port, "GET", `/v1/orgs/demo/members/${member}`);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ name: "Anna" });
  }, 120_000);
});
