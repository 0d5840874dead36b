import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startArguments } from "../../scripts/start-command.ts";

const root = new URL("../..", import.meta.url).pathname;
const bin = (name: string) => join(root, "node_modules/.bin", name);
const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), "grasrot-client-"));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill("SIGTERM");
  rmSync(directory, { recursive: true, force: true });
});

const adminKey = "grs_typed-client-admin-key-0123456789";

/** Starts the Node entry as `npm start` does, on a free port and a fresh database, and waits for its banner. */
function startServer(): Promise<string> {
  const child = spawn(process.execPath, startArguments(), {
    cwd: root,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      LIBSQL_URL: `file:${join(directory, "grasrot.db")}`,
      GRASROT_ORG: "client-demo",
      GRASROT_ADMIN_KEY: adminKey,
    },
  });
  running.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Grasrot API on http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

describe("the typed TypeScript client (clients/typescript)", () => {
  it("type-checks, with its generated types and its example, under tsc --strict with no errors", async () => {
    // Also checks schema.d.ts itself (skipLibCheck is off there): the generated types are sound.
    const result = await run(bin("tsc"), ["-p", "clients/typescript/tsconfig.json", "--strict"], { cwd: root }).catch(
      (error: { stdout: string; code: number }) => error,
    );
    expect(result.stdout).toBe("");
  }, 120_000);

  it("runs its example against a started server: members, a group, an event and registrations", async () => {
    const base = await startServer();
    const { stdout } = await run(bin("tsx"), ["clients/typescript/examples/register-for-event.ts"], {
      cwd: root,
      env: { ...process.env, GRASROT_URL: base, GRASROT_ORG: "client-demo", GRASROT_TOKEN: adminKey },
    });
    const summary = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
      event: string;
      registrations: { member: string; status: string }[];
      again: string;
    };
    expect(summary.registrations).toEqual([
      { member: "Ada", status: "accepted" },
      { member: "Ben", status: "waitlisted" },
    ]);
    expect(summary.again).toBe("conflict");
    // What the example did is there for any other client to see.
    const listed = await fetch(`${base}/v1/orgs/client-demo/events/${summary.event}/registrations`, {
      headers: { Authorization: `Bearer ${adminKey}` },
    });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { data: unknown[] }).data).toHaveLength(2);
  }, 120_000);
});
