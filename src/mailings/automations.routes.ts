import { z } from "@hono/zod-openapi";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
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
import { AutomationPublic, AutomationUpdate, Kind, MonthlyReportSchema } from "./automations.schemas.ts";
import { getAutomation, listAutomations, saveAutomation } from "./automations.service.ts";
import { monthlyReport } from "./monthly-report.ts";

const tags = ["Mailings"];

const KindParams = OrgParams.extend({ kind: Kind.openapi({ param: { name: "kind", in: "path" } }) });

const list = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mailing-automations",
  operationId: "listMailingAutomations",
  tags,
  summary: "The automatic mailings and their settings",
  description:
    "Every kind of automatic mailing (monthly group mailing, meeting summons, member-meeting notices, event reminders, training announcements, election calls, renewal reminders) with whether it is configured and enabled, its timing, its templates and its next run. Any API key.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgParams },
  responses: {
    200: jsonContent(z.object({ data: z.array(AutomationPublic) }), "Every kind, configured or not."),
    ...problems(...authProblems),
  },
});

const get = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mailing-automations/{kind}",
  operationId: "getMailingAutomation",
  tags,
  summary: "One automatic mailing and its settings",
  description: 'Every kind exists: one not configured yet shows its defaults, with `configured: false` and ETag `"0"`.',
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: KindParams },
  responses: { 200: { ...jsonContent(AutomationPublic, "The automation."), headers: etagHeader }, ...problems(...authProblems) },
});

const put = defineRoute({
  method: "put",
  path: "/v1/orgs/{org}/mailing-automations/{kind}",
  operationId: "updateMailingAutomation",
  tags,
  summary: "Configure an automatic mailing",
  description:
    "Fields left out keep their current (or default) value. Templates are checked for unknown variables (422). " +
    "Without If-Match, a concurrent change of the same automation is a 409 (the fields left out were read from it).",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: KindParams, headers: IfMatchHeaders, body: jsonBody(AutomationUpdate) },
  responses: {
    200: { ...jsonContent(AutomationPublic, "The automation."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

const report = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/mailing-automations/monthly_group/report",
  operationId: "getMonthlyGroupReport",
  tags,
  summary: "The delivery report of a monthly group mailing run: groups reached and groups not reached",
  description:
    "For keys. Without `runAt`, the latest run. A group is not reached when none of its conveners in good standing nor its contact persons can be mailed; the reason says which (`no_recipients`, `no_address`).",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: {
    params: OrgParams,
    query: z.object({
      runAt: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({ description: "The run's scheduled time (the `sendAt` of its mailings); the latest run without it." }),
    }),
  },
  responses: { 200: jsonContent(MonthlyReportSchema, "The report."), ...problems(...authProblems) },
});

export const automationRoutes = createRouter()
  .openapi(report, async (c) => c.json(await monthlyReport(ctxOf(c), { runAt: c.req.valid("query").runAt }), 200))
  .openapi(list, async (c) => c.json({ data: await listAutomations(ctxOf(c)) }, 200))
  .openapi(get, async (c) => {
    const automation = await getAutomation(ctxOf(c), c.req.valid("param").kind);
    setEtag(c, automation.version);
    return c.json(automation, 200);
  })
  .openapi(put, async (c) => {
    const input = c.req.valid("json");
    const automation = await saveAutomation(ctxOf(c), { kind: c.req.valid("param").kind, input, expected: expectedVersion(c) });
    setEtag(c, automation.version);
    return c.json(automation, 200);
  });
