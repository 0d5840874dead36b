/**
 * The columns of the member CSV, shared by the import and the export so that an exported
 * file imports back unchanged. Headers are matched case-insensitively.
 */
export const csvColumns = [
  "member_number",
  "name",
  "email",
  "phone",
  "street",
  "postal_code",
  "city",
  "country",
  "preferred_language",
  "membership_type",
  "membership_starts_on",
  "paid_at",
  "payment_reference",
] as const;

export type CsvColumn = (typeof csvColumns)[number];

export const isCsvColumn = (name: string): name is CsvColumn => (csvColumns as readonly string[]).includes(name);
