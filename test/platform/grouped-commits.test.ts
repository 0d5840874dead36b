/**
 * Batches of writes that meet on the embedded file share one commit (src/db/embedded.ts,
 * groupedBatches; EmbeddedConnection.batches). What callers rely on: each batch is answered
 * as if it had run alone (its own results, its own error with the statement that failed,
 * nothing of a failed batch applied, the others applied whole), the connection writes on
 * after a failure, and a batch waits for the gate no longer than it would alone.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LibsqlBatchError } from "@libsql/client";
import Database from "libsql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openEmbedded } from "../../src/db/embedded.ts";
import { EmbeddedConnection } from "../../src/db/embedded-connection.ts";
import { WriteGateTimeout } from "../../src/db/write-gate.ts";

const directory = mkdtempSync(join(tmpdir(), "grasrot-groups-"));
let counter = 0;
const newPath = () => join(directory, `db-${++counter}.db`);

afterEach(() => {
  vi.restoreAllMocks();
});

async function table(path: string, options: { gateTimeoutMs?: number } = {}) {
  const client = await openEmbedded(`file:${path}`, options);
  await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER CHECK (n >= 0))");
  return client;
}

const names = async (client: Awaited<ReturnType<typeof table>>) =>
  (await client.execute("SELECT name FROM t ORDER BY id")).rows.map((row) => row.name);

describe("batches that meet share one commit", () => {
  it("each holding or failing alone, with its own results and its own error", async () => {
    const client = await table(newPath());
    const grouped = vi.spyOn(EmbeddedConnection.prototype, "batches");
    const insert = (id: number, name: string, n = 1) => ({ sql: "INSERT INTO t VALUES (?, ?, ?) RETURNING id, name", args: [id, name, n] });
    // Asked in one turn of the event loop, as requests read together are.
    const outcomes = await Promise.allSettled([
      client.batch([insert(1, "Anna"), insert(2, "Bo")], "write"),
      client.batch([insert(3, "Cecilia"), insert(4, "Anna"), insert(5, "Dan")], "write"),
      client.batch([insert(6, "Erik"), insert(7, "Frida", -1)], "write"),
      client.batch([insert(8, "Gun"), { sql: "UPDATE t SET n = n + 1 WHERE name = ?", args: ["Anna"] }], "write"),
    ]);
    expect(grouped).toHaveBeenCalledTimes(1);
    expect(grouped.mock.calls[0]?.[0]).toHaveLength(4);

    const [first, second, third, fourth] = outcomes;
    expect(first?.status === "fulfilled" && first.value.map((result) => result.rows[0]?.name)).toEqual(["Anna", "Bo"]);
    expect(second?.status === "rejected" && second.reason).toBeInstanceOf(LibsqlBatchError);
    expect(second?.status === "rejected" && second.reason).toMatchObject({ statementIndex: 1, code: "SQLITE_CONSTRAINT" });
    expect(third?.status === "rejected" && third.reason).toMatchObject({ statementIndex: 1, code: "SQLITE_CONSTRAINT" });
    // The fourth saw the first's rows, as it would have run after it alone.
    expect(fourth?.status === "fulfilled" && [fourth.value[0]?.rows[0]?.name, fourth.value[1]?.rowsAffected]).toEqual(["Gun", 1]);
    expect(await names(client)).toEqual(["Anna", "Bo", "Gun"]);
    expect(Number((await client.execute("SELECT n FROM t WHERE name = 'Anna'")).rows[0]?.n)).toBe(2);

    // The connection writes on, and nothing was left holding the write lock.
    await client.batch([insert(9, "Hans")], "write");
    const other = new Database(join(directory, `db-${counter}.db`), { timeout: 0 });
    other.prepare("INSERT INTO t VALUES (10, 'Ida', 0)").run();
    other.close();
    expect(await names(client)).toEqual(["Anna", "Bo", "Gun", "Hans", "Ida"]);
    client.close();
  });

  it("a batch alone runs as before, and a failure of it applies nothing", async () => {
    const client = await table(newPath());
    const grouped = vi.spyOn(EmbeddedConnection.prototype, "batches");
    await client.batch(["INSERT INTO t VALUES (1, 'Anna', 1)"], "write");
    const failed = await client
      .batch(["INSERT INTO t VALUES (2, 'Bo', 1)", "INSERT INTO t VALUES (3, 'Anna', 1)"], "write")
      .catch((error: unknown) => error);
    expect(failed).toMatchObject({ statementIndex: 1, code: "SQLITE_CONSTRAINT" });
    expect(grouped.mock.calls.map(([groups]) => groups.length)).toEqual([1, 1]);
    expect(await names(client)).toEqual(["Anna"]);
    client.close();
  });

  it("wait for the gate each no longer than alone: a batch that came later is not refused with the first", async () => {
    const client = await table(newPath(), { gateTimeoutMs: 300 });
    const transaction = await client.transaction("write");
    await transaction.execute("INSERT INTO t VALUES (1, 'Held', 1)");
    const first = client.batch(["INSERT INTO t VALUES (2, 'First', 1)"], "write").catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = client.batch(["INSERT INTO t VALUES (3, 'Second', 1)"], "write");
    expect(await first).toBeInstanceOf(WriteGateTimeout);
    await transaction.commit();
    await second;
    expect(await names(client)).toEqual(["Held", "Second"]);
    client.close();
  });
});
