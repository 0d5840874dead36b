import { z } from "@hono/zod-openapi";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { authProblems, bearerSecurity, createRouter, defineRoute, jsonContent, OrgParams, problems } from "../http/openapi.ts";
import { QueryBoolean } from "../http/query-fields.ts";
import { contactCsvColumns } from "../members/csv-columns.ts";
import { csvDialects } from "../members/csv-export.ts";
import { importMembers } from "../members/import.service.ts";
import { maxImportRows } from "../members/import-rows.ts";
import { importTextOf } from "../members/import-text.ts";
import { ImportResult } from "../members/members.schemas.ts";
import { ContactFilterQuery } from "./contacts.schemas.ts";
import { contactsCsvStream } from "./csv-export.ts";

const tags = ["Contacts"];
const columnList = contactCsvColumns.map((column) => `\`${column}\``).join(", ");

const importCsv = defineRoute({
  method: "post",
  path: "/v1/orgs/{org}/contacts/import",
  operationId: "importContacts",
  tags,
  summary: "Import contacts from CSV",
  description: [
    `The member import's engine, rules and limits (see \`POST /members/import\`: character sets, separators, all rows or none, \`dryRun\`, at most 10 MiB and ${maxImportRows} rows), with the contacts' columns: ${columnList}. Every row needs an email.`,
    "Rows match any person, member or contact, by e-mail (case-insensitively) and update what their cells give; an empty cell never clears anything. Unmatched rows create contacts (not members; a name is needed) with source `import`. `gender` is `woman`, `man` or `other`; `birth_year` a year such as 1994. Consents left out of a new contact's row take the organisation's `consentDefaults`.",
  ].join("\n\n"),
  security: bearerSecurity,
  // The 10 MiB limit of this route is set in app.ts, where the general limit is applied.
  middleware: [requireRole("staff")],
  request: {
    params: OrgParams,
    query: z.object({ dryRun: QueryBoolean.default(false).openapi({ description: "Check and count only." }) }),
    body: {
      required: true,
      content: {
        "text/csv": { schema: z.string().openapi({ example: "name,email,gender\r\nAda,ada@example.org,woman\r\n" }) },
        "text/tab-separated-values": { schema: z.string().openapi({ example: "name\temail\r\nAda\tada@example.org\r\n" }) },
      },
    },
  },
  responses: {
    200: jsonContent(ImportResult, "What the import did (or would do, on a dry run); `memberships` and `payments` are always 0."),
    ...problems(...authProblems, "unsupported_media_type", "payload_too_large", "conflict", "idempotency_key_reused"),
  },
});

const exportCsv = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/contacts/export.csv",
  operationId: "exportContactsCsv",
  tags,
  summary: "Every person as CSV",
  description:
    "Members and contacts, with the list's filters, in the columns of the contacts import (consents as `yes` or `no`, gender and birth year included), so the file imports back unchanged. Streamed. Cells a spreadsheet would run as a formula start with an apostrophe, which the import removes. Staff and admin keys: the file holds the statistics fields.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: {
    params: OrgParams,
    query: ContactFilterQuery.extend({
      dialect: z.enum(csvDialects).default("rfc4180").openapi({
        description: "`rfc4180` (default): commas and CRLF. `excel`: a UTF-8 byte-order mark, semicolons and CRLF, as the member CSV.",
      }),
    }),
  },
  responses: {
    200: { description: "The people, by name.", content: { "text/csv": { schema: z.string() } } },
    ...problems(...authProblems),
  },
});

export const contactCsvRoutes = createRouter()
  .openapi(importCsv, async (c) => {
    const text = importTextOf(new Uint8Array(await c.req.arrayBuffer()), c.req.header("Content-Type"));
    const result = await importMembers(ctxOf(c), { text, dryRun: c.req.valid("query").dryRun, kind: "contacts" });
    return c.json(result, 200);
  })
  .openapi(exportCsv, async (c) => {
    const ctx = ctxOf(c);
    const { dialect, ...filter } = c.req.valid("query");
    return c.body(contactsCsvStream(ctx, filter, dialect), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${ctx.org.slug}-contacts.csv"`,
      "Cache-Control": "no-store",
    });
  });
