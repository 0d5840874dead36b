import { CsvSyntaxError, parseCsv } from "../lib/csv.ts";
import { ApiError, type FieldError } from "../lib/problems.ts";
import { postalCodeKey } from "../members/district.ts";

/**
 * Postal code lists as staff send them: a JSON array, or a CSV file exported from a
 * spreadsheet (one code per line, or any columns with a `postal_code` header). Every
 * code is normalised the way members' addresses are (`postalCodeKey`), so "114 55" in an
 * import matches a member who wrote "11455".
 */

/** Most codes a single request may carry: a whole country's list fits in a few requests. */
export const maxPostalCodesPerRequest = 10_000;
/** Normalised: letters, digits and dashes (spaces are dropped before this check). */
const validKey = /^[A-Z0-9-]{2,10}$/;
const headerNames = new Set(["postalcode", "postcode", "zip", "zipcode"]);
const maxListedErrors = 100;

export interface RawCode {
  value: string;
  /** Where the value came from, for the problem's `errors[].field`. */
  field: string;
}

/** The normalised, de-duplicated codes in input order; every invalid one is reported at once (422). */
export function normalisePostalCodes(raw: RawCode[]): string[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const { value, field } of raw) {
    const key = postalCodeKey(value);
    if (key === null || !validKey.test(key)) {
      errors.push({ field, message: `'${value.slice(0, 40)}' is not a postal code (2–10 letters, digits or dashes; spaces are ignored)` });
      continue;
    }
    seen.add(key);
  }
  if (errors.length > 0) {
    const shown = errors.slice(0, maxListedErrors);
    const more = errors.length > shown.length ? `; and ${errors.length - shown.length} more` : "";
    throw new ApiError(
      "validation_failed",
      `${errors.length} postal code${errors.length === 1 ? " is" : "s are"} not valid; nothing was changed: ${shown
        .slice(0, 5)
        .map((e) => `${e.field}: ${e.message}`)
        .join("; ")}${errors.length > 5 ? " …" : ""}`,
      { errors: more ? [...shown, { field: "body", message: `${errors.length - shown.length} more invalid postal codes` }] : shown },
    );
  }
  if (seen.size > maxPostalCodesPerRequest) {
    throw new ApiError("validation_failed", `Send at most ${maxPostalCodesPerRequest} postal codes per request.`, {
      errors: [{ field: "body", message: `more than ${maxPostalCodesPerRequest} postal codes` }],
    });
  }
  return [...seen];
}

export function fromJson(postalCodes: string[]): RawCode[] {
  return postalCodes.map((value, index) => ({ value, field: `body.postalCodes.${index}` }));
}

/** Spreadsheets in many locales export with semicolons; tabs come from copy and paste. */
function delimiterOf(line: string): string {
  if (line.includes(";") && !line.includes(",")) return ";";
  if (line.includes("\t") && !line.includes(",") && !line.includes(";")) return "\t";
  return ",";
}

const isHeader = (cell: string) => headerNames.has(cell.toLowerCase().replace(/[\s_-]/g, ""));

/**
 * The codes of a CSV body with their line numbers. With a header row naming a
 * `postal_code` column, that column is read and the others ignored; without one, every
 * non-blank line is one code.
 */
export function fromCsv(text: string): RawCode[] {
  const firstLine = text
    .replace(/^\uFEFF/, "")
    .split(/\r\n|\n|\r/)
    .find((line) => line.trim() !== "");
  if (firstLine === undefined) return [];
  const delimiter = delimiterOf(firstLine);
  let records: string[][];
  try {
    records = parseCsv(text, delimiter);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new ApiError("validation_failed", `The CSV cannot be read: line ${error.row}: ${error.message}.`, {
      errors: [{ field: `line ${error.row}`, message: error.message }],
    });
  }
  // Without multi-line fields (postal codes have none) record N is line N.
  const rows = records.map((record) => record.map((cell) => cell.trim()));
  const firstIndex = rows.findIndex((row) => row.some((cell) => cell !== ""));
  const header = rows[firstIndex] ?? [];
  const column = header.findIndex(isHeader);
  if (column === -1 && header.length > 1) {
    throw new ApiError("validation_failed", "The CSV has several columns but none is named postal_code.", {
      errors: [{ field: `line ${firstIndex + 1}`, message: "a CSV with several columns needs a header row with a postal_code column" }],
    });
  }
  const out: RawCode[] = [];
  rows.forEach((row, index) => {
    if (row.every((cell) => cell === "") || (column !== -1 && index === firstIndex)) return;
    const field = `line ${index + 1}`;
    if (column === -1 && row.length > 1) {
      // A line of several cells where one code was expected: kept whole, so it fails validation.
      out.push({ value: row.join(delimiter), field });
      return;
    }
    out.push({ value: row[column === -1 ? 0 : column] ?? "", field });
  });
  return out;
}
