import { z } from "zod";
import { type CsvRecord, CsvSyntaxError, csvDialect, csvRecords } from "../lib/csv.ts";
import { EmailField, LocaleField, NameField } from "../lib/fields.ts";
import { ApiError, type FieldError } from "../lib/problems.ts";
import { acceptsLineBreaks, unacceptableText } from "../lib/text.ts";
import { pacer } from "../lib/yield.ts";
import {
  type ConsentColumn,
  type ConsentField,
  type CsvColumn,
  type CsvShape,
  consentColumns,
  consentOfCell,
  isConsentColumn,
  memberCsv,
} from "./csv-columns.ts";
import { unguardFormula } from "./formula-guard.ts";
import { searchKey } from "./members.queries.ts";
import {
  BirthYearField,
  CityField,
  CountryField,
  DayField,
  GenderField,
  MemberNumberField,
  PaidAtField,
  PaymentReferenceField,
  PhoneField,
  PostalCodeField,
  StreetField,
} from "./members.schemas.ts";
import type { MembershipTypeRow } from "./types.service.ts";

/**
 * Reading an import file: the CSV, its header, and each row's cells validated with the
 * same field validators as the JSON API. Errors are collected per row and column, never
 * thrown one at a time, so a user fixes the whole file in one round.
 */

/** Member fields a row can carry, as validated values. */
export interface RowFields {
  memberNumber?: string;
  name?: string;
  email?: string;
  phone?: string;
  street?: string;
  postalCode?: string;
  city?: string;
  country?: string;
  preferredLanguage?: string;
  gender?: "woman" | "man" | "other";
  birthYear?: number;
  consentNewsletters?: boolean;
  consentMeetingSummons?: boolean;
  consentCampaignNews?: boolean;
}

export interface ImportRow {
  row: number;
  fields: RowFields;
  membership?: { typeRef: string; startsOn?: string; paidAt?: string; paymentReference?: string };
}

const cellSchemas: Record<Exclude<CsvColumn, "membership_type" | ConsentColumn>, z.ZodType<string | number>> = {
  member_number: MemberNumberField,
  name: NameField,
  email: EmailField,
  phone: PhoneField,
  street: StreetField,
  postal_code: PostalCodeField,
  city: CityField,
  country: CountryField,
  preferred_language: LocaleField,
  membership_starts_on: DayField,
  paid_at: PaidAtField,
  payment_reference: PaymentReferenceField,
  gender: GenderField,
  birth_year: z
    .string()
    .regex(/^\d{4}$/, "must be a year such as 1994")
    .transform(Number)
    .pipe(BirthYearField),
};

const fieldOf: Partial<Record<CsvColumn, Exclude<keyof RowFields, ConsentField>>> = {
  member_number: "memberNumber",
  name: "name",
  email: "email",
  phone: "phone",
  street: "street",
  postal_code: "postalCode",
  city: "city",
  country: "country",
  preferred_language: "preferredLanguage",
  gender: "gender",
  birth_year: "birthYear",
};

/** Rows one file may hold: the import is planned in memory, all rows or none, so a file is bounded. */
export const maxImportRows = 100_000;
export const maxListedErrors = 100;

/**
 * The errors of an import, in row order: the first `maxListedErrors` by row are kept, the
 * rest only counted, so a file with an error in every cell costs a count, not a list.
 */
export class ImportErrors {
  readonly listed: FieldError[] = [];
  /** The row of each listed error, in step with `listed`. */
  readonly #rows: number[] = [];
  total = 0;

  add(error: FieldError): void {
    this.total++;
    const row = rowOf(error.field);
    const rows = this.#rows;
    if (rows.length >= maxListedErrors && (rows.at(-1) as number) <= row) return;
    // After every error of the same row or an earlier one, so each row's errors keep their order.
    let at = rows.length;
    while (at > 0 && (rows[at - 1] as number) > row) at--;
    rows.splice(at, 0, row);
    this.listed.splice(at, 0, error);
    if (rows.length > maxListedErrors) {
      rows.pop();
      this.listed.pop();
    }
  }
}

/** The row an error is about ("row 12 column email" → 12); errors about the whole file come first. */
const rowOf = (field: string) => Number(/^row (\d+)/.exec(field)?.[1] ?? 0);

