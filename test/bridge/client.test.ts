import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, LibsqlError } from "@libsql/client/web";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHranaBridge } from "../../tools/libsql-bridge/index.ts";
import { startTestBridge, type TestBridge } from "./helpers.ts";

let bridge: TestBridge;
let url: string;
let client: Client;

beforeAll(async () => {
  bridge = await startTestBridge();
});

afterAll(async () => {
  await bridge.stop();
});

beforeEach(async () => {
  url = await bridge.newDatabase();
  client = createClient({ url, intMode: "bigint" });
  await client.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, age INTEGER)");
});

afterEach(() => {
  client.close();
});

async function names(): Promise<string[]> {
  const result = await client.execute("SELECT name FROM person ORDER BY id");
  return result.rows.map((row) => String(row.name));
}

async function errorOf(promise: Promise<unknown>): Promise<LibsqlError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LibsqlError) return error;
    throw error;
  }
  throw new Error("expected the promise to reject");
}

describe("@libsql/client/web over the bridge", () => {
  it("executes with positional and named arguments", async () => {
    const inserted = await client.execute({ sql: "INSERT INTO person (name, age) VALUES (?, ?)", args: ["Ada", 36] });
    expect(inserted.rowsAffected).toBe(1);
    expect(inserted.lastInsertRowid).toBe(1n);
    await client.execute({ sql: "INSERT INTO person (name, age) VALUES (:name, $age)", args: { name: "Grace", age: 85 } });
    await client.execute({ sql: "INSERT INTO person (name, age) VALUES (@name, @age)", args: { "@name": "Linus", age: 1 } });
    const result = await client.execute({ sql: "SELECT name, age FROM person WHERE age > ? ORDER BY id", args: [30] });
    expect(result.columns).toEqual(["name", "age"]);
    expect(result.columnTypes).toEqual(["TEXT", "INTEGER"]);
    expect(result.rows.map((row) => [row.name, row.age])).toEqual([
      ["Ada", 36n],
      ["Grace", 85n],
    ]);
    expect(result.rowsAffected).toBe(0);
    expect(result.lastInsertRowid).toBeUndefined();
  });

  it("round-trips every value type", async () => {
    await client.execute("CREATE TABLE value (i INTEGER, big INTEGER, f REAL, t TEXT, b BLOB, n, any_float)");
    const blob = new Uint8Array([0, 1, 2, 253, 254, 255]);
    await client.execute({
      sql: "INSERT INTO value VALUES (?, ?, ?, ?, ?, ?, ?)",
      args: [42n, 2n ** 62n, 3.25, "grüß dich ✓", blob, null, 2.5],
    });
    const { rows } = await client.execute(
      "SELECT i, big, f, t, b, n, any_float, typeof(big) AS kind, -9223372036854775807 - 1 AS min FROM value",
    );
    const row = rows[0];
    expect(row?.i).toBe(42n);
    expect(row?.big).toBe(4611686018427387904n);
    expect(row?.f).toBe(3.25);
    expect(row?.t).toBe("grüß dich ✓");
    expect(new Uint8Array(row?.b as ArrayBuffer)).toEqual(blob);
    expect(row?.n).toBeNull();
    expect(row?.any_float).toBe(2.5);
    expect(row?.kind).toBe("integer");
    expect(row?.min).toBe(-(2n ** 63n));
  });

  it("keeps integers exact in number mode only while they are safe", async () => {
    const numbers = createClient({ url });
    try {
      const { rows } = await numbers.execute("SELECT 9007199254740991 AS safe, 1.0 AS real");
      expect(rows[0]?.safe).toBe(9007199254740991);
      expect(rows[0]?.real).toBe(1);
      await expect(numbers.execute("SELECT 9007199254740993")).rejects.toThrow(RangeError);
    } finally {
      numbers.close();
    }
  });

  it("runs a batch atomically and rolls it back when a statement fails", async () => {
    const results = await client.batch(
      [
        { sql: "INSERT INTO person (name) VALUES (?)", args: ["Ada"] },
        { sql: "INSERT INTO person (name) VALUES (?)", args: ["Grace"] },
        "SELECT count(*) AS n FROM person",
      ],
      "write",
    );
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 1, 0]);
    expect(results[2]?.rows[0]?.n).toBe(2n);

    const error = await errorOf(
      client.batch(
        [
          { sql: "INSERT INTO person (name) VALUES (?)", args: ["Linus"] },
          { sql: "INSERT INTO person (name) VALUES (?)", args: ["Ada"] },
        ],
        "write",
      ),
    );
    expect(error.code).toMatch(/^SQLITE_CONSTRAINT/);
    expect(await names()).toEqual(["Ada", "Grace"]);
  });

  it("reuses stored SQL for repeated statements in a batch", async () => {
    const statements = Array.from({ length: 40 }, (_, i) => ({ sql: "INSERT INTO person (name) VALUES (?)", args: [`p${i}`] }));
    await client.batch(statements, "write");
    expect(await names()).toHaveLength(40);
  });

  it("commits an interactive transaction", async () => {
    const tx = await client.transaction("write");
    await tx.execute({ sql: "INSERT INTO person (name) VALUES (?)", args: ["Ada"] });
    const inside = await tx.execute("SELECT count(*) AS n FROM person");
    expect(inside.rows[0]?.n).toBe(1n);
    await tx.batch([{ sql: "INSERT INTO person (name) VALUES (?)", args: ["Grace"] }]);
    await tx.commit();
    expect(await names()).toEqual(["Ada", "Grace"]);
  });

  it("rolls back an interactive transaction, explicitly or after a failed statement", async () => {
    const tx = await client.transaction("write");
    await tx.execute({ sql: "INSERT INTO person (name) VALUES (?)", args: ["Ada"] });
    await tx.rollback();
    expect(await names()).toEqual([]);

    await client.execute({ sql: "INSERT INTO person (name) VALUES (?)", args: ["Grace"] });
    const tx2 = await client.transaction("write");
    await tx2.execute({ sql: "INSERT INTO person (name) VALUES (?)", args: ["Linus"] });
    const error = await errorOf(tx2.execute({ sql: "INSERT INTO person (name) VALUES (?)", args: ["Grace"] }));
    expect(error.code).toMatch(/^SQLITE_CONSTRAINT/);
    // The failed statement leaves the transaction open, as in SQLite.
    await tx2.execute({ sql: "INSERT INTO person (name) VALUES (?)", args: ["Margaret"] });
    await tx2.rollback();
    expect(await names()).toEqual(["Grace"]);
  });

  it("supports executeMultiple inside and outside transactions", async () => {
    await client.executeMultiple(`
      INSERT INTO person (name) VALUES ('Ada');
      CREATE TRIGGER bump AFTER INSERT ON person BEGIN UPDATE person SET age = 1 WHERE id = new.id; END;
      INSERT INTO person (name) VALUES ('Grace');
    `);
    const { rows } = await client.execute("SELECT name, age FROM person ORDER BY id");
    expect(rows.map((row) => [row.name, row.age])).toEqual([
      ["Ada", null],
      ["Grace", 1n],
    ]);
    const tx = await client.transaction("write");
    await tx.executeMultiple("INSERT INTO person (name) VALUES ('x'); INSERT INTO person (name) VALUES ('y');");
    await tx.rollback();
    expect(await names()).toEqual(["Ada", "Grace"]);
  });

  it("runs migrations with foreign keys switched off for their duration", async () => {
    await client.execute("CREATE TABLE pet (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL REFERENCES person(id))");
    await expect(client.execute("INSERT INTO pet (owner) VALUES (99)")).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT" });
    await client.migrate([
      "INSERT INTO pet (owner) VALUES (99)",
      "CREATE TABLE pet_new (id INTEGER PRIMARY KEY, owner INTEGER)",
      "INSERT INTO pet_new SELECT * FROM pet",
      "DROP TABLE pet",
      "ALTER TABLE pet_new RENAME TO pet",
    ]);
    const { rows } = await client.execute("SELECT owner FROM pet");
    expect(rows.map((row) => row.owner)).toEqual([99n]);
    const fk = await client.execute("PRAGMA foreign_keys");
    expect(fk.rows[0]?.[0]).toBe(1n);
  });

  it("reports a UNIQUE violation with a SQLITE_CONSTRAINT code", async () => {
    await client.execute({ sql: "INSERT INTO person (name) VALUES (?)", args: ["Ada"] });
    const error = await errorOf(client.execute({ sql: "INSERT INTO person (name) VALUES (?)", args: ["Ada"] }));
    expect(error.code).toBe("SQLITE_CONSTRAINT");
    expect(error.message).toContain("UNIQUE constraint failed: person.name");
  });

  it("reports what sqld reports for statements it refuses", async () => {
    expect((await errorOf(client.execute("SELECT 1; SELECT 2"))).code).toBe("SQL_MANY_STATEMENTS");
    expect((await errorOf(client.execute("-- nothing"))).code).toBe("SQL_NO_STATEMENT");
    expect((await errorOf(client.execute({ sql: "SELECT ?, ?", args: [1] }))).code).toBe("ARGS_INVALID");
    expect((await errorOf(client.execute("SELECT * FROM nowhere"))).message).toContain("no such table: nowhere");
  });

  it("serves the default database at the root URL", async () => {
    const root = createClient({ url: bridge.url });
    try {
      await root.execute("CREATE TABLE IF NOT EXISTS marker (x)");
      const { rows } = await root.execute("SELECT name FROM sqlite_schema WHERE name = 'marker'");
      expect(rows).toHaveLength(1);
      expect((await client.execute("SELECT name FROM sqlite_schema WHERE name = 'marker'")).rows).toHaveLength(0);
    } finally {
      root.close();
    }
  });

  it("explains a database URL without its trailing slash", async () => {
    const wrong = createClient({ url: url.replace(/\/$/, "") });
    try {
      const error = await errorOf(wrong.execute("SELECT 1"));
      expect(error.message).toContain("must end with a slash");
    } finally {
      wrong.close();
    }
  });
});

