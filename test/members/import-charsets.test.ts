import { describe, expect, it } from "vitest";
import { json, problemOf, settledRequest, snapshot, type TestApp, testApp } from "../helpers/app.ts";

/**
 * Member files as spreadsheets really save them, sent as the bytes they are: Swedish
 * Excel's "CSV (semikolonavgränsad)" is Windows-1252, its "Unicode text" UTF-16LE with tabs.
 */

const importPath = "/v1/orgs/demo/members/import";

/** Bytes of ASCII text with the given single bytes spliced in where `{XX}` (hex) stands. */
const bytesOf = (text: string) => {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const spliced = /^\{([0-9A-F]{2})\}/.exec(text.slice(i));
    if (spliced) {
      out.push(Number.parseInt(spliced[1] as string, 16));
      i += spliced[0].length - 1;
    } else {
      const code = text.charCodeAt(i);
      if (code > 0x7f) throw new Error("write non-ASCII bytes as {XX}");
      out.push(code);
    }
  }
  return new Uint8Array(out);
};

const utf16le = (text: string, bom = true) => {
  const out = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  if (bom) out.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[(bom ? 2 : 0) + i * 2] = code & 0xff;
    out[(bom ? 2 : 0) + i * 2 + 1] = code >> 8;
  }
  return out;
};

const utf16be = (text: string) => {
  const out = new Uint8Array(2 + text.length * 2);
  out.set([0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[2 + i * 2] = code >> 8;
    out[3 + i * 2] = code & 0xff;
  }
  return out;
};

function upload(t: TestApp, body: Uint8Array<ArrayBuffer>, contentType = "text/csv", headers: Record<string, string> = {}) {
  return settledRequest(
    t.app,
    importPath,
    { method: "POST", headers: { Authorization: `Bearer ${t.adminKey}`, "Content-Type": contentType, ...headers }, body },
    { incoming: { url: importPath } },
  );
}

const names = async (t: TestApp) =>
  (await t.database.client.execute("SELECT name FROM members ORDER BY name")).rows.map((row) => String(row.name));

async function refused(t: TestApp, body: Uint8Array<ArrayBuffer>, contentType = "text/csv", status = 422) {
  const before = await snapshot(t.database);
  const response = await upload(t, body, contentType);
  expect(response.status, await response.clone().text()).toBe(status);
  const problem = await problemOf(response);
  expect(await snapshot(t.database)).toBe(before);
  return problem;
}

// "Åsa Öberg" in Windows-1252: Å is 0xC5, Ö is 0xD6 (in UTF-8 they would be two bytes each).
const swedishExcel = bytesOf("name;email;city\r\n{C5}sa {D6}berg;asa@example.org;G{F6}teborg\r\nBo;bo@example.org;Sk{F6}vde\r\n");

describe("member files in the encodings spreadsheets save", () => {
  it("reads a Windows-1252 file from Swedish Excel, undeclared or declared", async () => {
    const t = await testApp();
    expect(await json(await upload(t, swedishExcel), 200)).toMatchObject({ created: 2 });
    expect(await names(t)).toEqual(["Bo", "Åsa Öberg"]);
    const city = await t.database.client.execute("SELECT city FROM members WHERE email = 'asa@example.org'");
    expect(city.rows[0]?.city).toBe("Göteborg");

    const declared = await testApp();
    expect(await json(await upload(declared, swedishExcel, "text/csv; charset=windows-1252"), 200)).toMatchObject({ created: 2 });
    expect(await names(declared)).toEqual(["Bo", "Åsa Öberg"]);
    const latin1 = await testApp();
    expect(await json(await upload(latin1, swedishExcel, 'text/csv; charset="ISO-8859-1"'), 200)).toMatchObject({ created: 2 });
    expect(await names(latin1)).toEqual(["Bo", "Åsa Öberg"]);
  });

  it("keeps the Windows-1252 bytes intact through an Idempotency-Key, and replays the answer", async () => {
    const t = await testApp();
    const first = await upload(t, swedishExcel, "text/csv", { "Idempotency-Key": "import-1252" });
    expect(await json(first, 200)).toMatchObject({ created: 2 });
    expect(await names(t)).toEqual(["Bo", "Åsa Öberg"]);
    const again = await upload(t, swedishExcel, "text/csv", { "Idempotency-Key": "import-1252" });
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await json(again, 200)).toMatchObject({ created: 2 });
    expect(await names(t)).toEqual(["Bo", "Åsa Öberg"]);
  });

  it("refuses Windows-1252 bytes declared as UTF-8, naming the line, and asks for CSV UTF-8", async () => {
    const t = await testApp();
    const problem = await refused(t, swedishExcel, "text/csv; charset=utf-8");
    expect(problem.detail).toContain("CSV UTF-8");
    expect(problem.errors).toEqual([{ field: "file line 2", message: expect.stringContaining("not valid UTF-8") }]);
  });

  it("refuses bytes that are neither UTF-8 nor Windows-1252 (0x81)", async () => {
    const t = await testApp();
    const problem = await refused(t, bytesOf("name,email\r\nA,a@example.org\r\nB{81}rt,b@example.org\r\n"));
    expect(problem.detail).toContain("CSV UTF-8");
    expect(problem.errors?.[0]?.field).toBe("file line 3");
    expect(problem.errors?.[0]?.message).toContain("0x81");
  });

  it("refuses a file mixing UTF-8 with other bytes, as no one reading is right", async () => {
    const t = await testApp();
    // "Åsa" in UTF-8 (C3 85) on one line, "Öberg" in Windows-1252 (D6) on the next.
    const problem = await refused(t, bytesOf("name,email\r\n{C3}{85}sa,a@example.org\r\n{D6}berg,o@example.org\r\n"));
    expect(problem.errors?.[0]).toMatchObject({ field: "file line 3", message: expect.stringContaining("mixes UTF-8") });
  });

  it("refuses a cell holding U+FFFD, the trace of a character lost before, naming its row and column", async () => {
    const t = await testApp();
    const text = "name,email\r\nAnna,anna@example.org\r\n\uFFFDsa \uFFFDberg,asa@example.org\r\n";
    const problem = await refused(t, new TextEncoder().encode(text));
    expect(problem.errors?.[0]).toEqual({ field: "row 3 column name", message: expect.stringContaining("U+FFFD") });
  });

  it("reads UTF-16LE and UTF-16BE files with a byte-order mark (Excel's tab-separated Unicode text)", async () => {
    const t = await testApp();
    const text = "name\temail\r\nÅsa Öberg\tasa@example.org\r\nZoë 李\tzoe@example.org\r\n";
    expect(await json(await upload(t, utf16le(text), "text/tab-separated-values"), 200)).toMatchObject({ created: 2 });
    expect(await names(t)).toEqual(["Zoë 李", "Åsa Öberg"]);
    const be = await testApp();
    expect(await json(await upload(be, utf16be(text), "text/csv"), 200)).toMatchObject({ created: 2 });
    expect(await names(be)).toEqual(["Zoë 李", "Åsa Öberg"]);
  });

  it("refuses UTF-16 without a byte-order mark with a readable message, not the file's bytes", async () => {
    const t = await testApp();
    const problem = await refused(t, utf16le("name,email\r\nAsa,asa@example.org\r\n", false));
    expect(problem.detail).toContain("UTF-16");
    expect(problem.detail).toContain("byte-order mark");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a NUL of the file quoted back is what must not happen.
    expect(JSON.stringify(problem)).not.toMatch(/\u0000|\\u0000/);
  });

  it("answers 415 to a charset it does not read", async () => {
    const t = await testApp();
    const problem = await refused(t, bytesOf("name,email\r\nA,a@example.org\r\n"), "text/csv; charset=koi8-r", 415);
    expect(problem.detail).toContain("koi8-r");
  });
});

