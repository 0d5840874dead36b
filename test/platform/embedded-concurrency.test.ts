/**
 * The embedded database file shared by the running server and `npm run tick` processes:
 * the server (a child process, as `npm start` runs it) takes writes from parallel HTTP
 * clients while overlapping ticks plan and send mailings from the same file. Nobody gets a
 * 5xx, every tick succeeds, and no recipient gets a mailing twice.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startArguments } from "../../scripts/start-command.ts";
import { openEmbedded } from "../../src/db/embedded.ts";
import { adminKey, testApp } from "../helpers/app.ts";
import { createMailing } from "../mailings/helpers.ts";
import { orgIdOf, seedMembers } from "../mailings/seed.ts";

const root = new URL("../..", import.meta.url).pathname;
const tsx = join(root, "node_modules/.bin/tsx");
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill("SIGTERM");
});

function environment(databasePath: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LIBSQL_URL: `file:${databasePath}`,
    GRASROT_MAIL_TRANSPORT: "outbox",
    GRASROT_PUBLIC_URL: "https://api.example.org",
    // Small budgets, so that the ticks share the mailings instead of the first taking all.
    GRASROT_MAIL_PER_TICK: "25",
  };
}

function startServer(databasePath: string): Promise<{ base: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, startArguments(), {
    cwd: root,
    env: { ...environment(databasePath), PORT: "0", HOST: "127.0.0.1" },
  });
  running.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Grasrot API on (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ base: match[1] as string, child, output: () => output });
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

function runTick(databasePath: string, at: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(tsx, ["scripts/tick.ts", "--at", at], { cwd: root, env: environment(databasePath) });
  running.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

describe("the embedded database under a server and overlapping ticks", () => {
  it("answers every write, lets every tick succeed, and sends each message once", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    const recipients = 40;
    await seedMembers(
      t.database.client,
      orgId,
      Array.from({ length: recipients }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.org` })),
    );
    const subjects = ["First", "Second", "Third"];
    for (const subject of subjects) {
      await createMailing(t, {
        subject,
        text: "Hello",
        category: "statutory",
        audience: { type: "all_members" },
        sendAt: "2026-11-21T09:00:00Z",
      });
    }
    t.database.client.close();

    const server = await startServer(t.database.path);
    // The ticks run "now", as the server's own cron does, so that both read the same leases.
    const at = new Date().toISOString();
    const ticks = Array.from({ length: 5 }, () => runTick(t.database.path, at));
    let ticksDone = false;
    const allTicks = Promise.all(ticks).finally(() => {
      ticksDone = true;
    });

    const statuses: number[] = [];
    const failures: string[] = [];
    const call = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${server.base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${adminKey}`, "Content-Type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      statuses.push(response.status);
      const text = await response.text();
      if (response.status >= 300) failures.push(`${method} ${path} → ${response.status} ${text.slice(0, 200)}`);
      return response.status < 300 ? (JSON.parse(text) as { id: string }) : undefined;
    };
    // Eight writers, each creating and changing members until the ticks are over (at most 40 rounds each).
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let round = 0; round < 40 && (!ticksDone || round < 3); round++) {
        const created = await call(
          "POST",
          "/v1/orgs/demo/members",
          { name: `Writer ${writer} round ${round}`, email: `w${writer}r${round}@example.org` },
          { "Idempotency-Key": `w${writer}-r${round}` },
        );
        if (created) await call("PATCH", `/v1/orgs/demo/members/${created.id}`, { city: `City ${round}` });
      }
    });
    await Promise.all(writers);
    const outcomes = await allTicks;

    expect(failures).toEqual([]);
    expect(statuses.length).toBeGreaterThanOrEqual(8 * 3 * 2);
    expect(outcomes.filter((outcome) => outcome.code !== 0).map((outcome) => outcome.output)).toEqual([]);
    // Every tick planned and sent beside the others and the server. Who sent how much depends on timing: once
    // its minute comes, the server's in-process sender sends everything still due at once.
    const delivering = outcomes
      .flatMap((outcome) => outcome.output.trim().split("\n"))
      .map((line) => JSON.parse(line) as { job: string; ok: boolean })
      .filter((report) => report.job === "mailings.deliver");
    expect(delivering.map((report) => report.ok)).toEqual(Array(ticks.length).fill(true));

    // Whatever is left is sent by one more tick; then every recipient has each mailing exactly once.
    const last = await runTick(t.database.path, new Date().toISOString());
    expect(last.code, last.output).toBe(0);
    server.child.kill("SIGTERM");
    const client = await openEmbedded(`file:${t.database.path}`);
    try {
      const copies = await client.execute(
        `SELECT subject, "to" AS recipient, count(*) AS n FROM mail_outbox GROUP BY subject, "to" ORDER BY subject, "to"`,
      );
      expect(copies.rows.filter((row) => Number(row.n) !== 1)).toEqual([]);
      expect(copies.rows.length).toBe(subjects.length * recipients);
      const unsent = await client.execute("SELECT count(*) AS n FROM mailing_deliveries WHERE status <> 'sent'");
      expect(Number(unsent.rows[0]?.n)).toBe(0);
    } finally {
      client.close();
    }
  }, 180_000);
});
