import type { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { type Db, schema } from "../db/index.ts";
import { type Expected, lostRace, requireVersion } from "../db/versions.ts";
import { conflict, type FieldError, invalidFields } from "../lib/problems.ts";
import { type AutomationKind, automationDefaults, automationKinds, automationOf } from "./automation-templates.ts";
import type { AutomationUpdate } from "./automations.schemas.ts";
import { cronProblem, nextRun } from "./cron-expressions.ts";
import { templateErrors } from "./variables.ts";

const a = schema.mailingAutomations;

async function storedAutomation(db: Db, orgId: string, kind: AutomationKind) {
  return db.query.mailingAutomations.findFirst({ where: and(eq(a.orgId, orgId), eq(a.kind, kind)) });
}

/** Every kind, configured or showing its defaults. */
export async function listAutomations(ctx: Ctx) {
  const rows = await ctx.db.select().from(a).where(eq(a.orgId, ctx.org.id));
  return automationKinds.map((kind) =>
    automationOf(
      rows.find((row) => row.kind === kind),
      kind,
    ),
  );
}

export async function getAutomation(ctx: Ctx, kind: AutomationKind) {
  return automationOf(await storedAutomation(ctx.db, ctx.org.id, kind), kind);
}

/** Stores an automation's settings: the fields given over the current (or default) ones. */
export async function saveAutomation(
  ctx: Ctx,
  options: { kind: AutomationKind; input: z.infer<typeof AutomationUpdate>; expected: Expected },
) {
  const { db, org, now } = ctx;
  const { kind, input, expected } = options;
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
  return automationOf(saved, kind);
}
