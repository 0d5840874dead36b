import { describe, expect, it } from "vitest";
import { bindArguments } from "../../tools/libsql-bridge/connection.ts";
import { splitSql } from "../../tools/libsql-bridge/sql.ts";

describe("splitSql", () => {
  it("splits on semicolons outside strings, identifiers and comments", () => {
    const sql = `SELECT 'a;b', "c;d", [e;f], \`g;h\`; -- x; y
      /* ; */ SELECT 2;;  ; `;
    expect(splitSql(sql).map((s) => s.text)).toEqual([`SELECT 'a;b', "c;d", [e;f], \`g;h\``, "SELECT 2"]);
  });

  it("finds no statement in whitespace, comments and bare semicolons", () => {
    expect(splitSql("  -- nothing\n /* here */ ;; ")).toEqual([]);
  });

  it("keeps a trigger body with semicolons in one statement", () => {
    const sql = `CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET n = n + 1; DELETE FROM u;
      END; INSERT INTO t VALUES (1)`;
    const statements = splitSql(sql);
    expect(statements).toHaveLength(2);
    expect(statements[0]?.text.endsWith("END")).toBe(true);
    expect(statements[1]?.isInsert).toBe(true);
  });

  it("numbers parameters the way SQLite does", () => {
    expect(splitSql("SELECT ?, :a, ?, :a, @b, $c::d(e), ?7")[0]?.params).toEqual([null, ":a", null, "@b", "$c::d(e)", null, "?7"]);
    expect(splitSql("SELECT ?2, ?1, ?")[0]?.params).toEqual(["?1", "?2", null]);
    expect(splitSql("SELECT '?', \"?\", ':x' -- ?\n")[0]?.params).toEqual([]);
    expect(splitSql("SELECT a$b, 1.5e3")[0]?.params).toEqual([]);
  });

  it("classifies statements like sqld", () => {
    const kind = (sql: string) => {
      const info = splitSql(sql)[0];
      return [info?.isExplain, info?.isIud, info?.isInsert];
    };
    expect(kind("insert into t values (1)")).toEqual([false, true, true]);
    expect(kind("REPLACE INTO t VALUES (1)")).toEqual([false, true, true]);
    expect(kind("UPDATE t SET x = 1 RETURNING *")).toEqual([false, true, false]);
    expect(kind("WITH x AS (SELECT 1 UNION SELECT (SELECT 2)) DELETE FROM t WHERE a IN x")).toEqual([false, true, false]);
    expect(kind("WITH x AS (DELETE FROM t) SELECT 1")).toEqual([false, false, false]);
    expect(kind("SELECT 1")).toEqual([false, false, false]);
    expect(kind("EXPLAIN QUERY PLAN INSERT INTO t VALUES (1)")).toEqual([true, false, false]);
    expect(splitSql("EXPLAIN QUERY PLAN SELECT 1")[0]?.body).toBe("SELECT 1");
  });
});

describe("bindArguments", () => {
  const info = (sql: string) => {
    const statement = splitSql(sql)[0];
    if (statement === undefined) throw new Error("no statement");
    return statement;
  };

  it("binds positional arguments by index, including ?NNN", () => {
    expect(bindArguments(info("SELECT ?, ?3"), [1n, 2n, 3n], [])).toEqual([1n, 2n, 3n]);
  });

  it("binds named arguments with or without their prefix", () => {
    const named = [
      { name: "a", value: 1n },
      { name: "$b", value: "x" },
    ];
    expect(bindArguments(info("SELECT :a, $b, :a"), [], named)).toEqual([1n, "x"]);
  });

  it("rejects what sqld rejects", () => {
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return "no error";
    };
    expect(codeOf(() => bindArguments(info("SELECT ?"), [1n, 2n], []))).toBe("ARGS_INVALID");
    expect(codeOf(() => bindArguments(info("SELECT ?, ?"), [1n], []))).toBe("ARGS_INVALID");
    expect(codeOf(() => bindArguments(info("SELECT :a"), [1n], []))).toBe("ARGS_INVALID");
    expect(codeOf(() => bindArguments(info("SELECT ?"), [], [{ name: "a", value: 1n }]))).toBe("ARGS_INVALID");
    expect(codeOf(() => bindArguments(info("SELECT ?, :a"), [1n], [{ name: "a", value: 1n }]))).toBe("ARGS_BOTH_POSITIONAL_AND_NAMED");
    expect(bindArguments(info("EXPLAIN SELECT ?"), [], [])).toEqual([]);
  });
});
