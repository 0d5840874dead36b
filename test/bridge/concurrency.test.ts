import { type Client, createClient, LibsqlError } from "@libsql/client/web";
import { afterEach, describe, expect, it } from "vitest";
import { bridgeBusyTimeoutMs } from "../../tools/libsql-bridge/connection.ts";
import { settledWithin, sleep, startTestBridge, type TestBridge } from "./helpers.ts";

let bridge: TestBridge | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await bridge?.stop();
  bridge = undefined;
});

async function setup(options: Parameters<typeof startTestBridge>[0] = {}): Promise<() => Client> {
  bridge = await startTestBridge(options);
  const url = await bridge.newDatabase();
  const open = (): Client => {
    const client = createClient({ url });
    clients.push(client);
    return client;
  };
  await open().execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, who TEXT NOT NULL)");
  return open;
}

async function entries(client: Client): Promise<string[]> {
  const { rows } = await client.execute("SELECT who FROM entry ORDER BY id");
  return rows.map((row) => String(row.who));
}

describe("concurrent streams", () => {
  it("gives its connections a busy timeout, for other processes on the same file", async () => {
    const open = await setup();
    const tx = await open().transaction("write");
    const inTransaction = await tx.execute("PRAGMA busy_timeout");
    await tx.rollback();
    expect(Number(inTransaction.rows[0]?.[0])).toBe(bridgeBusyTimeoutMs);
    expect(Number((await open().execute("PRAGMA busy_timeout")).rows[0]?.[0])).toBe(bridgeBusyTimeoutMs);
  });

  it("makes a second interactive transaction wait for the first instead of deadlocking", async () => {
    const open = await setup();
    const a = open();
    const b = open();
    const txA = await a.transaction("write");
    await txA.execute("INSERT INTO entry (who) VALUES ('a1')");

    const txB = await b.transaction("write");
    const bFirst = txB.execute("INSERT INTO entry (who) VALUES ('b1')");
    expect(await settledWithin(bFirst, 150)).toBe("pending");

    // The holder is not slowed down by the waiter.
    await txA.execute("INSERT INTO entry (who) VALUES ('a2')");
    await txA.commit();
    expect(await settledWithin(bFirst, 2000)).toMatchObject({ value: { rowsAffected: 1 } });
    await txB.execute("INSERT INTO entry (who) VALUES ('b2')");
    await txB.commit();
    expect(await entries(a)).toEqual(["a1", "a2", "b1", "b2"]);
  });

  it("makes autocommit statements, reads included, wait for an open transaction", async () => {
    const open = await setup();
    const a = open();
    const b = open();
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO entry (who) VALUES ('tx')");
    const read = b.execute("SELECT count(*) AS n FROM entry");
    const write = b.execute("INSERT INTO entry (who) VALUES ('plain')");
    expect(await settledWithin(read, 150)).toBe("pending");
    await tx.rollback();
    expect((await read).rows[0]?.n).toBe(0);
    await write;
    expect(await entries(a)).toEqual(["plain"]);
  });

  it("answers SQLITE_BUSY when the lock does not come free in time", async () => {
    const open = await setup({ lockTimeoutMs: 200 });
    const a = open();
    const b = open();
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO entry (who) VALUES ('a')");
    const started = performance.now();
    const error = await b.execute("INSERT INTO entry (who) VALUES ('b')").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibsqlError);
    expect((error as LibsqlError).code).toBe("SQLITE_BUSY");
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await tx.commit();
    await b.execute("INSERT INTO entry (who) VALUES ('b')");
    expect(await entries(a)).toEqual(["a", "b"]);
  });

  it("frees the lock of an abandoned transaction when its stream expires", async () => {
    const open = await setup({ streamIdleTimeoutMs: 200 });
    const a = open();
    const b = open();
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO entry (who) VALUES ('abandoned')");
    await b.execute("INSERT INTO entry (who) VALUES ('b')");
    const error = await tx.execute("INSERT INTO entry (who) VALUES ('late')").catch((e: unknown) => e);
    expect((error as LibsqlError).code).toBe("STREAM_EXPIRED");
    expect(await entries(b)).toEqual(["b"]);
  });

  it("keeps many concurrent read-modify-write transactions consistent", async () => {
    const open = await setup();
    const setupClient = open();
    await setupClient.execute("CREATE TABLE counter (n INTEGER NOT NULL)");
    await setupClient.execute("INSERT INTO counter VALUES (0)");
    const workers = Array.from({ length: 8 }, () => open());
    await Promise.all(
      workers.flatMap((client) =>
        Array.from({ length: 5 }, async () => {
          const tx = await client.transaction("write");
          try {
            const { rows } = await tx.execute("SELECT n FROM counter");
            await sleep(1);
            await tx.execute({ sql: "UPDATE counter SET n = ?", args: [Number(rows[0]?.n) + 1] });
            await tx.commit();
          } finally {
            tx.close();
          }
        }),
      ),
    );
    const { rows } = await setupClient.execute("SELECT n FROM counter");
    expect(rows[0]?.n).toBe(40);
  });

  it("closes streams and refuses requests when the bridge shuts down", async () => {
    const open = await setup();
    const a = open();
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO entry (who) VALUES ('x')");
    const running = bridge;
    bridge = undefined;
    await running?.stop();
    await expect(tx.commit()).rejects.toBeInstanceOf(Error);
  });
});
