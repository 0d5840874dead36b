import { describe, expect, it } from "vitest";
import { bootstrapIfEmpty } from "../../src/bootstrap.ts";
import { ConfigError, readConfig } from "../../src/config.ts";
import { createDb } from "../../src/db/index.ts";
import { runScheduled, schedule } from "../../src/jobs/cron-triggers.ts";
import { cronsDueAt, wranglerCrons } from "../../src/jobs/in-process.ts";
import { freshDatabase } from "../helpers/database.ts";

describe("configuration", () => {
  it("names every invalid variable", () => {
    expect(() => readConfig({ LIBSQL_URL: "postgres://x", GRASROT_OPERATOR_KEY: "short" })).toThrowError(ConfigError);
    try {
      readConfig({ LIBSQL_URL: "postgres://x", GRASROT_OPERATOR_KEY: "short" });
    } catch (error) {
      expect((error as Error).message).toContain("LIBSQL_URL");
      expect((error as Error).message).toContain("GRASROT_OPERATOR_KEY");
    }
  });

  it("treats blank variables as unset and reads CORS origins", () => {
    const config = readConfig({ LIBSQL_URL: "", GRASROT_CORS_ORIGINS: "https://a.example, https://b.example" });
    expect(config.libsql.url).toBeUndefined();
    expect(config.app.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(readConfig({}).app.corsOrigins).toBe("*");
  });
});

describe("bootstrap", () => {
  it("creates the first organisation and admin key once, with a given key", async () => {
    const database = await freshDatabase();
    const db = createDb(database.client);
    const now = new Date("2026-11-21T08:00:00Z");
    const first = await bootstrapIfEmpty(db, { slug: "forum", adminKey: "grs_given-key-from-the-environment", now });
    expect(first).toEqual({ slug: "forum", adminKey: "grs_given-key-from-the-environment" });
    expect(await bootstrapIfEmpty(db, { slug: "forum", now })).toBeUndefined();
    const orgs = await database.client.execute("SELECT slug FROM organisations");
    expect(orgs.rows.map((r) => r.slug)).toEqual(["forum"]);
    database.close();
  });

  it("makes a random key and the demo slug by default", async () => {
    const database = await freshDatabase();
    const boot = await bootstrapIfEmpty(createDb(database.client), { now: new Date() });
    expect(boot?.slug).toBe("demo");
    expect(boot?.adminKey).toMatch(/^grs_[0-9A-Za-z]{32}$/);
    database.close();
  });
});

describe("the schedule", () => {
  it("has exactly the crons that wrangler.toml triggers", () => {
    expect(wranglerCrons().sort()).toEqual(Object.keys(schedule).sort());
  });

  it("knows which crons are due at a minute", () => {
    expect(cronsDueAt(["17 3 * * *", "0 7 1 * *"], new Date("2026-12-01T07:00:30Z"))).toEqual(["0 7 1 * *"]);
    expect(cronsDueAt(["17 3 * * *"], new Date("2026-12-01T03:17:00Z"))).toEqual(["17 3 * * *"]);
  });

  it("reports an unknown cron as running nothing", async () => {
    const database = await freshDatabase();
    const reports = await runScheduled("1 2 3 4 5", new Date(), {
      db: createDb(database.client),
      mailer: { send: async () => ({ messageId: "" }) },
      clock: { now: () => new Date() },
    });
    expect(reports).toEqual([]);
    database.close();
  });
});
