import { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { mailCategories, monthlyRecipients, unreachedReasons } from "../../drizzle/mailings.ts";
import { type Db, schema } from "../db/index.ts";
import { lostRace, requireVersion } from "../db/versions.ts";
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
import { Timestamp } from "../lib/fields.ts";
import { conflict, type FieldError, invalidFields } from "../lib/problems.ts";
import { multiline } from "../lib/text.ts";
import { type AutomationKind, automationDefaults, automationKinds, automationOf } from "./automation-templates.ts";
import { cronProblem, nextRun } from "./cron-expressions.ts";
import { monthlyReport } from "./monthly-report.ts";
import { templateErrors } from "./variables.ts";

const tags = ["Mailings"];
const Kind = z.enum(automationKinds as [AutomationKind, ...AutomationKind[]]);

const AutomationPublic = z
  .object({
    kind: Kind,
    configured: z.boolean().openapi({ description: "False: the defaults shown are not stored yet, and the automation is off." }),
    enabled: z.boolean(),
    schedule: z.string().openapi({
      description:
        "Cron expression in the organisation's time zone: when the planner runs (election_call: triggered by elections instead).",
    }),
    leadDays: z.number().int().openapi({
      description:
        "Days ahead: of the meeting or event (summons, notices, reminders, trainings), of the expiry (renewals), of the events listed (monthly).",
    }),
    graceDays: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Renewal reminders: days into the grace period for the second reminder; null for none." }),
    category: z.enum(mailCategories),
    subject: z.string(),
    text: z.string(),
    html: z.string().nullable(),
    instructions: z
      .string()
      .nullable()
      .openapi({ description: "The monthly group mailing: the staff-written instructions of the month ({{instructions}})." }),
    recipients: z.enum(monthlyRecipients).openapi({
      description:
        "The monthly group mailing: whom each active group's mailing goes to. `conveners` (the default): its conveners in good standing, " +
        "or its contact persons when none of them can be mailed; `members`: everyone in good standing who belongs to the group. " +
        "Other kinds ignore it.",
    }),
    nextRunAt: Timestamp.nullable(),
    version: z
      .number()
      .int()
      .openapi({ description: "The ETag; 0 while the defaults are not stored yet. The planner's runs do not change it." }),
    updatedAt: Timestamp.nullable(),
  })
  .openapi("MailingAutomation");

const AutomationUpdate = z
  .object({
    enabled: z.boolean(),
    schedule: z.string().max(100),
    leadDays: z.number().int().min(0).max(366),
    graceDays: z.number().int().min(1).max(366).nullable(),
    subject: z.string().min(1).max(300),
    text: multiline(z.string().min(1).max(100_000)),
    html: multiline(z.string().min(1).max(200_000)).nullable(),
    instructions: multiline(z.string().max(100_000)).nullable(),
    recipients: z.enum(monthlyRecipients),
  })
  .partial()
  .strict()
  .openapi("MailingAutomationUpdate");

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

const MonthlyReportSchema = z
  .object({
    runAt: Timestamp.nullable().openapi({ description: "The run reported on; null when the mailing has never run." }),
    mailings: z.number().int().openapi({ description: "Mailings the run made (one per group and set of events listed)." }),
    groupsReached: z.number().int().openapi({ description: "Groups with at least one recipient to be mailed." }),
    unreached: z.array(z.object({ groupId: z.string(), name: z.string(), reason: z.enum(unreachedReasons) })).openapi({
      description:
        "Active groups the run could not reach. no_recipients: no convener or contact person (or, with `recipients: members`, no member) in good standing; " +
        "no_address: none of them can be mailed (no address, or a suppressed one).",
    }),
  })
  .openapi("MonthlyGroupReport");

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

const a = schema.mailingAutomations;

async function storedAutomation(db: Db, orgId: string, kind: AutomationKind) {
  return db.query.mailingAutomations.findFirst({ where: and(eq(a.orgId, orgId), eq(a.kind, kind)) });
}

export const automationRoutes = createRouter()
  .openapi(report, async (c) => c.json(await monthlyReport(ctxOf(c), { runAt: c.req.valid("query").runAt }), 200))
  .openapi(list, async (c) => {
    const { db, org } = ctxOf(c);
    const rows = await db.select().from(a).where(eq(a.orgId, org.id));
    return c.json(
      {
        data: automationKinds.map((kind) =>
          automationOf(
            rows.find((row) => row.kind === kind),
            kind,
          ),
        ),
      },
      200,
    );
  })
  .openapi(get, async (c) => {
    const { kind } = c.req.valid("param");
    const { db, org } = ctxOf(c);
    const automation = automationOf(await storedAutomation(db, org.id, kind), kind);
    setEtag(c, automation.version);
    return c.json(automation, 200);
  })
  .openapi(put, async (c) => {
    const { db, org, now } = ctxOf(c);
    const { kind } = c.req.valid("param");
    const input = c.req.valid("json");
    const expected = expectedVersion(c);
    const row = await storedAutomation(db, org.id, kind);
    const current = automationOf(row, kind);
    requireVersion(expected, current.version);
    const merged = { ...current, ...input };
    const errors: FieldError[] = templateErrors(kind, "", { subject: merged.subject, text: merged.text, html: merged.html });
    if (input.recipients !== undefined && kind !== "monthly_group") {
      errors.push({ field: "body.recipients", message: "applies to the monthly group mailing only" });
    }
    const problem = cronProblem(merged.schedule);
    if (problem) errors.push({ field: "body.schedule", message: problem });
    if (errors.length > 0) {
      throw invalidFields(errors);
    }
    // Triggered kinds have no schedule of their own.
    const scheduled = merged.enabled && kind !== "election_call";
    const values = {
      orgId: org.id,
      kind,
      enabled: merged.enabled,
      schedule: merged.schedule,
      leadDays: merged.leadDays,
      graceDays:
        merged.graceDays ?? (kind === "renewal_reminder" && input.graceDays === undefined ? automationDefaults[kind].graceDays : null),
      subject: merged.subject,
      text: merged.text,
      html: merged.html,
      instructions: merged.instructions,
      recipients: merged.recipients,
      nextRunAt: scheduled ? (nextRun(merged.schedule, org.timeZone, now)?.toISOString() ?? null) : null,
      version: current.version + 1,
      createdAt: row?.createdAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
    };
    // The fields left out were read from the version read: the write applies to that version only.
    const [saved] = row
      ? await db
          .update(a)
          .set(values)
          .where(and(eq(a.orgId, org.id), eq(a.kind, kind), eq(a.version, row.version)))
          .returning()
      : await db.insert(a).values(values).onConflictDoNothing().returning();
    if (!saved) throw lostRace(expected, () => conflict("The automation changed meanwhile; read it again and retry."));
    setEtag(c, saved.version);
    return c.json(automationOf(saved, kind), 200);
  });
