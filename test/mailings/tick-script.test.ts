import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";
import { createMailing } from "./helpers.ts";
import { orgIdOf, seedMembers } from "./seed.ts";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url).pathname;

async function npmTick(databasePath: string, at: string) {
  return run("npm", ["run", "--silent", "tick", "--", "--at", at], {
    cwd: root,
    env: {
      ...process.env,
      LIBSQL_URL: `file:${databasePath}`,
      GRASROT_MAIL_TRANSPORT: "outbox",
      GRASROT_PUBLIC_URL: "https://api.example.org",
    },
  });
}

describe("npm run tick -- --at <instant>", () => {
  it("runs the jobs due at that instant against the configured database, once, and exits", async () => {
    const t = await testApp();
    await seedMembers(t.database.client, await orgIdOf(t.database.client), [
      { name: "Ada", email: "ada@example.org" },
      { name: "Bo", email: "bo@example.org" },
    ]);
    await createMailing(t, {
      subject: "Missed",
      text: "x",
      category: "statutory",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });

    const first = await npmTick(t.database.path, "2026-11-21T09:03:00Z");
    const reports = first.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { cron: string; job: string; ok: boolean; result: Record<string, number> });
    expect(reports.map((r) => r.job)).toEqual(expect.arrayContaining(["mailings.plan", "mailings.deliver"]));
    expect(reports.every((r) => r.ok && r.cron === "* * * * *")).toBe(true);
    expect(reports.find((r) => r.job === "mailings.deliver")?.result.sent).toBe(2);

    // Running the same tick again sends nobody twice.
    await npmTick(t.database.path, "2026-11-21T09:03:00Z");
    const outbox = (await (await t.request("GET", "/v1/orgs/demo/outbox")).json()) as { data: { to: string }[] };
    expect(outbox.data.map((m) => m.to).sort()).toEqual(["ada@example.org", "bo@example.org"]);
  }, 60_000);

  it("refuses a bad instant", async () => {
    const t = await testApp();
    await expect(npmTick(t.database.path, "yesterday")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--at must be an ISO 8601 instant"),
    });
  }, 30_000);
});