describe("databases", () => {
  it("clones a template with its committed data, independently of it", async () => {
    const templateUrl = await bridge.newDatabase({ name: "template-clone" });
    const template = createClient({ url: templateUrl });
    try {
      await template.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT)");
      await template.execute("INSERT INTO setting VALUES ('theme', 'dark')");
      const started = performance.now();
      const copyUrl = await bridge.newDatabase({ template: "template-clone" });
      expect(performance.now() - started).toBeLessThan(1000);
      const copy = createClient({ url: copyUrl });
      try {
        expect((await copy.execute("SELECT value FROM setting")).rows[0]?.value).toBe("dark");
        await copy.execute("UPDATE setting SET value = 'light'");
        expect((await template.execute("SELECT value FROM setting")).rows[0]?.value).toBe("dark");
      } finally {
        copy.close();
      }
    } finally {
      template.close();
    }
  });

  it("validates names and refuses duplicates and unknown templates", async () => {
    const create = (body: unknown) =>
      fetch(`${bridge.url}/_bridge/databases`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
    expect((await create({ name: "../escape" })).status).toBe(400);
    expect((await create({ name: "a/b" })).status).toBe(400);
    expect((await create({ name: "x".repeat(65) })).status).toBe(400);
    expect((await create({ name: "v2" })).status).toBe(400);
    expect((await create({ template: "../default" })).status).toBe(400);
    expect((await create("not json")).status).toBe(400);
    expect((await create({ template: "missing" })).status).toBe(404);
    const first = await create({ name: "unique-name" });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ name: "unique-name", url: `${bridge.url}/db/unique-name/` });
    expect((await create({ name: "unique-name" })).status).toBe(409);
  });

  it("answers 404 for an unknown database and deletes databases", async () => {
    const missing = createClient({ url: `${bridge.url}/db/missing/` });
    try {
      expect((await errorOf(missing.execute("SELECT 1"))).message).toContain('Database "missing" does not exist');
    } finally {
      missing.close();
    }
    const doomedUrl = await bridge.newDatabase({ name: "doomed" });
    const doomed = createClient({ url: doomedUrl });
    await doomed.execute("CREATE TABLE t (x)");
    doomed.close();
    expect((await fetch(`${bridge.url}/_bridge/databases/doomed`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${bridge.url}/_bridge/databases/doomed`, { method: "DELETE" })).status).toBe(404);
    expect((await bridge.newDatabase({ name: "doomed" })).endsWith("/db/doomed/")).toBe(true);
    const reborn = createClient({ url: doomedUrl });
    try {
      expect((await reborn.execute("SELECT count(*) AS n FROM sqlite_schema")).rows[0]?.n).toBe(0);
    } finally {
      reborn.close();
    }
  });

  it("counts the statements and round trips each database was sent", async () => {
    const countsOf = async (name: string) => {
      const response = await fetch(`${bridge.url}/_bridge/databases/${name}/counts`);
      return { status: response.status, body: await response.json() };
    };
    const countedUrl = await bridge.newDatabase({ name: "counted" });
    expect(await countsOf("counted")).toEqual({ status: 200, body: { statements: 0, roundTrips: 0 } });
    const counted = createClient({ url: countedUrl });
    try {
      await counted.execute("CREATE TABLE t (x)");
      // One round trip; the client wraps the batch in BEGIN … COMMIT, which is not counted.
      await counted.batch(["INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)", "SELECT count(*) FROM t"], "write");
    } finally {
      counted.close();
    }
    expect(await countsOf("counted")).toEqual({ status: 200, body: { statements: 4, roundTrips: 2 } });
    // Another database's work is its own.
    expect(Number((await client.execute("SELECT count(*) AS n FROM person")).rows[0]?.n)).toBe(0);
    expect((await countsOf("counted")).body).toEqual({ statements: 4, roundTrips: 2 });
    expect(bridge.bridge.counts("counted")).toEqual({ statements: 4, roundTrips: 2 });
    expect((await countsOf("never-made")).status).toBe(404);
  });
});

describe("the fetch handler on its own", () => {
  it("serves a client in-process under a base path, optionally with extended error codes", async () => {
    const directory = await mkdtemp(join(tmpdir(), "grasrot-bridge-"));
    const handler = createHranaBridge({ directory, basePath: "/hrana", extendedErrorCodes: true });
    try {
      const name = await handler.createDatabase({ name: "inproc" });
      const inProcess = createClient({
        url: `http://bridge.invalid/hrana/db/${name}/`,
        fetch: (request: Request) => handler.fetch(request),
      });
      try {
        await inProcess.execute("CREATE TABLE t (x UNIQUE)");
        await inProcess.execute("INSERT INTO t VALUES (1)");
        const error = await errorOf(inProcess.execute("INSERT INTO t VALUES (1)"));
        expect(error.code).toBe("SQLITE_CONSTRAINT_UNIQUE");
      } finally {
        inProcess.close();
      }
      expect((await handler.fetch(new Request("http://bridge.invalid/v2"))).status).toBe(404);
      expect((await handler.fetch(new Request("http://bridge.invalid/hrana/v2"))).status).toBe(200);
    } finally {
      await handler.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
