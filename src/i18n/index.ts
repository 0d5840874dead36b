/**
 * The message catalogue: what Grasrot itself writes, per language. No library: entries use
 * the `{{name}}` syntax every mail template uses (src/mail/template.ts), so the defaults of
 * automatic mailings and an organisation's overrides of them are one language, validated
 * alike, and the Worker carries no formatter beyond Intl.
 */
import { render, type TemplateVariables } from "../mail/template.ts";
import { en, type MessageKey } from "./catalogue/en.ts";
import { sv } from "./catalogue/sv.ts";
import type { Language } from "./languages.ts";

export type { MessageKey } from "./catalogue/en.ts";
export { intlLocaleFor, isLanguage, type Language, languageFor, languages, primaryLanguage } from "./languages.ts";

export const catalogues: Record<Language, Record<MessageKey, string>> = { en, sv };

/** A catalogue entry as written, variables unfilled: a template. */
export function message(language: Language, key: MessageKey): string {
  return catalogues[language][key];
}

/** A catalogue entry with its variables filled (plain text; pass `html` for HTML). */
export function translate(language: Language, key: MessageKey, variables: TemplateVariables = {}, options: { html?: boolean } = {}) {
  return render(message(language, key), variables, options);
}
