import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client/web";
import { asc, eq, sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/libsql/migrator";
import { drizzle } from "drizzle-orm/libsql/web";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestBridge, type TestBridge } from "./helpers.ts";

const member = sqliteTable("member", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  joinedAt: integer("joined_at", { mode: "timestamp" }).notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
});

const dues = sqliteTable("dues", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  memberId: integer("member_id")
    .notNull()
    .references(() => member.id),
  cents: integer("cents").notNull(),
});

let bridge: TestBridge;
let migrations: string;
let client: Client;

beforeAll(async () => {
  bridge = await startTestBridge();
  // A migrations folder in drizzle-kit's layout, applied once to a template that every test clones.
  migrations = await mkdtemp(join(tmpdir(), "grasrot-migrations-"));
  await mkdir(join(migrations, "meta"));
  await writeFile(
    join(migrations, "meta", "_journal.json"),
    JSON.stringify({
      version: "7",
      dialect: "turso",
      entries: [{ idx: 0, version: "6", when: 1_700_000_000_000, tag: "0000_init", breakpoints: true }],
    }),
  );
  await writeFile(
    join(migrations, "0000_init.sql"),
    [
      "CREATE TABLE `member` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `name` text NOT NULL, `joined_at` integer NOT NULL, `active` integer DEFAULT true NOT NULL);",
      "CREATE UNIQUE INDEX `member_name_unique` ON `member` (`name`);",
      "CREATE TABLE `dues` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `member_id` integer NOT NULL REFERENCES `member`(`id`), `cents` integer NOT NULL);",
    ].join("\n--> statement-breakpoint\n"),
  );
  const templateUrl = await bridge.newDatabase({ name: "drizzle-template" });
  const templateClient = createClient({ url: templateUrl });
  try {
    await migrate(drizzle(templateClient), { migrationsFolder: migrations });
  } finally {
    templateClient.close();
  }
});

afterAll(async () => {
  await bridge.stop();
  await rm(migrations, { recursive: true, force: true });
});

beforeEach(async () => {
  client = createClient({ url: await bridge.newDatabase({ template: "drizzle-template" }) });
});

afterEach(() => {
  client.close();
});

describe("drizzle-orm/libsql/web over the bridge", () => {
  it("has the migrated schema and records the migration", async () => {
    const db = drizzle(client);
    const applied = await db.all<{ hash: string }>(sql`SELECT hash FROM __drizzle_migrations`);
    expect(applied).toHaveLength(1);
    // Migrating again is a no-op.
    await migrate(db, { migrationsFolder: migrations });
    expect(await db.all(sql`SELECT hash FROM __drizzle_migrations`)).toHaveLength(1);
  });

  it("inserts and selects with typed columns", async () => {
    const db = drizzle(client);
    const joinedAt = new Date("2024-05-01T10:00:00Z");
    const [ada] = await db.insert(member).values({ name: "Ada", joinedAt }).returning();
    await db.insert(member).values({ name: "Grace", joinedAt, active: false });
    expect(ada).toEqual({ id: 1, name: "Ada", joinedAt, active: true });
    const active = await db.select({ name: member.name }).from(member).where(eq(member.active, true));
    expect(active).toEqual([{ name: "Ada" }]);
    const first = await db.select({ name: member.name }).from(member).orderBy(asc(member.id)).limit(1).offset(1);
    expect(first).toEqual([{ name: "Grace" }]);
    const everyone = await db.select().from(member).orderBy(asc(member.id));
    expect(everyone.map((m) => [m.name, m.active])).toEqual([
      ["Ada", true],
      ["Grace", false],
    ]);
  });

  it("commits and rolls back db.transaction, including nested savepoints", async () => {
    const db = drizzle(client);
    const joinedAt = new Date();
    await db.transaction(async (tx) => {
      const [m] = await tx.insert(member).values({ name: "Ada", joinedAt }).returning({ id: member.id });
      await tx.insert(dues).values({ memberId: m?.id ?? 0, cents: 1200 });
      await tx
        .transaction(async (inner) => {
          await inner.insert(dues).values({ memberId: m?.id ?? 0, cents: 99 });
          throw new Error("undo the inner part only");
        })
        .catch(() => undefined);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(member).values({ name: "Grace", joinedAt });
        await tx.insert(member).values({ name: "Ada", joinedAt });
      }),
    ).rejects.toThrow();
    expect((await db.select({ name: member.name }).from(member)).map((m) => m.name)).toEqual(["Ada"]);
    expect((await db.select({ cents: dues.cents }).from(dues)).map((d) => d.cents)).toEqual([1200]);
  });

  it("enforces foreign keys and runs db.batch atomically", async () => {
    const db = drizzle(client);
    await expect(db.insert(dues).values({ memberId: 42, cents: 1 })).rejects.toThrow();
    await expect(
      db.batch([db.insert(member).values({ name: "Ada", joinedAt: new Date() }), db.insert(dues).values({ memberId: 42, cents: 1 })]),
    ).rejects.toThrow();
    expect(await db.select().from(member)).toEqual([]);
  });
});
