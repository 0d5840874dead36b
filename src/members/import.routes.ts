import { z } from "@hono/zod-openapi";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { authProblems, bearerSecurity, createRouter, defineRoute, jsonContent, OrgParams, problems } from "../http/openapi.ts";
import { QueryBoolean } from "../http/query-fields.ts";
import { charsetLabels } from "../lib/charset.ts";
import { csvColumns } from "./csv-columns.ts";
import { csvDialects, membersCsvStream } from "./csv-export.ts";
import { importMembers } from "./import.service.ts";
import { maxImportRows, maxListedErrors } from "./import-rows.ts";
import { importTextOf } from "./import-text.ts";
import { ImportResult, MemberFilterQuery } from "./members.schemas.ts";

const tags = ["Members"];

/** Member files are larger than other bodies; the app-wide limit must let them through to this one. */
export const importMaxBytes = 10 * 1024 * 1024;

const columnList = csvColumns.map((column) => `\`${column}\``).join(", ");

const importCsv = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/members/import",
  operationId: "importMembers",
  tags,
  summary: "Import members from CSV",
  description: [
    `RFC 4180 CSV (\`text/csv\`) or tab-separated values (\`text/tab-separated-values\`). A header row names the columns, case-insensitively: ${columnList}. Each row needs an email or a member_number. Commas, semicolons or tabs separate the fields, as the header shows, or as Excel's first line \`sep=;\` says.`,
    `The characters: a byte-order mark decides (UTF-8, UTF-16LE, UTF-16BE); else the \`charset\` of the Content-Type (${charsetLabels.join(", ")}); else UTF-8 when the file is valid UTF-8; else Windows-1252 (Excel's plain "CSV" in Western Europe) when nothing in the file contradicts it. A file that none of these read with certainty — UTF-16 without a byte-order mark, UTF-8 mixed with other bytes, bytes Windows-1252 does not define — is refused with 422 asking for "CSV UTF-8", and so is a cell holding U+FFFD (�), the trace of a character lost in an earlier conversion; an unknown charset is 415.`,
    "Rows match existing members by member number, else by e-mail. An empty cell leaves the stored value alone (an import never clears data); other cells update it, and a new postal code moves the member's district. A row whose e-mail is a contact's (a person not yet a member) enrols that contact under their id, history kept. Unmatched rows create members (a name is needed; without a number the next free numbers are assigned).",
    "`membership_type` (the type's name or id) with `membership_starts_on` adds that membership unless the member already has one of that type starting that day; `paid_at` and `payment_reference` record its payment.",
    "`consent_newsletters`, `consent_meeting_summons` and `consent_campaign_news` set the member's consents (`yes` or `no`; `true`/`false`, `1`/`0` and `ja`/`nej` are read too); a new member without them takes the organisation's `consentDefaults`, as one created through the API.",
    `All rows or none: any error answers 422 listing each as \`row N column C\` (the header is row 1) and nothing is written. Importing the same file again changes nothing. With \`dryRun=true\` the file is checked and counted but not written.`,
    `Limits: 10 MiB per file (above the general body limit) and at most ${maxImportRows} rows (blank lines aside); a longer file is refused as soon as its row ${maxImportRows + 1} is read. The file is read one record at a time, and of the errors the first ${maxListedErrors} by row are listed, with their total in \`detail\`; a header or row with more fields than the ${csvColumns.length} columns is one error giving the count.`,
  ].join("\n\n"),
  security: bearerSecurity,
  // The 10 MiB limit of this route is set in app.ts, where the general limit is applied.
  middleware: [requireRole("staff")],
  request: {
    params: OrgParams,
    query: z.object({
      dryRun: QueryBoolean.default(false).openapi({ description: "Check and count only." }),
    }),
    body: {
      required: true,
      content: {
        "text/csv": { schema: z.string().openapi({ example: "member_number,name,email\r\n1,Ada,ada@example.org\r\n" }) },
        "text/tab-separated-values": {
          schema: z.string().openapi({ example: "member_number\tname\temail\r\n1\tAda\tada@example.org\r\n" }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(ImportResult, "What the import did (or would do, on a dry run)."),
    ...problems(...authProblems, "unsupported_media_type", "payload_too_large", "conflict", "idempotency_key_reused"),
  },
});

const exportCsv = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/members.csv",
  operationId: "exportMembersCsv",
  tags,
  summary: "The member list as CSV",
  description:
    "The same filters as the member list, in the columns of the import, so the file imports back unchanged (consents as `yes` or `no`). The membership columns describe the membership covering today, or else the most recent one. Streamed: any size of organisation. Cells a spreadsheet would run as a formula start with an apostrophe, which the import removes.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: {
    params: OrgParams,
    query: MemberFilterQuery.extend({
      dialect: z.enum(csvDialects).default("rfc4180").openapi({
        description:
          "`rfc4180` (default): commas and CRLF, for programs. `excel`: a UTF-8 byte-order mark, semicolons and CRLF, so that Excel in Sweden (and wherever the list separator is a semicolon) opens the file in columns with its characters intact.",
      }),
    }),
  },
  responses: {
    200: { description: "The members, by name.", content: { "text/csv": { schema: z.string() } } },
    ...problems(...authProblems),
  },
});

export const importRoutes = createRouter()
  .openapi(importCsv, async (c) => {
    // Read as bytes: the characters are decoded by what the file and the request say (import-text.ts), never assumed UTF-8.
    const text = importTextOf(new Uint8Array(await c.req.arrayBuffer()), c.req.header("Content-Type"));
    const result = await importMembers(ctxOf(c), { text, dryRun: c.req.valid("query").dryRun });
    return c.json(result, 200);
  })
  .openapi(exportCsv, async (c) => {
    const ctx = ctxOf(c);
    const { dialect, ...filter } = c.req.valid("query");
    const stream = membersCsvStream(ctx, filter, dialect);
    return c.body(stream, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${ctx.org.slug}-members.csv"`,
      "Cache-Control": "no-store",
    });
  });
