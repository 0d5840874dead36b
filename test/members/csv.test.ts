import { describe, expect, it } from "vitest";
import { CharsetError, declaredCharset, decodeText } from "../../src/lib/charset.ts";
import { CsvSyntaxError, csvDialect, csvRecord, detectDelimiter, parseCsv } from "../../src/lib/csv.ts";
import { addMonthsClamped, isRealDay } from "../../src/lib/dates.ts";
import { guardFormula, unguardFormula } from "../../src/members/formula-guard.ts";
import { periodEnd } from "../../src/members/periods.ts";

describe("CSV parsing (RFC 4180)", () => {
  it("reads plain records with CRLF, LF or CR line breaks", () => {
    expect(parseCsv("a,b\r\nc,d\r\n")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(parseCsv("a,b\nc,d")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(parseCsv("a,b\rc,d\r")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("reads quoted fields with delimiters, line breaks and doubled quotes", () => {
    expect(parseCsv('"Berg, Anna","Line 1\r\nLine 2","She said ""hej"""\r\n')).toEqual([
      ["Berg, Anna", "Line 1\r\nLine 2", 'She said "hej"'],
    ]);
    expect(parseCsv('"",x')).toEqual([["", "x"]]);
  });

  it("keeps empty fields, a trailing empty field and blank lines", () => {
    expect(parseCsv("a,,c\r\n,\r\n\r\nd,")).toEqual([["a", "", "c"], ["", ""], [""], ["d", ""]]);
  });

  it("ignores a byte-order mark", () => {
    expect(parseCsv("\uFEFFname\r\nÅsa\r\n")).toEqual([["name"], ["Åsa"]]);
  });

  it("reads semicolon-separated files when told so, and tells so from the header", () => {
    expect(detectDelimiter("name;email\r\nx,y;z")).toBe(";");
    expect(detectDelimiter("name,email;x\r\n")).toBe(",");
    expect(parseCsv('a;"b;c"\r\n', ";")).toEqual([["a", "b;c"]]);
  });

  it("tells tabs from the header, and honours Excel's sep= line after a byte-order mark", () => {
    expect(detectDelimiter("name\temail\r\nx,y;z")).toBe("\t");
    expect(detectDelimiter("a;b;c,d\r\n")).toBe(";");
    expect(csvDialect("sep=;\r\nname,email\r\n")).toEqual({ delimiter: ";", start: 7 });
    expect(csvDialect("\uFEFFSEP=\t\nname\r\n")).toEqual({ delimiter: "\t", start: 7 });
    expect(csvDialect("\uFEFFname;email\r\n")).toEqual({ delimiter: ";", start: 1 });
    expect(csvDialect("separator,x\r\n")).toEqual({ delimiter: ",", start: 0 });
  });

  it("writes records with another delimiter, quoting what holds any delimiter", () => {
    expect(csvRecord(["a", "b,c", "d\te", "f;g"], ";")).toBe('a;"b,c";"d\te";"f;g"\r\n');
    expect(parseCsv(csvRecord(["a", "b,c", "d\te"], "\t"), "\t")).toEqual([["a", "b,c", "d\te"]]);
  });

  it.each([
    ['a,b\r\nc,"d\r\n', 2, 2, "not closed"],
    ['a,b\r\nc,d"e\r\n', 2, 2, "quote inside an unquoted field"],
    ['a,"b"c\r\n', 1, 2, "follows the closing quote"],
  ])("reports malformed input %j at its row and column", (text, row, column, message) => {
    try {
      parseCsv(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CsvSyntaxError);
      expect(error).toMatchObject({ row, column });
      expect((error as Error).message).toContain(message);
    }
  });

  it("writes records that read back the same", () => {
    const fields = ["plain", "with, comma", 'with "quotes"', "two\r\nlines", " padded ", "", "semi;colon"];
    const text = csvRecord(fields);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(parseCsv(text)).toEqual([fields]);
    expect(csvRecord([null, undefined, "x"])).toBe(",,x\r\n");
  });

  it("guards cells a spreadsheet would run as formulas, reversibly, but leaves phone numbers alone", () => {
    for (const value of ['=HYPERLINK("http://x")', "@SUM(A1)", "+cmd", "-1+1+cmd", "'=already", "''=twice", "\tTab"]) {
      const guarded = guardFormula(value);
      expect(guarded.startsWith("'")).toBe(true);
      expect(unguardFormula(guarded)).toBe(value);
    }
    for (const value of ["+46 70 123 45 67", "-5", "08-123 45", "Anna", "'quoted'"]) {
      expect(guardFormula(value)).toBe(value);
      expect(unguardFormula(guardFormula(value))).toBe(value);
    }
  });
});

describe("decoding uploaded text", () => {
  const bytes = (...values: number[]) => new Uint8Array(values);

  it("reads the charset parameter of a Content-Type", () => {
    expect(declaredCharset("text/csv; charset=Windows-1252")).toBe("windows-1252");
    expect(declaredCharset('text/csv;CHARSET="utf-8"; header=present')).toBe("utf-8");
    expect(declaredCharset("text/csv")).toBeUndefined();
    expect(declaredCharset(undefined)).toBeUndefined();
  });

  it("lets a byte-order mark decide over the declared charset", () => {
    expect(decodeText(bytes(0xef, 0xbb, 0xbf, 0xc3, 0x85), "windows-1252")).toEqual({ text: "Å", charset: "utf-8" });
    expect(decodeText(bytes(0xff, 0xfe, 0xc5, 0x00))).toEqual({ text: "Å", charset: "utf-16le" });
    expect(decodeText(bytes(0xfe, 0xff, 0x00, 0xc5))).toEqual({ text: "Å", charset: "utf-16be" });
  });

  it("reads valid UTF-8 as UTF-8, and other bytes as Windows-1252 only when nothing contradicts it", () => {
    expect(decodeText(bytes(0xc3, 0x85, 0x41))).toEqual({ text: "ÅA", charset: "utf-8" });
    expect(decodeText(bytes(0xc5, 0x41, 0x80, 0x9f))).toEqual({ text: "ÅA€Ÿ", charset: "windows-1252" });
    for (const undefinedByte of [0x81, 0x8d, 0x8f, 0x90, 0x9d]) {
      expect(() => decodeText(bytes(0x41, undefinedByte, 0xc5))).toThrow(CharsetError);
      expect(() => decodeText(bytes(0x41, undefinedByte), "windows-1252")).toThrow(CharsetError);
    }
    // An overlong form and an encoded surrogate are not UTF-8; read as Windows-1252 they are letters.
    expect(decodeText(bytes(0xc0, 0xaf)).charset).toBe("windows-1252");
    expect(decodeText(bytes(0xed, 0xa0, 0x80)).charset).toBe("windows-1252");
  });

  it("names the line of the first byte it cannot read", () => {
    try {
      decodeText(bytes(0x61, 0x0a, 0x62, 0x0a, 0xc3, 0x85, 0x0a, 0xd6));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ problem: "mixed", line: 4 });
    }
  });
});

describe("period arithmetic", () => {
  it("knows real days", () => {
    expect(isRealDay("2028-02-29")).toBe(true);
    expect(isRealDay("2027-02-29")).toBe(false);
    expect(isRealDay("2026-04-31")).toBe(false);
    expect(isRealDay("2026-4-1")).toBe(false);
  });

  it("adds months, clamping to the end of shorter months", () => {
    expect(addMonthsClamped("2027-01-31", 1)).toBe("2027-02-28");
    expect(addMonthsClamped("2028-01-31", 1)).toBe("2028-02-29");
    expect(addMonthsClamped("2026-10-31", 4)).toBe("2027-02-28");
    expect(addMonthsClamped("2026-12-15", 1)).toBe("2027-01-15");
  });

  it("ends periods so that consecutive ones chain without a gap", () => {
    const rolling = { type: "rolling" as const, months: 1 };
    let start = "2026-01-31";
    const ends: string[] = [];
    for (let i = 0; i < 4; i++) {
      const end = periodEnd(start, rolling);
      ends.push(end);
      const next = new Date(`${end}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      start = next.toISOString().slice(0, 10);
    }
    expect(ends).toEqual(["2026-02-27", "2026-03-27", "2026-04-27", "2026-05-27"]);
    expect(periodEnd("2026-07-01", { type: "calendar_year" })).toBe("2026-12-31");
  });
});