describe("member files in the shapes spreadsheets save", () => {
  it("honours Excel's sep=; first line, keeping the header as row 1", async () => {
    const t = await testApp();
    const body = new TextEncoder().encode("sep=;\r\nname;email\r\nAnna, Berg;anna@example.org\r\n");
    expect(await json(await upload(t, body), 200)).toMatchObject({ created: 1 });
    expect(await names(t)).toEqual(["Anna, Berg"]);

    const bad = await refused(t, new TextEncoder().encode("\uFEFFsep=,\nname,email\nBo,not-an-address\n"));
    expect(bad.errors?.map((error) => error.field)).toEqual(["row 2 column email"]);
  });

  it("reads tab-separated files, as text/csv or text/tab-separated-values", async () => {
    const t = await testApp();
    const body = new TextEncoder().encode("name\temail\tcity\r\nAnna; Berg\tanna@example.org\tUme, å\r\n");
    expect(await json(await upload(t, body, "text/tab-separated-values; charset=utf-8"), 200)).toMatchObject({ created: 1 });
    expect(await json(await upload(t, body, "text/csv"), 200)).toMatchObject({ created: 0, unchanged: 1 });
    const stored = await t.database.client.execute("SELECT name, city FROM members");
    expect(stored.rows.map((row) => [row.name, row.city])).toEqual([["Anna; Berg", "Ume, å"]]);
  });
});
