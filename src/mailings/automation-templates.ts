/** The kinds of automatic mailing, the templates and settings each starts with, and an organisation's choices over them. */
import { mailingKinds } from "../../drizzle/mailings.ts";
import type { schema } from "../db/index.ts";
import { type Language, languageFor, languages, message } from "../i18n/index.ts";

type AutomationRow = typeof schema.mailingAutomations.$inferSelect;
type MailingRow = typeof schema.mailings.$inferSelect;
export type AutomationKind = Exclude<MailingRow["kind"], "manual">;

/** Every kind of mailing but the ones staff write by hand, in the order the API lists them. */
export const automationKinds = mailingKinds.filter((kind): kind is AutomationKind => kind !== "manual");

interface KindDefaults {
  schedule: string;
  leadDays: number;
  graceDays: number | null;
  category: MailingRow["category"];
}

/** What each automatic mailing does until the organisation says otherwise; its texts are the catalogue's (src/i18n). */
export const automationDefaults: Record<AutomationKind, KindDefaults> = {
  monthly_group: { schedule: "0 7 1 * *", leadDays: 35, graceDays: null, category: "statutory" },
  meeting_summons: { schedule: "0 8 * * *", leadDays: 7, graceDays: null, category: "meeting_summons" },
  member_meeting_notice: { schedule: "0 8 * * *", leadDays: 21, graceDays: null, category: "statutory" },
  event_reminder: { schedule: "0 8 * * *", leadDays: 1, graceDays: null, category: "transactional" },
  training_announcement: { schedule: "0 8 * * 1", leadDays: 28, graceDays: null, category: "newsletters" },
  // Triggered by the elections module, not by a schedule; this one only keeps the row valid.
  election_call: { schedule: "0 0 1 1 *", leadDays: 0, graceDays: null, category: "statutory" },
  renewal_reminder: { schedule: "0 9 * * *", leadDays: 30, graceDays: 7, category: "transactional" },
};

export interface Template {
  subject: string;
  text: string;
  html: string | null;
}

/** The organisation's own templates, by language, as stored. */
export function storedTemplates(row: Pick<AutomationRow, "templates"> | undefined): Partial<Record<Language, Template>> {
  if (!row) return {};
  try {
    const parsed = JSON.parse(row.templates) as Record<string, Template | undefined>;
    const out: Partial<Record<Language, Template>> = {};
    for (const language of languages) {
      const t = parsed[language];
      if (t && typeof t.subject === "string" && typeof t.text === "string")
        out[language] = { subject: t.subject, text: t.text, html: t.html ?? null };
    }
    return out;
  } catch {
    return {};
  }
}

/** The catalogue's template of a kind in a language. */
export function defaultTemplate(kind: AutomationKind, language: Language): Template {
  return { subject: message(language, `${kind}.subject`), text: message(language, `${kind}.text`), html: null };
}

/** The template of each language: the organisation's own where it wrote one, else the catalogue's. */
export function templatesOf(row: AutomationRow | undefined, kind: AutomationKind) {
  const own = storedTemplates(row);
  return Object.fromEntries(
    languages.map((language) => {
      const custom = own[language];
      return [language, { ...(custom ?? defaultTemplate(kind, language)), custom: custom !== undefined }];
    }),
  ) as Record<Language, Template & { custom: boolean }>;
}

/** An automation as the organisation has it; `orgLocale` chooses which language's template is `subject`/`text`/`html`. */
export function automationOf(row: AutomationRow | undefined, kind: AutomationKind, orgLocale: string) {
  const defaults = automationDefaults[kind];
  const templates = templatesOf(row, kind);
  const own = templates[languageFor(null, orgLocale)];
  return {
    kind,
    configured: row !== undefined,
    enabled: row?.enabled ?? false,
    schedule: row?.schedule ?? defaults.schedule,
    leadDays: row?.leadDays ?? defaults.leadDays,
    graceDays: row ? row.graceDays : defaults.graceDays,
    category: defaults.category,
    subject: own.subject,
    text: own.text,
    html: own.html,
    templates,
    instructions: row?.instructions ?? null,
    recipients: row?.recipients ?? ("conveners" as const),
    nextRunAt: row?.nextRunAt ?? null,
    version: row?.version ?? 0,
    updatedAt: row?.updatedAt ?? null,
  };
}

export type Automation = ReturnType<typeof automationOf>;
