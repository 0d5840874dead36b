/**
 * The languages Grasrot itself writes in, and how a recipient's language is chosen: their
 * preferred language when Grasrot speaks it, else the organisation's, else English.
 */

export const languages = ["sv", "en"] as const;
export type Language = (typeof languages)[number];

/** The primary language subtag of a BCP 47 tag, lower case: `sv-SE` → `sv`. */
export function primaryLanguage(tag: string | null | undefined): string | undefined {
  const primary = tag?.trim().split(/[-_]/)[0]?.toLowerCase();
  return primary ? primary : undefined;
}

export function isLanguage(value: string | undefined): value is Language {
  return (languages as readonly string[]).includes(value ?? "");
}

/** The language a recipient is written to in: theirs if Grasrot speaks it, then the organisation's, then English. */
export function languageFor(preferred: string | null | undefined, orgLocale: string): Language {
  const own = primaryLanguage(preferred);
  if (isLanguage(own)) return own;
  const org = primaryLanguage(orgLocale);
  return isLanguage(org) ? org : "en";
}

/**
 * The locale dates are formatted in for a language: the recipient's own tag (`en-GB`), or the
 * organisation's (`sv-FI`) when it is of that language, else the language in the organisation's
 * region (`en-SE`: English words, the 24-hour clock of Sweden), else the language alone.
 */
export function intlLocaleFor(language: Language, orgLocale: string, preferred?: string | null): string {
  for (const tag of [preferred, orgLocale]) {
    if (tag && primaryLanguage(tag) === language && isValidLocale(tag)) return tag;
  }
  const region = isValidLocale(orgLocale) ? new Intl.Locale(orgLocale).region : undefined;
  return region && isValidLocale(`${language}-${region}`) ? `${language}-${region}` : language;
}

function isValidLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
