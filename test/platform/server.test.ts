import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import { afterAll, describe, expect, it } from "vitest";
import { startArguments } from "../../scripts/start-command.ts";

const root = new URL("../..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "grasrot-server-"));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill("SIGTERM");
  rmSync(directory, { recursive: true, force: true });
});

/** Starts the Node entry as `npm start` does and waits for its banner. */
function start(env: Record<string, string>, startupMs = 20_000): Promise<{ base: string; output: () => string }> {
  const child = spawn(process.execPath, startArguments(), {
    cwd: root,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...env },
  });
  running.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), startupMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Grasrot API on (http:\/\/localhost:\d+)/.exec(output);
      if (match && output.includes("API reference")) {
        // the banner's remaining lines arrive in the same tick or the next one
        setTimeout(() => {
          clearTimeout(timer);
          resolve({ base: match[1] as string, output: () => output });
        }, 100);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

/**
 * Waits until the database file alone, copied without its write-ahead log, answers `sql` with
 * a row: the server's checkpoint thread has copied the log back. SQLite would do it itself
 * only once the log is 1,000 pages long, far more than these tests write.
 */
async function reachesTheFile(file: string, sql: string): Promise<boolean> {
  const copy = `${file}.copy`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    copyFileSync(file, copy);
    const db = new Database(copy);
    try {
      if (db.prepare(sql).raw(true).all().length > 0) return true;
    } catch {
      // The table itself is still only in the log.
    } finally {
      db.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe("npm start (the embedded default)", () => {
  const url = `file:${join(directory, "grasrot.db")}`;

  it("creates and migrates the database, bootstraps an organisation, and serves the API", async () => {
    const server = await start({ LIBSQL_URL: url, GRASROT_ORG: "e2e", GRASROT_ADMIN_KEY: "grs_end-to-end-admin-key-123456" });
    expect(server.output()).toContain("grs_end-to-end-admin-key-123456");
    expect((await fetch(`${server.base}/v1/health`)).status).toBe(200);
    expect((await fetch(`${server.base}/docs`)).headers.get("Content-Type")).toContain("text/html");
    const org = await fetch(`${server.base}/v1/orgs/e2e`, { headers: { Authorization: "Bearer grs_end-to-end-admin-key-123456" } });
    expect(org.status).toBe(200);
    expect(((await org.json()) as { slug: string }).slug).toBe("e2e");
    expect((await fetch(`${server.base}/v1/orgs/e2e`)).status).toBe(401);
    expect(await reachesTheFile(join(directory, "grasrot.db"), "SELECT 1 FROM organisations WHERE slug = 'e2e'")).toBe(true);
    running.pop()?.kill("SIGTERM");
  }, 30_000);

  it("prints no key on a later start, and the old key still works", async () => {
    const server = await start({ LIBSQL_URL: url });
    expect(server.output()).not.toContain("First start");
    const org = await fetch(`${server.base}/v1/orgs/e2e`, { headers: { Authorization: "Bearer grs_end-to-end-admin-key-123456" } });
    expect(org.status).toBe(200);
  }, 30_000);

  it("refuses to start with invalid configuration, naming the variable", async () => {
    await expect(start({ LIBSQL_URL: "postgres://nope" })).rejects.toThrow(/LIBSQL_URL/);
  }, 30_000);

  it("refuses a number of worker processes it cannot use, naming the variable", async () => {
    await expect(start({ LIBSQL_URL: url, GRASROT_WORKERS: "0" })).rejects.toThrow(/GRASROT_WORKERS/);
    await expect(start({ LIBSQL_URL: url, GRASROT_WORKERS: "many" })).rejects.toThrow(/GRASROT_WORKERS .* or auto/);
  }, 30_000);

  it("starts one worker process per core with GRASROT_WORKERS=auto", async () => {
    const cores = Math.min(16, availableParallelism());
    const server = await start({ LIBSQL_URL: `file:${join(directory, "auto.db")}`, GRASROT_WORKERS: "auto" }, 60_000);
    // One core: no cluster, this process serves.
    if (cores > 1) expect(server.output()).toContain(`${cores} worker processes`);
    else expect(server.output()).not.toContain("worker processes");
    expect((await fetch(`${server.base}/v1/health`)).status).toBe(200);
    running.pop()?.kill("SIGTERM");
  }, 90_000);

  it("serves one port from several processes over one database with GRASROT_WORKERS", async () => {
    const file = join(directory, "cluster.db");
    const env = {
      LIBSQL_URL: `file:${file}`,
      GRASROT_WORKERS: "2",
      GRASROT_ORG: "many",
      GRASROT_ADMIN_KEY: "grs_cluster-admin-key-1234567890",
    };
    // Three processes load the app, one after the other: more time to start than one.
    const server = await start(env, 60_000);
    expect(server.output()).toContain("2 worker processes");
    expect(server.output()).toContain("grs_cluster-admin-key-1234567890");
    const key = { Authorization: "Bearer grs_cluster-admin-key-1234567890" };
    const created = await fetch(`${server.base}/v1/orgs/many/members`, {
      method: "POST",
      headers: { ...key, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Ada" }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // Whichever process answers, each reads what another wrote.
    for (let i = 0; i < 6; i++) expect((await fetch(`${server.base}/v1/orgs/many/members/${id}`, { headers: key })).status).toBe(200);
    // The first process's checkpoint thread copies what the workers wrote into the file.
    expect(await reachesTheFile(file, `SELECT 1 FROM members WHERE id = '${id}'`)).toBe(true);
    running.pop()?.kill("SIGTERM");
  }, 90_000);
});
