import { eq } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { csvRecord } from "../lib/csv.ts";
import { yieldToEventLoop } from "../lib/yield.ts";
import { consentCell, csvColumns } from "./csv-columns.ts";
import { guardFormula } from "./formula-guard.ts";
import { listMemberRows } from "./members.queries.ts";
import type { MemberFilter } from "./members.schemas.ts";

/** Members per query while streaming: small enough that other requests wait only milliseconds between chunks. */
export const exportChunk = 250;

/**
 * How the file is written: `rfc4180` (commas, CRLF, no byte-order mark) for programs;
 * `excel` for Excel in locales whose list separator is a semicolon (Swedish and most of
 * Europe): a UTF-8 byte-order mark, without which Excel reads the file as Windows-1252,
 * and semicolons, so that a double-click opens the file in columns.
 */
export const csvDialects = ["rfc4180", "excel"] as const;
export type CsvDialectName = (typeof csvDialects)[number];

/**
 * A CSV of people in (name, id) order, produced chunk by chunk as the client reads (a pull
 * stream): memory stays flat however large the organisation. `page` reads up to `limit` + 1
 * rows after the cursor; `cells` turns a chunk of them into records.
 */
export function peopleCsvStream<Row extends { nameKey: string | null; id: string }>(options: {
  dialect: CsvDialectName;
  columns: readonly string[];
  page: (after: [string, string] | undefined, limit: number) => Promise<Row[]>;
  cells: (rows: Row[]) => Promise<(string | null | undefined)[][]>;
}): ReadableStream<Uint8Array> {
  const { dialect } = options;
  const encoder = new TextEncoder();
  const delimiter = dialect === "excel" ? ";" : ",";
  let after: [string, string] | undefined;
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${dialect === "excel" ? "\uFEFF" : ""}${csvRecord([...options.columns], delimiter)}`));
    },
    async pull(controller) {
      if (done) return;
      // Between chunks, every other request waiting on this process goes first.
      await yieldToEventLoop();
      const rows = await options.page(after, exportChunk);
      const shown = rows.slice(0, exportChunk);
      let text = "";
      for (const record of await options.cells(shown)) text += csvRecord(record.map(guardFormula), delimiter);
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

/**
 * The member list as CSV in the import's columns. The membership columns describe the
 * membership covering today, or else the most recent one.
 */
export function membersCsvStream(ctx: Ctx, filter: MemberFilter, dialect: CsvDialectName = "rfc4180"): ReadableStream<Uint8Array> {
  const { db } = ctx;
  const orgId = ctx.org.id;
  let typeNames: Map<string, string> | undefined;
  return peopleCsvStream({
    dialect,
    columns: csvColumns,
    page: (after, limit) => listMemberRows(ctx, { filter, limit, after }),
    cells: async (shown) => {
      typeNames ??= new Map(
        (
          await db
            .select({ id: schema.membershipTypes.id, name: schema.membershipTypes.name })
            .from(schema.membershipTypes)
            .where(eq(schema.membershipTypes.orgId, orgId))
        ).map((type) => [type.id, type.name]),
      );
      const names = typeNames;
      return shown.map((row) => {
        const { membership } = row;
        return [
          row.memberNumber,
          row.name,
          row.email,
          row.phone,
          row.street,
          row.postalCode,
          row.city,
          row.country,
          row.preferredLanguage,
          membership ? names.get(membership.typeId) : "",
          membership?.startsOn,
          membership?.paidAt,
          membership?.paymentReference,
          consentCell(row.consentNewsletters),
          consentCell(row.consentMeetingSummons),
          consentCell(row.consentCampaignNews),
        ];
      });
    },
  });
}
