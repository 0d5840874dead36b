import { openHttp } from "@libsql/hrana-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { post, sleep, startTestBridge, type TestBridge } from "./helpers.ts";

let bridge: TestBridge;
let url: string;

beforeAll(async () => {
  bridge = await startTestBridge({ streamIdleTimeoutMs: 300 });
});

afterAll(async () => {
  await bridge.stop();
});

beforeEach(async () => {
  url = await bridge.newDatabase();
  const created = await post(`${url}v2/pipeline`, {
    requests: [
      { type: "execute", stmt: { sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE, price REAL)" } },
      { type: "close" },
    ],
  });
  expect(created.status).toBe(200);
});

const execute = (sql: string, extra: Record<string, unknown> = {}) => ({ type: "execute", stmt: { sql, ...extra } });

describe("endpoints and version negotiation", () => {
  it("answers the version probes the client may send", async () => {
    expect((await fetch(`${url}v2`)).status).toBe(200);
    expect((await fetch(`${url}v3`)).status).toBe(200);
    expect((await fetch(`${bridge.url}/v2`)).status).toBe(200);
    // A v3-capable client probes Protobuf first; a 404 makes it fall back to v2 JSON.
    expect((await fetch(`${url}v3-protobuf`)).status).toBe(404);
    expect((await fetch(`${url}v2/pipeline`)).status).toBe(405);
    expect((await fetch(`${url}v4/pipeline`, { method: "POST" })).status).toBe(404);
  });

  it("lets the official Hrana client negotiate v2 and use describe and stored SQL", async () => {
    const client = openHttp(url, undefined, undefined, undefined, 3);
    try {
      expect(await client.getVersion()).toBe(2);
      const stream = client.openStream();
      const described = await stream.describe("SELECT id, name FROM item WHERE id = :id AND name = ?");
      expect(described.paramNames).toEqual([":id", undefined]);
      expect(described.columns).toEqual([
        { name: "id", decltype: "INTEGER" },
        { name: "name", decltype: "TEXT" },
      ]);
      expect(described.isExplain).toBe(false);
      expect(described.isReadonly).toBe(true);
      expect((await stream.describe("INSERT INTO item (name) VALUES (?)")).isReadonly).toBe(false);
      expect((await stream.describe("EXPLAIN SELECT 1")).isExplain).toBe(true);

      const insert = stream.storeSql("INSERT INTO item (name, price) VALUES (?, ?)");
      await stream.run([insert, ["pen", 1.5]]);
      await stream.run([insert, ["ink", 7]]);
      insert.close();
      const total = await stream.queryValue("SELECT sum(price) FROM item");
      expect(total.value).toBe(8.5);
      stream.close();
    } finally {
      client.close();
    }
  });
});

describe("pipeline requests", () => {
  it("encodes values as the protocol specifies", async () => {
    const response = await post(`${url}v2/pipeline`, {
      requests: [execute("SELECT 1 AS i, 1.5 AS f, 2.0 AS g, 'x' AS t, x'0102ff' AS b, NULL AS n, 9223372036854775807 AS big")],
    });
    expect(response.status).toBe(200);
    expect(response.contentType).toBe("application/json");
    const result = response.json.results[0];
    expect(result.type).toBe("ok");
    expect(result.response.result).toEqual({
      cols: ["i", "f", "g", "t", "b", "n", "big"].map((name) => ({ name, decltype: null })),
      rows: [
        [
          { type: "integer", value: "1" },
          { type: "float", value: 1.5 },
          { type: "float", value: 2 },
          { type: "text", value: "x" },
          { type: "blob", base64: "AQL/" },
          { type: "null" },
          { type: "integer", value: "9223372036854775807" },
        ],
      ],
      affected_row_count: 0,
      last_insert_rowid: null,
    });
    expect(typeof response.json.baton).toBe("string");
  });

  it("binds every argument type and reports changes and the rowid of inserts", async () => {
    const response = await post(`${url}v2/pipeline`, {
      requests: [
        execute("INSERT INTO item (id, name, price) VALUES (?, ?, ?) RETURNING id", {
          args: [
            { type: "integer", value: "4611686018427387904" },
            { type: "text", value: "a" },
            { type: "float", value: 2.5 },
          ],
        }),
        execute("SELECT typeof(:b), length(:b), :n IS NULL", {
          named_args: [
            { name: ":b", value: { type: "blob", base64: "AAEC" } },
            { name: "n", value: { type: "null" } },
          ],
        }),
        execute("UPDATE item SET price = price * 2", { want_rows: false }),
        { type: "close" },
      ],
    });
    const [insert, select, update, close] = response.json.results;
    expect(insert.response.result.rows).toEqual([[{ type: "integer", value: "4611686018427387904" }]]);
    expect(insert.response.result.affected_row_count).toBe(1);
    expect(insert.response.result.last_insert_rowid).toBe("4611686018427387904");
    expect(select.response.result.rows[0]).toEqual([
      { type: "text", value: "blob" },
      { type: "integer", value: "3" },
      { type: "integer", value: "1" },
    ]);
    expect(update.response.result.affected_row_count).toBe(1);
    expect(close).toEqual({ type: "ok", response: { type: "close" } });
    expect(response.json.baton).toBeNull();
  });

  it("returns SQL errors as stream errors with a code and keeps the stream", async () => {
    const first = await post(`${url}v2/pipeline`, {
      requests: [execute("INSERT INTO item (name) VALUES ('a')"), execute("INSERT INTO item (name) VALUES ('a')"), execute("SELEC 1")],
    });
    expect(first.status).toBe(200);
    const [, duplicate, syntax] = first.json.results;
    expect(duplicate).toEqual({
      type: "error",
      error: { message: "SQLite error: UNIQUE constraint failed: item.name", code: "SQLITE_CONSTRAINT" },
    });
    expect(syntax.type).toBe("error");
    expect(syntax.error.message).toContain("syntax error");
    const second = await post(`${url}v2/pipeline`, { baton: first.json.baton, requests: [execute("SELECT count(*) FROM item")] });
    expect(second.json.results[0].response.result.rows).toEqual([[{ type: "integer", value: "1" }]]);
  });

  it("evaluates batch conditions: ok, error, not, and, or", async () => {
    const steps = [
      { stmt: { sql: "INSERT INTO item (name) VALUES ('a')" } },
      { stmt: { sql: "INSERT INTO item (name) VALUES ('a')" } },
      { condition: { type: "ok", step: 0 }, stmt: { sql: "SELECT 'ran on ok'" } },
      { condition: { type: "ok", step: 1 }, stmt: { sql: "SELECT 'skipped'" } },
      { condition: { type: "error", step: 1 }, stmt: { sql: "SELECT 'ran on error'" } },
      { condition: { type: "not", cond: { type: "ok", step: 3 } }, stmt: { sql: "SELECT 'skipped step is not ok'" } },
      {
        condition: {
          type: "and",
          conds: [
            { type: "ok", step: 0 },
            { type: "error", step: 0 },
          ],
        },
        stmt: { sql: "SELECT 'and'" },
      },
      {
        condition: {
          type: "or",
          conds: [
            { type: "ok", step: 3 },
            { type: "error", step: 3 },
          ],
        },
        stmt: { sql: "SELECT 'or on skipped'" },
      },
      {
        condition: {
          type: "or",
          conds: [
            { type: "ok", step: 3 },
            { type: "ok", step: 2 },
          ],
        },
        stmt: { sql: "SELECT 'or'" },
      },
    ];
    const response = await post(`${url}v2/pipeline`, { requests: [{ type: "batch", batch: { steps } }] });
    const { step_results, step_errors } = response.json.results[0].response.result;
    const ran = step_results.map((result: { rows: unknown[][] } | null) => (result === null ? null : "ran"));
    expect(ran).toEqual(["ran", null, "ran", null, "ran", "ran", null, null, "ran"]);
    expect(step_errors.map((error: unknown) => error !== null)).toEqual([false, true, false, false, false, false, false, false, false]);
    expect(step_errors[1].code).toBe("SQLITE_CONSTRAINT");
  });

  it("supports get_autocommit and is_autocommit conditions on v3 only", async () => {
    const begin = await post(`${url}v3/pipeline`, {
      requests: [
        { type: "get_autocommit" },
        execute("BEGIN"),
        { type: "get_autocommit" },
        {
          type: "batch",
          batch: {
            steps: [
              { condition: { type: "is_autocommit" }, stmt: { sql: "SELECT 'outside'" } },
              { condition: { type: "not", cond: { type: "is_autocommit" } }, stmt: { sql: "SELECT 'inside'" } },
              { stmt: { sql: "COMMIT" } },
              { condition: { type: "is_autocommit" }, stmt: { sql: "SELECT 'after commit'" } },
            ],
          },
        },
      ],
    });
    expect(begin.status).toBe(200);
    const [before, , during, batch] = begin.json.results;
    expect(before.response).toEqual({ type: "get_autocommit", is_autocommit: true });
    expect(during.response).toEqual({ type: "get_autocommit", is_autocommit: false });
    const ran = batch.response.result.step_results.map((result: unknown) => result !== null);
    expect(ran).toEqual([false, true, true, true]);

    const v2 = await post(`${url}v2/pipeline`, { requests: [{ type: "get_autocommit" }] });
    expect(v2.status).toBe(400);
    const v2cond = await post(`${url}v2/pipeline`, {
      requests: [{ type: "batch", batch: { steps: [{ condition: { type: "is_autocommit" }, stmt: { sql: "SELECT 1" } }] } }],
    });
    expect(v2cond.status).toBe(400);
  });

  it("runs sequences, stores and closes SQL texts", async () => {
    const response = await post(`${url}v2/pipeline`, {
      requests: [
        { type: "sequence", sql: "INSERT INTO item (name) VALUES ('a'); INSERT INTO item (name) VALUES ('b');" },
        { type: "store_sql", sql_id: 1, sql: "SELECT count(*) FROM item" },
        { type: "execute", stmt: { sql_id: 1 } },
        { type: "describe", sql_id: 1 },
        { type: "close_sql", sql_id: 1 },
        {
          type: "sequence",
          sql: "INSERT INTO item (name) VALUES ('c'); INSERT INTO item (name) VALUES ('a'); INSERT INTO item (name) VALUES ('d')",
        },
      ],
    });
    const [sequence, store, run, describeResult, close, failing] = response.json.results;
    expect(sequence.response).toEqual({ type: "sequence" });
    expect(store.response).toEqual({ type: "store_sql" });
    expect(run.response.result.rows).toEqual([[{ type: "integer", value: "2" }]]);
    expect(describeResult.response.result.cols).toEqual([{ name: "count(*)", decltype: null }]);
    expect(close.response).toEqual({ type: "close_sql" });
    expect(failing.error.code).toBe("SQLITE_CONSTRAINT");
    const after = await post(`${url}v2/pipeline`, { baton: response.json.baton, requests: [execute("SELECT name FROM item ORDER BY id")] });
    expect(after.json.results[0].response.result.rows.map((row: { value: string }[]) => row[0]?.value)).toEqual(["a", "b", "c"]);
    const closedId = await post(`${url}v2/pipeline`, { baton: after.json.baton, requests: [{ type: "execute", stmt: { sql_id: 1 } }] });
    expect(closedId.status).toBe(400);
    expect(closedId.text).toContain("SQL text 1 not found");
  });

  it("streams batch results through the v3 cursor endpoint", async () => {
    const response = await fetch(`${url}v3/cursor`, {
      method: "POST",
      body: JSON.stringify({
        batch: {
          steps: [
            { stmt: { sql: "INSERT INTO item (name) VALUES ('a'), ('b')" } },
            { condition: { type: "error", step: 0 }, stmt: { sql: "SELECT 'skipped'" } },
            { stmt: { sql: "SELECT name FROM item ORDER BY id" } },
            { stmt: { sql: "SELECT * FROM nowhere" } },
          ],
        },
      }),
    });
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(typeof lines[0].baton).toBe("string");
    expect(lines.slice(1).map((entry: { type: string; step?: number }) => `${entry.type}${entry.step ?? ""}`)).toEqual([
      "step_begin0",
      "step_end",
      "step_begin2",
      "row",
      "row",
      "step_end",
      "step_error3",
    ]);
    expect(lines[2]).toEqual({ type: "step_end", affected_row_count: 2, last_insert_rowid: "2" });
  });
});

describe("batons and bad requests", () => {
  it("makes each baton single-use and rejects unknown ones", async () => {
    const first = await post(`${url}v2/pipeline`, { requests: [execute("SELECT 1")] });
    const baton: string = first.json.baton;
    const second = await post(`${url}v2/pipeline`, { baton, requests: [execute("SELECT 2")] });
    expect(second.status).toBe(200);
    expect(second.json.baton).not.toBe(baton);
    const reused = await post(`${url}v2/pipeline`, { baton, requests: [execute("SELECT 3")] });
    expect(reused.status).toBe(400);
    expect(reused.contentType).toBe("text/plain");
    expect(reused.text).toContain("already been used");
    const unknown = await post(`${url}v2/pipeline`, { baton: "nonsense", requests: [] });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("invalid baton");
    const otherDatabase = await post(`${bridge.url}/v2/pipeline`, { baton: second.json.baton, requests: [] });
    expect(otherDatabase.status).toBe(400);
  });

  it("expires idle streams, rolling back their transaction", async () => {
    const begun = await post(`${url}v2/pipeline`, { requests: [execute("BEGIN"), execute("INSERT INTO item (name) VALUES ('lost')")] });
    await sleep(500);
    const expired = await post(`${url}v2/pipeline`, { baton: begun.json.baton, requests: [execute("COMMIT")] });
    expect(expired.status).toBe(500);
    expect(expired.json).toEqual({ message: "The stream has expired due to inactivity", code: "STREAM_EXPIRED" });
    const count = await post(`${url}v2/pipeline`, { requests: [execute("SELECT count(*) FROM item")] });
    expect(count.json.results[0].response.result.rows).toEqual([[{ type: "integer", value: "0" }]]);
  });

  it("answers malformed requests with 400 and plain text", async () => {
    const open = await post(`${url}v2/pipeline`, { requests: [execute("BEGIN"), execute("INSERT INTO item (name) VALUES ('x')")] });
    const cases: unknown[] = [
      "{ not json",
      "[]",
      { requests: "nope" },
      { requests: [{ type: "teleport" }] },
      { requests: [{ type: "execute" }] },
      { requests: [{ type: "execute", stmt: { sql: "SELECT ?", args: [{ type: "complex", value: 1 }] } }] },
      { requests: [{ type: "execute", stmt: { sql: "SELECT ?", args: [{ type: "integer", value: "1.5" }] } }] },
      { requests: [{ type: "execute", stmt: { sql: "SELECT 1", sql_id: 1 } }] },
      { requests: [{ type: "batch", batch: { steps: [{ condition: { type: "ok", step: 0 }, stmt: { sql: "SELECT 1" } }] } }] },
      { requests: [{ type: "close" }, execute("SELECT 1")] },
    ];
    for (const body of cases) {
      const response = await post(`${url}v2/pipeline`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.contentType).toBe("text/plain");
    }
    // A body that does not decode never reaches the stream (as in sqld), so its baton stays valid...
    const undecodable = await post(`${url}v2/pipeline`, { baton: open.json.baton, requests: [{ type: "teleport" }] });
    expect(undecodable.status).toBe(400);
    const still = await post(`${url}v2/pipeline`, { baton: open.json.baton, requests: [execute("INSERT INTO item (name) VALUES ('y')")] });
    expect(still.status).toBe(200);
    // ...but one that fails while being handled takes the stream and its transaction down.
    const broken = await post(`${url}v2/pipeline`, { baton: still.json.baton, requests: [{ type: "execute", stmt: { sql_id: 7 } }] });
    expect(broken.status).toBe(400);
    expect(broken.text).toContain("SQL text 7 not found");
    const gone = await post(`${url}v2/pipeline`, { baton: still.json.baton, requests: [execute("COMMIT")] });
    expect(gone.status).toBe(400);
    const count = await post(`${url}v2/pipeline`, { requests: [execute("SELECT count(*) FROM item")] });
    expect(count.json.results[0].response.result.rows).toEqual([[{ type: "integer", value: "0" }]]);
  });

  it("refuses to store too many or too large SQL texts", async () => {
    const requests = Array.from({ length: 51 }, (_, i) => ({ type: "store_sql", sql_id: i, sql: "SELECT 1" }));
    requests.push({ type: "store_sql", sql_id: 99, sql: `SELECT '${"x".repeat(5000)}'` });
    const response = await post(`${url}v2/pipeline`, { requests: [...requests.slice(0, 50), requests[51], requests[50]] });
    const results = response.json.results;
    expect(results[49].type).toBe("ok");
    expect(results[50].error.code).toBe("SQL_STORE_TOO_MANY");
    expect(results[51].error.code).toBe("SQL_STORE_TOO_MANY");
    const large = await post(`${url}v2/pipeline`, { requests: [requests[51]] });
    expect(large.json.results[0].error.code).toBe("SQL_STORE_TOO_LARGE");
  });
});
