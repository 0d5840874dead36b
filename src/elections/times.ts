import { localToUtc } from "../calendar/zone.ts";
import { addDays, addMonthsClamped } from "../members/periods.ts";

/** The instant a local day begins in a time zone (00:00 local). */
export function startOfLocalDay(day: string, timeZone: string): Date {
  return new Date(localToUtc(timeZone, Date.parse(`${day}T00:00:00.000Z`)));
}

/** The instant a local day ends: the start of the next day. */
export const endOfLocalDay = (day: string, timeZone: string) => startOfLocalDay(addDays(day, 1), timeZone);

/** Last day of a term of `months` starting on `startsOn`: the day before the same date that many months later. */
export const termEnd = (startsOn: string, months: number) => addDays(addMonthsClamped(startsOn, months), -1);
