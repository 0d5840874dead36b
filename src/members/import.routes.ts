import { z } from "@hono/zod-openapi";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { authProblems, bearerSecurity, createRouter, defineRoute, jsonContent, OrgParams, problems } from "../http/openapi.ts";
import { csvColumns } from "./csv-columns.ts";
import { membersCsvStream } from "./csv-export.ts";
import { importMembers } from "./import.service.ts";
import { maxImportRows, maxListedErrors } from "./import-rows.ts";
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
    `RFC 4180 CSV in UTF-8 (a byte-order mark is fine; semicolons instead of commas are recognised from the header). A header row names the columns, case-insensitively: ${columnList}. Each row needs an email or a member_number.`,
    "Rows match existing members by member number, else by e-mail. An empty cell leaves the stored value alone (an import never clears data); other cells update it, and a new postal code moves the member's district. Unmatched rows create members (a name is needed; without a number the next free numbers are assigned).",
    "`membership_type` (the type's name or id) with `membership_starts_on` adds that membership unless the member already has one of that type starting that day; `paid_at` and `payment_reference` record its payment.",
    `All rows or none: any error answers 422 listing each as \`row N column C\` (the header is row 1) and nothing is written. Importing the same file again changes nothing. With \`dryRun=true\` the file is checked and counted but not written.`,
    `Limits: 10 MiB per file (above the general body limit) and at most ${maxImportRows} rows (blank lines aside); a longer file is refused as soon as its row ${maxImportRows + 1} is read. The file is read one record at a time, and of the errors the first ${maxListedErrors} by row are listed, with their total in \`detail\`; a header or row with more fields than the ${csvColumns.length} columns is one error giving the count.`,
  ].join("\n\n"),
  security: bearerSecurity,
  // The 10 MiB limit of this route is set in app.ts, where the general limit is applied.
  middleware: [requireRole("staff")],
  request: {
    params: OrgParams,
    query: z.object({
      dryRun: z
        .enum(["true", "false"])
        .default("false")
        .transform((value) => value === "true")
        .openapi({ type: "string", enum: ["true", "false"], description: "Check and count only." }),
    }),
    body: {
      required: true,
      content: { "text/csv": { schema: z.string().openapi({ example: "member_number,name,email\r\n1,Ada,ada@example.org\r\n" }) } },
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
    "The same filters as the member list, in the columns of the import, so the file imports back unchanged. The membership columns describe the membership covering today, or else the most recent one. Streamed: any size of organisation. Cells a spreadsheet would run as a formula start with an apostrophe, which the import removes.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgParams, query: MemberFilterQuery },
  responses: {
    200: { description: "The members, by name.", content: { "text/csv": { schema: z.string() } } },
    ...problems(...authProblems),
  },
});

export const importRoutes = createRouter()
  .openapi(importCsv, async (c) => {
    const result = await importMembers(ctxOf(c), { text: await c.req.text(), dryRun: c.req.valid("query").dryRun });
    return c.json(result, 200);
  })
  .openapi(exportCsv, async (c) => {
    const ctx = ctxOf(c);
    const stream = membersCsvStream(ctx, c.req.valid("query"));
    return c.body(stream, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${ctx.org.slug}-members.csv"`,
      "Cache-Control": "no-store",
    });
  });
