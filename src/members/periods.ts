/**
 * Calendar arithmetic on plain days (YYYY-MM-DD). Membership days are local days of the
 * organisation, so they are handled as dates without a time or zone; UTC is only the
 * arithmetic vehicle, never a meaning.
 */

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtc(day: string): Date {
  const match = dayPattern.exec(day);
  if (!match) throw new Error(`not a day: ${day}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

const fromUtc = (date: Date) => date.toISOString().slice(0, 10);

/** Whether the text is a day that exists: 2027-02-29 does not, 2028-02-29 does. */
export function isRealDay(text: string): boolean {
  const match = dayPattern.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  if (year < 1900 || year > 2999) return false;
  return fromUtc(toUtc(text)) === text;
}

export function addDays(day: string, days: number): string {
  const date = toUtc(day);
  date.setUTCDate(date.getUTCDate() + days);
  return fromUtc(date);
}

/** The same date `months` later; a day the target month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsClamped(day: string, months: number): string {
  const date = toUtc(day);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastOfTarget = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastOfTarget));
  return fromUtc(target);
}

export type Period = { type: "calendar_year" } | { type: "rolling"; months: number };

/**
 * Last day of a period starting on `startsOn`: 31 December of that year for calendar
 * years; for rolling periods the day before the same date N months later (so consecutive
 * periods chain without gap or overlap).
 */
export function periodEnd(startsOn: string, period: Period): string {
  if (period.type === "calendar_year") return `${startsOn.slice(0, 4)}-12-31`;
  return addDays(addMonthsClamped(startsOn, period.months), -1);
}
