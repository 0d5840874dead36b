import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireRole, requireRoleOrMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import type { AppEnv } from "../http/env.ts";
import { authProblems, bearerSecurity, createRouter, defineRoute, jsonContent, OrgIdParams, OrgParams, problems } from "../http/openapi.ts";
import { YearQuery } from "./money.schemas.ts";
import { yearCsv } from "./report-csv.ts";
import { GroupYearReport, SectionYearReport } from "./reports.schemas.ts";
import { groupYearReport, sectionYearReport } from "./reports.service.ts";

const tags = ["Group reports"];
const csvContent = { "text/csv": { schema: z.string() } };
const figuresText =
  "Members and active members at year end, meetings held and their attendance, what the group did for actions, whom it " +
  "recruited, the money it raised and was granted (per currency, minor units), and the trainings its members attended.";

const groupReport = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/report",
  operationId: "getGroupYearReport",
  tags,
  summary: "A group's year in figures",
  description: `${figuresText} For keys, the group's conveners and its members in good standing.`,
  security: bearerSecurity,
  middleware: [requireRoleOrMember("readonly")],
  request: { params: OrgIdParams, query: YearQuery },
  responses: { 200: jsonContent(GroupYearReport, "The figures."), ...problems(...authProblems) },
});

const groupReportCsv = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/groups/{id}/report.csv",
  operationId: "getGroupYearReportCsv",
  tags,
  summary: "A group's year in figures, as CSV",
  description: "The same figures as one CSV line under a header; money as a pair of columns per currency.",
  security: bearerSecurity,
  middleware: [requireRoleOrMember("readonly")],
  request: { params: OrgIdParams, query: YearQuery },
  responses: { 200: { description: "The figures.", content: csvContent }, ...problems(...authProblems) },
});

const sectionReport = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/reports/groups",
  operationId: "getGroupsYearReport",
  tags,
  summary: "Every group's year in figures, and the section's totals",
  description: `${figuresText} Per active or closed group, by name, and summed.`,
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgParams, query: YearQuery },
  responses: { 200: jsonContent(SectionYearReport, "The figures."), ...problems(...authProblems) },
});

const sectionReportCsv = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/reports/groups.csv",
  operationId: "getGroupsYearReportCsv",
  tags,
  summary: "Every group's year in figures, as CSV",
  description: "One line per group and a last line of totals; money as columns per currency.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgParams, query: YearQuery },
  responses: { 200: { description: "The figures.", content: csvContent }, ...problems(...authProblems) },
});

function csvResponse(c: Context<AppEnv>, text: string, name: string) {
  return c.body(text, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${name}.csv"`,
    "Cache-Control": "no-store",
  });
}

export const reportRoutes = createRouter()
  .openapi(groupReport, async (c) =>
    c.json(await groupYearReport(ctxOf(c), { groupId: c.req.valid("param").id, year: c.req.valid("query").year }), 200),
  )
  .openapi(groupReportCsv, async (c) => {
    const { year } = c.req.valid("query");
    const report = await groupYearReport(ctxOf(c), { groupId: c.req.valid("param").id, year });
    return csvResponse(c, yearCsv([report]), `${c.get("org").slug}-group-${report.groupId}-${year}`);
  })
  .openapi(sectionReport, async (c) => c.json(await sectionYearReport(ctxOf(c), { year: c.req.valid("query").year }), 200))
  .openapi(sectionReportCsv, async (c) => {
    const { year } = c.req.valid("query");
    const report = await sectionYearReport(ctxOf(c), { year });
    return csvResponse(c, yearCsv(report.groups, report.totals), `${c.get("org").slug}-groups-${year}`);
  });