export const rejected = (errors: ImportErrors | FieldError[], what: string) => {
  const collected = Array.isArray(errors) ? { listed: errors.slice(0, maxListedErrors), total: errors.length } : errors;
  const more = collected.total > collected.listed.length ? ` (the first ${collected.listed.length} are listed)` : "";
  return new ApiError("validation_failed", `${what}: ${collected.total} error(s)${more}; nothing was imported.`, {
    errors: collected.listed,
  });
};

function checkHeader(record: CsvRecord, shape: CsvShape): CsvColumn[] {
  const csvColumns = shape.columns;
  const isCsvColumn = (name: string): name is CsvColumn => (csvColumns as readonly string[]).includes(name);
  const names = record.cells.map((name) => name.trim().toLowerCase());
  if (record.fields > csvColumns.length) {
    throw rejected(
      [{ field: "row 1", message: `has ${record.fields} columns; the columns are ${csvColumns.join(", ")}, each at most once` }],
      "The header row is not valid",
    );
  }
  const errors: FieldError[] = [];
  names.forEach((name, index) => {
    if (!isCsvColumn(name)) {
      errors.push({
        field: `row 1 column ${index + 1}`,
        message: name ? `unknown column '${name}'; the columns are ${csvColumns.join(", ")}` : "a column has no name",
      });
    } else if (names.indexOf(name) !== index) {
      errors.push({ field: `row 1 column ${name}`, message: `the column '${name}' appears twice` });
    }
  });
  if (!shape.keys.some((key) => names.includes(key))) {
    const keys = shape.keys.map((key) => `'${key}'`).join(" or ");
    errors.push({ field: "row 1", message: `a column ${keys} is needed to match ${shape === memberCsv ? "members" : "people"}` });
  }
  if (errors.length > 0) throw rejected(errors, "The header row is not valid");
  return names as CsvColumn[];
}

/**
 * Reads and validates the file one record at a time: only the validated rows are kept,
 * never the file's records as a whole. A malformed header, bad CSV or too many rows stop
 * the import at once; errors in rows are collected (see ImportErrors). Gives way to other
 * requests every few milliseconds: reading 100,000 rows takes a while.
 */
