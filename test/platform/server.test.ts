import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "grasrot-server-"));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill("SIGTERM");
  rmSync(directory, { recursive: true, force: true });
});

/** Starts the Node entry as `npm start` does and waits for its banner. */
function start(env: Record<string, string>): Promise<{ base: string; output: () => string }> {
  const child = spawn(join(root, "node_modules/.bin/tsx"), ["src/server.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...env },
  });
  running.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
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
});
