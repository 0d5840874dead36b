import { termEnd } from "../lib/dates.ts";

export type Period = { type: "calendar_year" } | { type: "rolling"; months: number };

/**
 * Last day of a period starting on `startsOn`: 31 December of that year for calendar
 * years; for rolling periods the day before the same date N months later (so consecutive
 * periods chain without gap or overlap).
 */
export function periodEnd(startsOn: string, period: Period): string {
  if (period.type === "calendar_year") return `${startsOn.slice(0, 4)}-12-31`;
  return termEnd(startsOn, period.months);
}
