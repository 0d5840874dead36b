import type { Ctx } from "../access/context.ts";
import { csvRecord } from "../lib/csv.ts";
import { yieldToEventLoop } from "../lib/yield.ts";
import { consentCell, contactCsvColumns } from "../members/csv-columns.ts";
import { type CsvDialectName, exportChunk } from "../members/csv-export.ts";
import { guardFormula } from "../members/formula-guard.ts";
import { contactRowsPage } from "./contacts.queries.ts";
import type { ContactFilter } from "./contacts.schemas.ts";

/**
 * Every person as CSV in the contacts import's columns (statistics fields and consents
 * included), streamed a chunk at a time as the member CSV is: memory stays flat however
 * many people the organisation has.
 */
export function contactsCsvStream(ctx: Ctx, filter: ContactFilter, dialect: CsvDialectName = "rfc4180"): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const delimiter = dialect === "excel" ? ";" : ",";
  let after: [string, string] | undefined;
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${dialect === "excel" ? "\uFEFF" : ""}${csvRecord([...contactCsvColumns], delimiter)}`));
    },
    async pull(controller) {
      if (done) return;
      await yieldToEventLoop();
      const rows = await contactRowsPage(ctx, { filter, limit: exportChunk, after });
      const shown = rows.slice(0, exportChunk);
      let text = "";
      for (const row of shown) {
        text += csvRecord(
          [
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
          ].map(guardFormula),
          delimiter,
        );
      }
      if (text) controller.enqueue(encoder.encode(text));
      const last = shown[shown.length - 1];
      if (rows.length <= exportChunk || !last) {
        done = true;
        controller.close();
        return;
      }
      after = [last.nameKey ?? "", last.id];
    },
  });
}