export async function readImportFile(
  text: string,
  errors: ImportErrors,
  shape: CsvShape = memberCsv,
): Promise<{ header: CsvColumn[]; rows: ImportRow[] }> {
  // A record keeps at most this many cells: no valid header or row has more, and the rest are only counted.
  const maxCells = shape.columns.length + 1;
  const pace = pacer();
  const { delimiter, start } = csvDialect(text);
  let header: CsvColumn[] | undefined;
  const rows: ImportRow[] = [];
  let row = 0;
  let counted = 0;
  try {
    // Excel's `sep=` line is no row of the sheet: the header stays row 1, as Excel shows it.
    for (const record of csvRecords(text.slice(start), delimiter, maxCells)) {
      await pace();
      row++;
      if (!header) {
        header = checkHeader(record, shape);
        continue;
      }
      const blank = record.fields === record.cells.length && record.cells.every((cell) => cell.trim() === "");
      if (blank) continue;
      if (++counted > maxImportRows) {
        throw rejected(
          [{ field: "file", message: `has more than ${maxImportRows} rows; import at most ${maxImportRows} at a time` }],
          "The file is too long",
        );
      }
      const item = validateRow(header, row, record, errors, shape);
      if (item) rows.push(item);
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    const column = (error.row > 1 && header?.[error.column - 1]) || String(error.column);
    throw rejected([{ field: `row ${error.row} column ${column}`, message: error.message }], "The file is not valid CSV");
  }
  if (!header) throw rejected([{ field: "row 1", message: "the file is empty; it needs a header row" }], "The file is empty");
  return { header, rows };
}

function validateRow(header: CsvColumn[], row: number, record: CsvRecord, errors: ImportErrors, shape: CsvShape): ImportRow | null {
  const { cells } = record;
  if (record.fields !== header.length) {
    errors.add({ field: `row ${row}`, message: `has ${record.fields} fields, the header has ${header.length}` });
    return null;
  }
  const values: Partial<Record<CsvColumn, string | number>> = {};
  const consents: Pick<RowFields, ConsentField> = {};
  header.forEach((column, index) => {
    const cell = unguardFormula((cells[index] ?? "").trim());
    if (cell === "") return;
    // The same text rule as every JSON field: a NUL, or a line break outside a multi-line field, is refused.
    const multiline = column !== "membership_type" && !isConsentColumn(column) && acceptsLineBreaks(cellSchemas[column]);
    const badText = unacceptableText(cell, multiline);
    if (badText) {
      errors.add({ field: `row ${row} column ${column}`, message: badText });
      return;
    }
    // U+FFFD is what a wrong decoding leaves of a character ("�sa"): storing it would keep the loss for good.
    const lost = cell.indexOf("\uFFFD");
    if (lost !== -1) {
      errors.add({ field: `row ${row} column ${column}`, message: lostCharacterMessage(lost) });
      return;
    }
    if (column === "membership_type") {
      values[column] = cell;
      return;
    }
    if (isConsentColumn(column)) {
      const given = consentOfCell(cell);
      if (given === undefined)
        errors.add({ field: `row ${row} column ${column}`, message: "must be yes or no (or true/false, 1/0, ja/nej)" });
      else consents[consentColumns[column]] = given;
      return;
    }
    const parsed = cellSchemas[column].safeParse(cell);
    if (parsed.success) values[column] = parsed.data;
    else errors.add({ field: `row ${row} column ${column}`, message: parsed.error.issues[0]?.message ?? "is not valid" });
  });
  const fields: RowFields = { ...consents };
  for (const [column, field] of Object.entries(fieldOf) as [CsvColumn, Exclude<keyof RowFields, ConsentField>][]) {
    if (values[column] !== undefined) Object.assign(fields, { [field]: values[column] });
  }
  const hasKey = cells.some((cell, index) => shape.keys.includes(header[index] as CsvColumn) && cell.trim() !== "");
  if (!hasKey)
    errors.add({
      field: `row ${row}`,
      message: `needs ${shape.keys.map((key) => `${/^[aeiou]/.test(key) ? "an" : "a"} ${key}`).join(" or ")}`,
    });
  const item: ImportRow = { row, fields };
  if (values.membership_type !== undefined) {
    item.membership = {
      typeRef: String(values.membership_type),
      startsOn: values.membership_starts_on as string | undefined,
      paidAt: values.paid_at as string | undefined,
      paymentReference: values.payment_reference as string | undefined,
    };
    if (cellEmpty(header, cells, "membership_starts_on", true)) {
      errors.add({
        field: `row ${row} column membership_starts_on`,
        message: "is needed with membership_type (an import never guesses a start)",
      });
    }
  } else {
    for (const column of ["membership_starts_on", "paid_at", "payment_reference"] as const) {
      if (!cellEmpty(header, cells, column, true)) {
        errors.add({ field: `row ${row} column ${column}`, message: "needs a membership_type in the same row" });
      }
    }
  }
  return item;
}

const lostCharacterMessage = (index: number) =>
  `contains U+FFFD (�) at position ${index + 1}, the mark of a character lost when the file was converted with the wrong encoding; ` +
  `write the character again (best in a file saved as "CSV UTF-8")`;

function cellEmpty(header: CsvColumn[], cells: string[], column: CsvColumn, whenMissing: boolean): boolean {
  const index = header.indexOf(column);
  return index === -1 ? whenMissing : (cells[index] ?? "").trim() === "";
}

/** Membership types by id, exact name, or case-insensitive name when that is unambiguous. */
export function typeResolver(types: MembershipTypeRow[]) {
  const byId = new Map(types.map((type) => [type.id, type]));
  const byName = new Map(types.map((type) => [type.name, type]));
  const byFolded = new Map<string, MembershipTypeRow[]>();
  for (const type of types) byFolded.set(searchKey(type.name), [...(byFolded.get(searchKey(type.name)) ?? []), type]);
  return (ref: string): MembershipTypeRow | string => {
    const found = byId.get(ref) ?? byName.get(ref);
    if (found) return found;
    const folded = byFolded.get(searchKey(ref)) ?? [];
    if (folded.length === 1 && folded[0]) return folded[0];
    return folded.length > 1 ? `matches several membership types; write the name exactly` : `no membership type is named '${ref}'`;
  };
}
