import type { z } from "zod";
import { EmailField, LocaleField, NameField } from "../http/fields.ts";
import { ApiError, type FieldError } from "../http/problem.ts";
import { acceptsLineBreaks, unacceptableText } from "../http/text.ts";
import { CsvSyntaxError, detectDelimiter, parseCsv } from "../lib/csv.ts";
import { unguardFormula } from "./csv.ts";
import { type CsvColumn, csvColumns, isCsvColumn } from "./csv-columns.ts";
import { searchKey } from "./queries.ts";
import {
  CityField,
  CountryField,
  DayField,
  MemberNumberField,
  PaidAtField,
  PaymentReferenceField,
  PhoneField,
  PostalCodeField,
  StreetField,
} from "./schemas.ts";
import type { MembershipTypeRow } from "./types-service.ts";

/**
 * Reading an import file: the CSV, its header, and each row's cells validated with the
 * same field validators as the JSON API. Errors are collected per row and column, never
 * thrown one at a time, so a user fixes the whole file in one round.
 */

export const maxImportRows = 50_000;
const maxListedErrors = 100;

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
}

export interface ImportRow {
  row: number;
  fields: RowFields;
  membership?: { typeRef: string; startsOn?: string; paidAt?: string; paymentReference?: string };
}

const cellSchemas: Record<Exclude<CsvColumn, "membership_type">, z.ZodType<string>> = {
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
};

const fieldOf: Partial<Record<CsvColumn, keyof RowFields>> = {
  member_number: "memberNumber",
  name: "name",
  email: "email",
  phone: "phone",
  street: "street",
  postal_code: "postalCode",
  city: "city",
  country: "country",
  preferred_language: "preferredLanguage",
};

export const rejected = (errors: FieldError[], what: string) => {
  const listed = errors.slice(0, maxListedErrors);
  const more = errors.length > listed.length ? ` (the first ${listed.length} are listed)` : "";
  return new ApiError("validation_failed", `${what}: ${errors.length} error(s)${more}; nothing was imported.`, { errors: listed });
};

export function parseFile(text: string): { header: CsvColumn[]; records: { row: number; cells: string[] }[] } {
  const delimiter = detectDelimiter(text);
  let records: string[][];
  try {
    records = parseCsv(text, delimiter);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    let column = String(error.column);
    try {
      const header = parseCsv(text.split(/\r\n|\n|\r/, 1)[0] ?? "", delimiter)[0] ?? [];
      if (error.row > 1 && header[error.column - 1]) column = header[error.column - 1]?.trim().toLowerCase() ?? column;
    } catch {
      // The header itself is malformed: name the column by its position.
    }
    throw rejected([{ field: `row ${error.row} column ${column}`, message: error.message }], "The file is not valid CSV");
  }
  const [head, ...body] = records;
  if (!head) throw rejected([{ field: "row 1", message: "the file is empty; it needs a header row" }], "The file is empty");

  const names = head.map((name) => name.trim().toLowerCase());
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
  if (!names.includes("email") && !names.includes("member_number")) {
    errors.push({ field: "row 1", message: "a column 'email' or 'member_number' is needed to match members" });
  }
  if (errors.length > 0) throw rejected(errors, "The header row is not valid");

  const rows = body.map((cells, index) => ({ row: index + 2, cells })).filter(({ cells }) => cells.some((cell) => cell.trim() !== ""));
  if (rows.length > maxImportRows) {
    throw rejected(
      [{ field: "file", message: `has ${rows.length} rows; import at most ${maxImportRows} at a time` }],
      "The file is too long",
    );
  }
  return { header: names as CsvColumn[], records: rows };
}

export function validateRows(header: CsvColumn[], records: { row: number; cells: string[] }[], errors: FieldError[]): ImportRow[] {
  const rows: ImportRow[] = [];
  for (const { row, cells } of records) {
    if (cells.length !== header.length) {
      errors.push({ field: `row ${row}`, message: `has ${cells.length} fields, the header has ${header.length}` });
      continue;
    }
    const values: Partial<Record<CsvColumn, string>> = {};
    header.forEach((column, index) => {
      const cell = unguardFormula((cells[index] ?? "").trim());
      if (cell === "") return;
      // The same text rule as every JSON field: a NUL, or a line break outside a multi-line field, is refused.
      const badText = unacceptableText(cell, column !== "membership_type" && acceptsLineBreaks(cellSchemas[column]));
      if (badText) {
        errors.push({ field: `row ${row} column ${column}`, message: badText });
        return;
      }
      if (column === "membership_type") {
        values[column] = cell;
        return;
      }
      const parsed = cellSchemas[column].safeParse(cell);
      if (parsed.success) values[column] = parsed.data;
      else errors.push({ field: `row ${row} column ${column}`, message: parsed.error.issues[0]?.message ?? "is not valid" });
    });
    const fields: RowFields = {};
    for (const [column, field] of Object.entries(fieldOf) as [CsvColumn, keyof RowFields][]) {
      if (values[column] !== undefined) fields[field] = values[column];
    }
    const hasKey = cells.some((cell, index) => ["email", "member_number"].includes(header[index] ?? "") && cell.trim() !== "");
    if (!hasKey) errors.push({ field: `row ${row}`, message: "needs an email or a member_number" });
    const item: ImportRow = { row, fields };
    if (values.membership_type !== undefined) {
      item.membership = {
        typeRef: values.membership_type,
        startsOn: values.membership_starts_on,
        paidAt: values.paid_at,
        paymentReference: values.payment_reference,
      };
      if (cellEmpty(header, cells, "membership_starts_on", true)) {
        errors.push({
          field: `row ${row} column membership_starts_on`,
          message: "is needed with membership_type (an import never guesses a start)",
        });
      }
    } else {
      for (const column of ["membership_starts_on", "paid_at", "payment_reference"] as const) {
        if (!cellEmpty(header, cells, column, true)) {
          errors.push({ field: `row ${row} column ${column}`, message: "needs a membership_type in the same row" });
        }
      }
    }
    rows.push(item);
  }
  return rows;
}

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
