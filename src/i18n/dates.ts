/**
 * Dates and times in mail: formatted with Intl in the organisation's (or the event's) time
 * zone and the reader's locale ("tisdag 27 april 2027 kl. 18:30"), never as a raw instant.
 * Formatters are costly to build and mail formats the same few thousands of times, so they are kept.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    if (formatters.size > 500) formatters.clear();
    formatters.set(key, found);
  }
  return found;
}

export function formatInstant(instant: string | Date, timeZone: string, locale: string, options: Intl.DateTimeFormatOptions): string {
  return formatter(locale, timeZone, options).format(typeof instant === "string" ? new Date(instant) : instant);
}

/** An instant as the reader says it: date, time, and both. */
export function localInstant(instant: string, timeZone: string, locale: string) {
  return {
    date: formatInstant(instant, timeZone, locale, { dateStyle: "full" }),
    time: formatInstant(instant, timeZone, locale, { timeStyle: "short" }),
    dateTime: formatInstant(instant, timeZone, locale, { dateStyle: "full", timeStyle: "short" }),
  };
}

/** A calendar day (YYYY-MM-DD) as the reader says it; noon UTC names the same day everywhere. */
export function dayInWords(day: string, locale: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return day;
  return formatInstant(`${day}T12:00:00.000Z`, "UTC", locale, { dateStyle: "long" });
}
