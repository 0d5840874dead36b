/**
 * The embedded client's reads (src/db/embedded-connection.ts): every plain query outside a
 * transaction runs on one connection whose statements are prepared once per text. What the
 * app relies on: the rows look exactly as @libsql/client's, a read sees every commit before
 * it whichever connection made it, a failed or unusual statement does not leave the
 * connection behind on an old snapshot, and a text is not prepared again on every request.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, LibsqlBatchError } from "@libsql/client";
import { createClient } from "@libsql/client/node";
import Database from "libsql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { embeddedFilePath, openEmbedded } from "../../src/db/embedded.ts";
import { mappedFileBytes, openFileConnection } from "../../src/db/file-connection.ts";

const directory = mkdtempSync(join(tmpdir(), "grasrot-reads-"));
let counter = 0;
const newPath = () => join(directory, `db-${++counter}.db`);

afterEach(() => {
  vi.restoreAllMocks();
});

async function table(path: string) {
  const client = await openEmbedded(`file:${path}`);
  await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB, big INTEGER, ratio REAL)");
  await client.execute({
    sql: "INSERT INTO t VALUES (1, 'Anna', ?, 9007199254740991, 0.5), (2, 'Erik', NULL, -3, NULL)",
    args: [new Uint8Array([1, 2, 3]).buffer],
  });
  return client;
}

/** How often the driver prepared `text` while `run` ran twenty times on a fresh client. */
async function preparations(text: string, run: (client: Client, i: number) => Promise<unknown>): Promise<number> {
  const client = await table(newPath());
  const prepare = vi.spyOn(Database.prototype, "prepare");
  for (let i = 0; i < 20; i++) await run(client, i);
  client.close();
  return prepare.mock.calls.filter(([sql]) => sql === text).length;
}

