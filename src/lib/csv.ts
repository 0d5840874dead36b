/**
 * CSV as RFC 4180 describes it: fields separated by a delimiter, records by CRLF (LF and
 * lone CR are accepted too), fields optionally in double quotes, where a quote is doubled
 * and commas and line breaks may appear. A leading byte-order mark is ignored.
 *
 * Written here rather than taken from npm: it is small, the popular parsers are either
 * Node-only or lenient where the import must not be (a stray quote must be an error
 * with its row and column, not a silently shifted record), and it runs unchanged in Workers.
 */

export class CsvSyntaxError extends Error {
  /** 1-based record number; the header is record 1. */
  readonly row: number;
  /** 1-based field number within the record. */
  readonly column: number;

  constructor(row: number, column: number, message: string) {
    super(message);
    this.row = row;
    this.column = column;
    this.name = "CsvSyntaxError";
  }
}

export type Delimiter = "," | ";" | "\t";

/**
 * Spreadsheets saved in many European locales separate with semicolons, and "text" exports
 * with tabs; the header line decides, by the delimiter it holds most of (a comma on a tie).
 * Only the header is looked at, and it holds plain column names.
 */
export function detectDelimiter(text: string): Delimiter {
  const end = text.search(/[\r\n]/);
  const header = end === -1 ? text : text.slice(0, end);
  const count = (delimiter: Delimiter) => header.split(delimiter).length - 1;
  let best: Delimiter = ",";
  for (const delimiter of [";", "\t"] as const) if (count(delimiter) > count(best)) best = delimiter;
  return best;
}

/**
 * Where the records start and what separates them. Excel writes (and honours) a first line
 * `sep=;` naming the delimiter; without it the header decides (detectDelimiter). A leading
 * byte-order mark is skipped too, so `start` is where the header begins.
 */
export function csvDialect(text: string): { delimiter: Delimiter; start: number } {
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const sep = /^sep=([,;\t])[ \t]*(?:\r\n|\n|\r|$)/i.exec(text.slice(bom, bom + 16));
  if (sep) return { delimiter: sep[1] as Delimiter, start: bom + sep[0].length };
  return { delimiter: detectDelimiter(text.slice(bom)), start: bom };
}

/** One record: its cells (at most the `maxFields` asked for) and how many fields it really has. */
export interface CsvRecord {
  cells: string[];
  fields: number;
}

/**
 * The records of the text, one at a time, so that a caller can stop early and need not
 * hold them all. A record keeps at most `maxFields` cells and counts the rest, so one
 * line of millions of delimiters costs a count, not millions of strings. A final line
 * break does not start an empty record.
 */
export function* csvRecords(input: string, delimiter = ",", maxFields = Number.POSITIVE_INFINITY): Generator<CsvRecord> {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  let row = 1;
  let cells: string[] = [];
  let fields = 0;
  let i = 0;
  const n = text.length;
  if (n === 0) return;
  const take = (field: string) => {
    fields++;
    if (cells.length < maxFields) cells.push(field);
  };

  while (i <= n) {
    const column = fields + 1;
    let field: string;
    if (text[i] === '"') {
      // A quoted field: runs to the quote not followed by another quote.
      let j = i + 1;
      let value = "";
      for (;;) {
        const close = text.indexOf('"', j);
        if (close === -1) throw new CsvSyntaxError(row, column, "a quoted field is not closed: a closing quote is missing");
        value += text.slice(j, close);
        if (text[close + 1] === '"') {
          value += '"';
          j = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      field = value;
      const next = text[i];
      if (i < n && next !== delimiter && next !== "\r" && next !== "\n") {
        throw new CsvSyntaxError(row, column, "text follows the closing quote of a quoted field; double quotes inside a quoted field");
      }
    } else {
      let j = i;
      while (j < n && text[j] !== delimiter && text[j] !== "\r" && text[j] !== "\n") {
        if (text[j] === '"') {
          throw new CsvSyntaxError(row, column, "a quote inside an unquoted field; put the field in quotes and double the quote");
        }
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    take(field);
    if (i >= n) {
      yield { cells, fields };
      return;
    }
    const ch = text[i];
    if (ch === delimiter) {
      i++;
      if (i === n) {
        // A delimiter at the very end: the record ends with an empty field.
        take("");
        yield { cells, fields };
        return;
      }
      continue;
    }
    // A line break: CRLF, LF or CR ends the record.
    i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
    yield { cells, fields };
    row++;
    cells = [];
    fields = 0;
    if (i >= n) return;
  }
}

/** All records of the text, whole; for small files (see csvRecords for large ones). */
export function parseCsv(input: string, delimiter = ","): string[][] {
  return Array.from(csvRecords(input, delimiter), (record) => record.cells);
}

const needsQuotes = /[",\r\n;\t]|^\s|\s$/;

/** One record, CRLF-terminated; fields are quoted only when they must be (or would lose spaces). */
export function csvRecord(fields: (string | null | undefined)[], delimiter: Delimiter = ","): string {
  return `${fields
    .map((value) => {
      const text = value ?? "";
      return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(delimiter)}\r\n`;
}
