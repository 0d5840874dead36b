/**
 * The import's bounds: a body of any shape within 10 MiB is read with memory a small
 * multiple of its size. These tests count what is kept (cells of a record, errors
 * listed, rows read), not bytes or time.
 */
import { describe, expect, it } from "vitest";
import { csvRecords } from "../../src/lib/csv.ts";
import { ImportErrors, maxImportRows } from "../../src/members/import-rows.ts";
import { problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";

function importCsv(t: TestApp, text: string) {
  return t.request("POST", "/v1/orgs/demo/members/import?dryRun=true", { body: text, headers: { "Content-Type": "text/csv" } });
}

describe("import bounds", () => {
  it("keeps at most the cells it asks for from a record, and counts the rest", () => {
    const records = [...csvRecords(`${",".repeat(1_000_000)}\r\na,b\r\n`, ",", 14)];
    expect(records.map((record) => record.fields)).toEqual([1_000_001, 2]);
    expect(records.map((record) => record.cells.length)).toEqual([14, 2]);
    expect(records[1]?.cells).toEqual(["a", "b"]);
  });

  it("keeps the first 100 errors by row and counts the others", () => {
    const errors = new ImportErrors();
    // Added out of order, as the checks of an import find them.
    for (let row = 200_000; row >= 2; row--) errors.add({ field: `row ${row} column email`, message: "must be an e-mail address" });
    errors.add({ field: "row 7", message: "matches the same member as row 3" });
    expect(errors.total).toBe(200_000);
    expect(errors.listed).toHaveLength(100);
    expect(errors.listed.slice(0, 7).map((error) => error.field)).toEqual([
      "row 2 column email",
      "row 3 column email",
      "row 4 column email",
      "row 5 column email",
      "row 6 column email",
      "row 7 column email",
      "row 7",
    ]);
    expect(errors.listed.at(-1)?.field).toBe("row 100 column email");
  });

  it("answers 9.5 MiB of commas with one error naming the column count, and changes nothing", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const commas = Math.round(9.5 * 1024 * 1024);
    const response = await importCsv(t, ",".repeat(commas));
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.errors).toEqual([{ field: "row 1", message: expect.stringContaining(`has ${commas + 1} columns`) }]);
    expect(await snapshot(t.database)).toBe(before);
  }, 60_000);

  it("lists the first 100 errors of a file with an error in every row, with the total", async () => {
    const t = await testApp();
    const rows = Array.from({ length: 3000 }, (_, i) => `${i + 1},Name ${i + 1},not-an-address`);
    const response = await importCsv(t, `member_number,name,email\r\n${rows.join("\r\n")}\r\n`);
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.detail).toContain("3000 error(s) (the first 100 are listed)");
    expect(problem.errors?.map((error) => error.field)).toEqual(Array.from({ length: 100 }, (_, i) => `row ${i + 2} column email`));
  }, 60_000);

  it(`stops reading a file of more than ${maxImportRows} rows`, async () => {
    const t = await testApp();
    const response = await importCsv(t, `email\r\n${"x\r\n".repeat(maxImportRows + 1)}`);
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.errors).toEqual([
      { field: "file", message: `has more than ${maxImportRows} rows; import at most ${maxImportRows} at a time` },
    ]);
  }, 60_000);
});
