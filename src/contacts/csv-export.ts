import type { Ctx } from "../access/context.ts";
import { consentCell, contactCsvColumns } from "../members/csv-columns.ts";
import { type CsvDialectName, peopleCsvStream } from "../members/csv-export.ts";
import { contactRowsPage } from "./contacts.queries.ts";
import type { ContactFilter } from "./contacts.schemas.ts";

/**
 * Every person as CSV in the contacts import's columns (statistics fields and consents
 * included), streamed a chunk at a time as the member CSV is: memory stays flat however
 * many people the organisation has.
 */
export function contactsCsvStream(ctx: Ctx, filter: ContactFilter, dialect: CsvDialectName = "rfc4180"): ReadableStream<Uint8Array> {
  return peopleCsvStream({
    dialect,
    columns: contactCsvColumns,
    page: (after, limit) => contactRowsPage(ctx, { filter, limit, after }),
    cells: async (shown) =>
      shown.map((row) => [
        row.name,
        row.email,
        row.phone,
        row.street,
        row.postalCode,
        row.city,
        row.country,
        row.preferredLanguage,
        row.gender,
        row.birthYear === null ? "" : String(row.birthYear),
        consentCell(row.consentNewsletters),
        consentCell(row.consentMeetingSummons),
        consentCell(row.consentCampaignNews),
      ]),
  });
}
