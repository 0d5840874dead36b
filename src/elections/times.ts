import { addDays, addMonthsClamped } from "../members/periods.ts";

/** The offset of a time zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
function offsetAt(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a local day begins in a time zone (00:00 local; DST changes happen at night, never at midnight in practice). */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00.000Z`);
  const first = new Date(guess.getTime() - offsetAt(guess, timeZone));
  return new Date(guess.getTime() - offsetAt(first, timeZone));
}

/** The instant a local day ends: the start of the next day. */
export const endOfLocalDay = (day: string, timeZone: string) => startOfLocalDay(addDays(day, 1), timeZone);

/** Last day of a term of `months` starting on `startsOn`: the day before the same date that many months later. */
export const termEnd = (startsOn: string, months: number) => addDays(addMonthsClamped(startsOn, months), -1);
