import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import type { AppEnv } from "../http/env.ts";
import { expectedVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  bodyProblems,
  createRouter,
  defineRoute,
  etagHeader,
  IfMatchHeaders,
  jsonBody,
  jsonContent,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { participationReport } from "./participation.service.ts";
import { participationCsv } from "./participation-csv.ts";
import { participationSettings, putParticipationSettings } from "./participation-settings.ts";
import { partnerReport } from "./partner-report.service.ts";
import { ParticipationQuery, ParticipationReport, ParticipationSettingsBody, PartnerReport, PeriodQuery } from "./reports.schemas.ts";

const tags = ["Programme reports"];
const readers = [requireRole("readonly")];
const figuresText =
  "Counts of activities, unique participants (members and contacts alike) and attendances, from recorded attendance (registrations " +
  "marked attended, attendance per session of a course, check-ins at member meetings): in total, by gender, by age band (the organisation's bands), by the country " +
  "events took place in, by programme area and by partner. Counts of people below the organisation's minimum (default 3) are " +
  "withheld, and `suppression` says how many. Computed when asked. API keys.";

const participation = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/reports/participation",
  operationId: "getParticipationReport",
  tags,
  summary: "Participation figures for funders",
  description: `${figuresText} With \`Accept: text/csv\` the same as \`/reports/participation.csv\`.`,
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: ParticipationQuery },
  responses: {
    200: {
      description: "The figures.",
      content: { "application/json": { schema: ParticipationReport }, "text/csv": { schema: z.string() } },
    },
    ...problems(...authProblems),
  },
});

const participationCsvRoute = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/reports/participation.csv",
  operationId: "getParticipationReportCsv",
  tags,
  summary: "Participation figures for funders, as CSV",
  description:
    "The same figures as one table: `dimension,key,label,activities,participants,attendances`, a line per cell; a withheld count reads `<3` (the minimum).",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: ParticipationQuery },
  responses: { 200: { description: "The figures.", content: { "text/csv": { schema: z.string() } } }, ...problems(...authProblems) },
});

const partners = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/reports/partners",
  operationId: "getPartnerReport",
  tags,
  summary: "What was done with each partner in a period",
  description:
    "Per partner organisation, by name: the events it co-organised that took place in the period (not cancelled) and the campaigns it co-organised that ran then. Partners with nothing in the period are left out. API keys.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams, query: PeriodQuery },
  responses: { 200: jsonContent(PartnerReport, "Activities per partner."), ...problems(...authProblems) },
});

const getSettings = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/reports/participation/settings",
  operationId: "getParticipationSettings",
  tags,
  summary: "How the participation report is cut",
  description: 'The organisation\'s age bands and minimum count, with an ETag (`"0"` while the defaults apply). API keys.',
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgParams },
  responses: { 200: { ...jsonContent(ParticipationSettingsBody, "The settings."), headers: etagHeader }, ...problems(...authProblems) },
});

const putSettings = defineRoute({
  method: "put",
  path: "/v1/orgs/{org}/reports/participation/settings",
  operationId: "putParticipationSettings",
  tags,
  summary: "Set how the participation report is cut",
  description:
    "The age bands (ascending ages where a band begins) and the minimum count shown. An organisation setting: admin keys; If-Match is honoured.",
  security: bearerSecurity,
  middleware: [requireRole("admin")],
  request: { params: OrgParams, headers: IfMatchHeaders, body: jsonBody(ParticipationSettingsBody) },
  responses: {
    200: { ...jsonContent(ParticipationSettingsBody, "The settings."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

function csvResponse(c: Context<AppEnv>, text: string, name: string) {
  return c.body(text, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${name}.csv"`,
    "Cache-Control": "no-store",
  });
}

/** Whether the client asked for CSV rather than JSON: `text/csv` listed, and JSON not preferred before it. */
function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(",").map((part) => part.split(";")[0]?.trim().toLowerCase());
  const csv = types.indexOf("text/csv");
  const json = types.indexOf("application/json");
  return csv >= 0 && (json < 0 || csv < json);
}

export const programmeReportRoutes = createRouter()
  .openapi(participationCsvRoute, async (c) => {
    const query = c.req.valid("query");
    const report = await participationReport(ctxOf(c), query);
    return csvResponse(c, participationCsv(report), `${c.get("org").slug}-participation-${query.from}-${query.to}`);
  })
  .openapi(getSettings, async (c) => {
    const { version, ...settings } = await participationSettings(ctxOf(c));
    setEtag(c, version);
    return c.json(settings, 200);
  })
  .openapi(putSettings, async (c) => {
    const { version, ...settings } = await putParticipationSettings(ctxOf(c), { input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, version);
    return c.json(settings, 200);
  })
  .openapi(participation, async (c) => {
    const query = c.req.valid("query");
    const report = await participationReport(ctxOf(c), query);
    if (wantsCsv(c.req.header("Accept")))
      return csvResponse(c, participationCsv(report), `${c.get("org").slug}-participation-${query.from}-${query.to}`);
    return c.json(report, 200);
  })
  .openapi(partners, async (c) => c.json(await partnerReport(ctxOf(c), c.req.valid("query")), 200));
