/**
 * Formula injection: a spreadsheet runs a cell starting with = + - @ (or a tab or CR) as a
 * formula. Exported cells that would be read so get a leading apostrophe, which the import
 * removes again — except plain numbers and phone numbers, which no spreadsheet runs as code.
 */
const formulaStart = /^'*[=+\-@\t\r]/;
const harmless = /^[+-]?[0-9 ()./-]*$/;

export function guardFormula(text: string | null | undefined): string {
  if (!text) return "";
  return formulaStart.test(text) && !harmless.test(text) ? `'${text}` : text;
}

export function unguardFormula(text: string): string {
  return text.startsWith("'") && formulaStart.test(text) ? text.slice(1) : text;
}
