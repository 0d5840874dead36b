import type { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { type Db, schema } from "../db/index.ts";
import { type Expected, lostRace, requireVersion } from "../db/versions.ts";
import { type Language, languageFor } from "../i18n/index.ts";
import { conflict, type FieldError, invalidFields } from "../lib/problems.ts";
import {
  type AutomationKind,
  automationDefaults,
  automationKinds,
  automationOf,
  defaultTemplate,
  storedTemplates,
} from "./automation-templates.ts";
import type { AutomationUpdate } from "./automations.schemas.ts";
import { cronProblem, nextRun } from "./cron-expressions.ts";
import { templateErrors } from "./variables.ts";

const a = schema.mailingAutomations;

async function storedAutomation(db: Db, orgId: string, kind: AutomationKind) {
  return db.query.mailingAutomations.findFirst({ where: and(eq(a.orgId, orgId), eq(a.kind, kind)) });
}

/** The organisation's locale: which language's template an automation shows as its `subject` and `text`. */
async function orgLocale(db: Db, orgId: string): Promise<string> {
  const row = await db.query.organisations.findFirst({ columns: { locale: true }, where: eq(schema.organisations.id, orgId) });
  return row?.locale ?? "en";
}

/** Every kind, configured or showing its defaults. */
export async function listAutomations(ctx: Ctx) {
  const [rows, locale] = await Promise.all([ctx.db.select().from(a).where(eq(a.orgId, ctx.org.id)), orgLocale(ctx.db, ctx.org.id)]);
  return automationKinds.map((kind) =>
    automationOf(
      rows.find((row) => row.kind === kind),
      kind,
      locale,
    ),
  );
}

export async function getAutomation(ctx: Ctx, kind: AutomationKind) {
  const [row, locale] = await Promise.all([storedAutomation(ctx.db, ctx.org.id, kind), orgLocale(ctx.db, ctx.org.id)]);
  return automationOf(row, kind, locale);
}

type TemplateInput = { subject?: string | undefined; text?: string | undefined; html?: string | null | undefined };

/**
 * The organisation's templates after an update: `subject`, `text` and `html` given at the top
 * level are its own language's; `templates` sets any language's (null: back to the catalogue's).
 * A language given in part keeps the rest of its current template.
 */
function updatedTemplates(
  kind: AutomationKind,
  row: Parameters<typeof storedTemplates>[0],
  language: Language,
  input: z.infer<typeof AutomationUpdate>,
) {
  const own = storedTemplates(row);
  const apply = (lang: Language, change: TemplateInput) => {
    const base = own[lang] ?? defaultTemplate(kind, lang);
    own[lang] = {
      subject: change.subject ?? base.subject,
      text: change.text ?? base.text,
      html: change.html !== undefined ? change.html : base.html,
    };
  };
  for (const [lang, change] of Object.entries(input.templates ?? {}) as [Language, TemplateInput | null][]) {
    if (change === null) delete own[lang];
    else apply(lang, change);
  }
  if (input.subject !== undefined || input.text !== undefined || input.html !== undefined) apply(language, input);
  return own;
}

/** Stores an automation's settings: the fields given over the current (or default) ones. */
export async function saveAutomation(
  ctx: Ctx,
  options: { kind: AutomationKind; input: z.infer<typeof AutomationUpdate>; expected: Expected },
) {
  const { db, org, now } = ctx;
  const { kind, input, expected } = options;
  const [row, locale] = await Promise.all([storedAutomation(db, org.id, kind), orgLocale(db, org.id)]);
  const current = automationOf(row, kind, locale);
  requireVersion(expected, current.version);
  const { templates: _, ...settings } = input;
  const merged = { ...current, ...settings };
  const orgLanguage = languageFor(null, locale);
  const templates = updatedTemplates(kind, row, orgLanguage, input);
  const errors: FieldError[] = templateErrors(kind, "", { subject: input.subject, text: input.text, html: input.html });
  for (const [lang, template] of Object.entries(templates)) {
    if (input.templates?.[lang as Language] === undefined) continue;
    for (const error of templateErrors(kind, "", template))
      errors.push({ ...error, field: error.field.replace("body.", `body.templates.${lang}.`) });
  }
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
    templates: JSON.stringify(templates),
    // The organisation's own language, kept for readers of the table; the templates above are what is sent.
    subject: (templates[orgLanguage] ?? current).subject,
    text: (templates[orgLanguage] ?? current).text,
    html: (templates[orgLanguage] ?? current).html,
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
  return automationOf(saved, kind, locale);
}
