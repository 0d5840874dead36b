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
  "consent_newsletters",
  "consent_meeting_summons",
  "consent_campaign_news",
] as const;

/**
 * The columns of the contacts CSV (every person, members included): who they are, the
 * statistics fields and consents; membership stays with the member CSV.
 */
export const contactCsvColumns = [
  "name",
  "email",
  "phone",
  "street",
  "postal_code",
  "city",
  "country",
  "preferred_language",
  "gender",
  "birth_year",
  "consent_newsletters",
  "consent_meeting_summons",
  "consent_campaign_news",
] as const;

export type CsvColumn = (typeof csvColumns)[number] | (typeof contactCsvColumns)[number];

/** The consent columns, with the member's flag each one reads and writes. */
export const consentColumns = {
  consent_newsletters: "consentNewsletters",
  consent_meeting_summons: "consentMeetingSummons",
  consent_campaign_news: "consentCampaignNews",
} as const satisfies Partial<Record<CsvColumn, string>>;

export type ConsentColumn = keyof typeof consentColumns;
export type ConsentField = (typeof consentColumns)[ConsentColumn];

export const isConsentColumn = (column: string): column is ConsentColumn => Object.hasOwn(consentColumns, column);

/** A consent as the export writes it. */
export const consentCell = (given: boolean) => (given ? "yes" : "no");

const consentWords: Record<string, boolean> = {
  yes: true,
  no: false,
  true: true,
  false: false,
  "1": true,
  "0": false,
  ja: true,
  nej: false,
};

/** A consent cell as the import reads it: yes/no, true/false, 1/0 or ja/nej, in any case; undefined for anything else. */
export const consentOfCell = (cell: string): boolean | undefined => consentWords[cell.toLowerCase()];

/** What one kind of import file is: its columns, and those of which a row needs one to be matched. */
export interface CsvShape {
  columns: readonly CsvColumn[];
  keys: readonly CsvColumn[];
}

export const memberCsv: CsvShape = { columns: csvColumns, keys: ["email", "member_number"] };
export const contactCsv: CsvShape = { columns: contactCsvColumns, keys: ["email"] };