describe("reads on the embedded file", () => {
  it("give rows of the same shape and values as @libsql/client", async () => {
    const path = newPath();
    const client = await table(path);
    const plain = createClient({ url: `file:${path}` });
    const query = {
      sql: "SELECT t.id, t.name, t.data, t.big, t.ratio, u.name, t.id + 0.0 AS real_id FROM t JOIN t AS u ON u.id = t.id WHERE t.id >= ? ORDER BY t.id",
      args: [1],
    };
    const ours = await client.execute(query);
    const theirs = await plain.execute(query);
    expect(ours.columns).toEqual(theirs.columns);
    expect(ours.columnTypes).toEqual(theirs.columnTypes);
    expect(ours.rows.length).toBe(2);
    for (const [index, row] of ours.rows.entries()) {
      const expected = theirs.rows[index];
      // By name (enumerable, the first of two columns of one name), by index and length (neither enumerable).
      expect(Object.keys(row)).toEqual(Object.keys(expected ?? {}));
      expect({ ...row }).toEqual({ ...expected });
      expect(JSON.stringify(row)).toBe(JSON.stringify(expected));
      expect(row.length).toBe(expected?.length);
      expect(Array.prototype.slice.call(row)).toEqual(Array.prototype.slice.call(expected));
    }
    expect(ours.rows[0]?.data).toEqual(new Uint8Array([1, 2, 3]).buffer);
    expect(JSON.stringify(ours.toJSON())).toBe(JSON.stringify(theirs.toJSON()));
    plain.close();
    client.close();
  });

  it("see every commit before them, from this client's writes and from other connections", async () => {
    const path = newPath();
    const client = await table(path);
    const count = async () => Number((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n);
    expect(await count()).toBe(2);
    await client.execute("INSERT INTO t (id, name) VALUES (3, 'Sara')");
    expect(await count()).toBe(3);
    await client.batch(["INSERT INTO t (id, name) VALUES (4, 'Ali')"], "write");
    expect(await count()).toBe(4);
    const other = new Database(path);
    other.prepare("INSERT INTO t (id, name) VALUES (5, 'Elin')").run();
    expect(await count()).toBe(5);
    other.close();
    client.close();
  });

  it("stay current after a query fails and after EXPLAIN", async () => {
    const path = newPath();
    const client = await table(path);
    // Nothing in the write-ahead log, as in a database just copied or checkpointed: a reader
    // that kept its snapshot then reads the file alone and misses every later commit.
    await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    const other = new Database(path);
    const names = async () => (await client.execute("SELECT name FROM t ORDER BY id")).rows.map((row) => row.name);
    // Fails on its second row, after the statement has begun reading.
    await expect(
      client.execute("SELECT json_extract(CASE id WHEN 1 THEN '{}' ELSE 'not json' END, '$.a') FROM t ORDER BY id"),
    ).rejects.toThrow(/json/i);
    other.prepare("UPDATE t SET name = 'Anna B' WHERE id = 1").run();
    expect(await names()).toEqual(["Anna B", "Erik"]);
    // The driver leaves EXPLAIN unfinished on its connection: later reads there would keep to a snapshot it holds.
    await client.execute({ sql: "EXPLAIN QUERY PLAN SELECT name FROM t WHERE id = ?", args: [1] });
    for (const [id, name] of [
      [1, "Anna C"],
      [2, "Erik D"],
      [1, "Anna E"],
    ] as const) {
      other.prepare("UPDATE t SET name = ? WHERE id = ?").run([name, id]);
      expect((await names())[id - 1]).toBe(name);
    }
    other.close();
    client.close();
  });

  it("read the file through a memory map, on a connection renewed after a failure too", async () => {
    const path = newPath();
    // The build maps as much as asked: one that allowed less would quietly map less.
    const direct = openFileConnection(path, 0);
    expect(Number((direct.prepare("PRAGMA mmap_size").raw(true).get() as unknown[])[0])).toBe(mappedFileBytes);
    direct.close();
    const exec = vi.spyOn(Database.prototype, "exec");
    const mapped = () => exec.mock.calls.filter(([text]) => text === `PRAGMA mmap_size = ${mappedFileBytes}`).length;
    const client = await table(path);
    // The read connection and the write connection.
    expect(mapped()).toBe(2);
    await expect(client.execute("SELECT json_extract('not json', '$.a')")).rejects.toThrow(/json/i);
    expect(mapped()).toBe(3);
    client.close();
  });

  it("prepare a query text once, however often it runs", async () => {
    const text = "SELECT name FROM t WHERE id = ?";
    expect(await preparations(text, (client, i) => client.execute({ sql: text, args: [i] }))).toBe(1);
  });
});

describe("writes on the embedded file", () => {
  it("answer as @libsql/client: rows changed, RETURNING rows, and the same results in a batch", async () => {
    const path = newPath();
    const client = await table(path);
    const plain = createClient({ url: `file:${path}` });
    const update = { sql: "UPDATE t SET name = upper(name) WHERE id >= ?", args: [1] };
    const returning = { sql: "UPDATE t SET ratio = 1.5 WHERE id = ? RETURNING id, name, ratio", args: [2] };
    const ours = await client.execute(update);
    const theirs = await plain.execute(update);
    expect([ours.rowsAffected, ours.columns, ours.rows.length]).toEqual([theirs.rowsAffected, theirs.columns, theirs.rows.length]);
    expect(ours.rowsAffected).toBe(2);
    const [a, b] = await client.batch([returning, "DELETE FROM t WHERE id = 99"], "write");
    const [c, d] = await plain.batch([returning, "DELETE FROM t WHERE id = 99"], "write");
    expect({ ...a?.rows[0] }).toEqual({ ...c?.rows[0] });
    expect([a?.rowsAffected, b?.rowsAffected]).toEqual([c?.rowsAffected, d?.rowsAffected]);
    plain.close();
    client.close();
  });

  it("apply a batch all or nothing, say which statement failed, and go on writing after", async () => {
    const path = newPath();
    const client = await table(path);
    const failed = await client
      .batch(["INSERT INTO t (id, name) VALUES (10, 'Ten')", "INSERT INTO t (id, name) VALUES (1, 'Again')", "DELETE FROM t"], "write")
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(LibsqlBatchError);
    expect(failed).toMatchObject({ statementIndex: 1, code: "SQLITE_CONSTRAINT" });
    expect(Number((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(2);
    await client.batch(["INSERT INTO t (id, name) VALUES (10, 'Ten')"], "write");
    await client.execute("INSERT INTO t (id, name) VALUES (11, 'Eleven')");
    expect(Number((await client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n)).toBe(4);
    // Another connection can write at once: nothing was left holding the write lock.
    const other = new Database(path, { timeout: 0 });
    other.prepare("INSERT INTO t (id, name) VALUES (12, 'Twelve')").run();
    other.close();
    client.close();
  });

  it("prepare a write's text once, however often it runs", async () => {
    const text = "UPDATE t SET ratio = ? WHERE id = ?";
    expect(await preparations(text, (client, i) => client.batch([{ sql: text, args: [i, 1] }], "write"))).toBe(1);
  });

  it("run write transactions on the write connection: its statements prepared once, a failed one leaving the transaction open", async () => {
    const text = "UPDATE t SET name = ? WHERE id = ?";
    const inTransaction = async (client: Client, i: number) => {
      const transaction = await client.transaction("write");
      await expect(transaction.execute("INSERT INTO t (id, name) VALUES (1, 'Again')")).rejects.toMatchObject({
        code: "SQLITE_CONSTRAINT",
      });
      await transaction.batch([{ sql: text, args: [`Anna ${i}`, 1] }]);
      await transaction.commit();
    };
    expect(await preparations(text, inTransaction)).toBe(1);
  });

  it("let a transaction end after its client was closed, without asking the closed connection anything", async () => {
    const client = await table(newPath());
    const transaction = await client.transaction("write");
    await transaction.execute("INSERT INTO t (id, name) VALUES (3, 'Tove')");
    client.close();
    // The driver aborts the whole process when a closed connection is asked whether it is in a transaction.
    transaction.close();
    await expect(transaction.commit()).rejects.toMatchObject({ code: "TRANSACTION_CLOSED" });
  });
});

describe("the file of a file: URL", () => {
  it("is read as @libsql/client reads it, and in-memory databases have none", () => {
    expect(embeddedFilePath("file:data/grasrot.db")).toBe("data/grasrot.db");
    expect(embeddedFilePath("file:/srv/grasrot.db")).toBe("/srv/grasrot.db");
    expect(embeddedFilePath("file:///srv/my%20db.db")).toBe("/srv/my db.db");
    expect(embeddedFilePath("file://localhost/srv/grasrot.db")).toBe("/srv/grasrot.db");
    expect(embeddedFilePath(":memory:")).toBeUndefined();
    expect(embeddedFilePath("file::memory:")).toBeUndefined();
    expect(embeddedFilePath("file:grasrot.db?mode=ro")).toBeUndefined();
  });
});
