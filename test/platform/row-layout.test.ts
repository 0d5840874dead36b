/**
 * Rows read by allRows keep V8's fixed layout of properties (its "fast" objects), however
 * many columns they have, nested rows and the fields set on them later (`filledLater`)
 * included. An object given twenty or more properties one by one, by computed key, becomes
 * a dictionary unless earlier objects left V8 a layout with those keys to follow, which
 * depends on what lives when: in some server processes every row was a dictionary, every
 * later step (a copy with fields added, the JSON of the answer) slower, and a page of
 * members about half as fast.
 * V8 tells an object's layout only to code run with --allow-natives-syntax: a child Node.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../scripts/start-command.ts";

const columns = Array.from({ length: 32 }, (_, index) => `c${index}`);

const child = `
import { createClient } from "@libsql/client";
import { getTableColumns, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { allRows, nestedRows, rowShape } from "./src/db/rows.ts";

const columns = ${JSON.stringify(columns)};
const wide = sqliteTable("wide", Object.fromEntries(columns.map((name) => [name, text(name)])));
const client = createClient({ url: ":memory:" });
await client.execute("CREATE TABLE wide (" + columns.join(", ") + ")");
// Each field takes values of different kinds from row to row, as a person's do: a large
// integer (a time in milliseconds), a small one, text, and null.
const valueOf = (row, index) =>
  index === 0 ? "id " + row : [1_700_000_000_000 + index, null, "text " + index, index][(row + index) % 4];
for (let row = 0; row < 3; row++)
  await client.execute({ sql: "INSERT INTO wide VALUES (" + columns.map(() => "?").join(", ") + ")", args: columns.map((_, index) => valueOf(row, index)) });
const parts = sqliteTable("parts", Object.fromEntries(["owner", ...columns].map((name) => [name, text(name)])));
await client.execute("CREATE TABLE parts (owner TEXT, " + columns.map((name) => name + " TEXT").join(", ") + ")");
for (let part = 0; part < 3; part++)
  await client.execute({
    sql: "INSERT INTO parts SELECT c0, " + columns.map(() => "?").join(", ") + " FROM wide",
    args: columns.map((name) => "part " + part + " " + name),
  });
const db = drizzle(client);
// Whether V8 gives an object built key by key a fixed layout depends on the layouts other
// objects with the same keys made before: the selections (object literals, as a list's)
// left some, which live as long as those objects or the code that made them. A server
// builds its shapes long before a request; here the code that made them is collected. The
// fields are named apart from the tables' columns, whose objects live on.
function makeShapes() {
  const renamed = (table) => Object.fromEntries(Object.entries(getTableColumns(table)).map(([name, column]) => ["field_" + name, column]));
  const partShape = rowShape({ ...renamed(parts), computed: sql\`2\` });
  return {
    flat: rowShape({ ...renamed(wide), computed: sql\`1\` }, { filledLater: ["status", "membership"] }),
    nestedShape: rowShape({ ...renamed(wide), inner: nestedRows(partShape, sql\`FROM parts WHERE parts.owner = wide.c0\`) }),
  };
}
const { flat, nestedShape } = makeShapes();
for (let collection = 0; collection < 6; collection++) gc();
const rows = await allRows(db, db.select(flat.selection).from(wide), flat);
for (const row of rows) {
  row.status = "current";
  row.membership = { id: "x" };
}
const nested = await allRows(db, db.select(nestedShape.selection).from(wide), nestedShape);
const layouts = (list) => list.map((row) => %HasFastProperties(row));
console.log(JSON.stringify({
  rows: layouts(rows),
  keys: Object.keys(rows[0]).length,
  nested: layouts(nested),
  inner: nested.flatMap((row) => layouts(row.inner)),
}));
`;

describe("rows read by allRows", () => {
  it("keep V8's fixed layout, with 32 columns, nested rows and fields set later", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--allow-natives-syntax", "--expose-gc", "--input-type=module", "-e", child],
      {
        cwd: projectRoot,
      },
    );
    const layout = JSON.parse(stdout) as Record<string, unknown>;
    expect(layout).toEqual({
      rows: [true, true, true],
      keys: columns.length + 3,
      nested: [true, true, true],
      inner: Array(9).fill(true),
    });
  });
});
