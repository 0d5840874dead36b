/**
 * Code written for a plain client, run inside one transaction (what an idempotent request's
 * handler does): its batches stay all-or-nothing, and everything it wrote is committed or
 * rolled back with the transaction. With the embedded client and with the web client (the
 * Worker's, through the local bridge).
 */
import type { Client } from "@libsql/client";
import { createClient as createWebClient } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientInTransaction } from "../../src/db/in-transaction.ts";
import { startTestBridge, type TestBridge } from "../bridge/helpers.ts";
import { freshDatabase } from "../helpers/database.ts";

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge();
});
afterAll(async () => {
  await bridge.stop();
});

const kinds: [string, () => Promise<{ client: Client; close(): void }>][] = [
  ["embedded", () => freshDatabase()],
  [
    "web",
    async () => {
      const client = createWebClient({ url: await bridge.newDatabase() });
      return { client, close: () => client.close() };
    },
  ],
];

async function names(client: Client): Promise<string[]> {
  return (await client.execute("SELECT name FROM person ORDER BY name")).rows.map((row) => String(row.name));
}

describe.each(kinds)("a client inside a transaction (%s)", (_, open) => {
  it("keeps a failing batch all-or-nothing, and commits the rest with the transaction", async () => {
    const { client, close } = await open();
    try {
      await client.execute("CREATE TABLE person (name TEXT PRIMARY KEY)");
      const tx = await client.transaction("write");
      const inside = clientInTransaction(tx, client.protocol);
      await inside.execute("INSERT INTO person VALUES ('Ada')");
      await expect(
        inside.batch(["INSERT INTO person VALUES ('Bo')", "INSERT INTO person VALUES ('Ada')", "INSERT INTO person VALUES ('Cy')"]),
      ).rejects.toThrow(/UNIQUE/);
      const [inserted] = await inside.batch(["INSERT INTO person VALUES ('Di')"]);
      expect(inserted?.rowsAffected).toBe(1);
      await tx.commit();
      expect(await names(client)).toEqual(["Ada", "Di"]);
    } finally {
      close();
    }
  });

  it("leaves nothing when the transaction is rolled back", async () => {
    const { client, close } = await open();
    try {
      await client.execute("CREATE TABLE person (name TEXT PRIMARY KEY)");
      const tx = await client.transaction("write");
      const inside = clientInTransaction(tx, client.protocol);
      await inside.batch(["INSERT INTO person VALUES ('Ada')", "INSERT INTO person VALUES ('Bo')"]);
      await inside.execute("INSERT INTO person VALUES ('Cy')");
      await tx.rollback();
      expect(await names(client)).toEqual([]);
    } finally {
      close();
    }
  });
});
