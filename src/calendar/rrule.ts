/**
 * The RRULE subset Grasrot understands (RFC 5545 3.3.10): FREQ=WEEKLY or MONTHLY,
 * INTERVAL, BYDAY (with ordinals such as 1TU or -1FR for monthly rules), BYMONTH (to leave
 * out a summer break), WKST, and UNTIL or COUNT. Anything else is refused with a message,
 * never silently ignored: a calendar that drops part of a rule shows wrong dates.
 */
import { formatUtc } from "./ics.ts";

export const weekdayCodes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;

export interface ByDay {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** 1…5 or -1…-5 within the month; undefined for every such weekday. */
  ordinal?: number;
}

export interface Rule {
  freq: "WEEKLY" | "MONTHLY";
  interval: number;
  byDay: ByDay[];
  byMonth: number[];
  /** 0 = Monday … 6 = Sunday. */
  weekStart: number;
  /** Inclusive UTC bound on occurrence starts. */
  until?: number;
  count?: number;
}

export const maxCount = 1000;
export const maxInterval = 99;

export class RuleError extends Error {}

/** Reads UNTIL: a UTC date-time (…Z), or a date, which means through the end of that local day. */
function parseUntil(value: string, localEndOfDay: (year: number, month: number, day: number) => number): number {
  const dateTime = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (dateTime) {
    const [, y, mo, d, h, mi, s] = dateTime.map(Number) as number[];
    const ms = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
    if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== d) throw new RuleError(`UNTIL=${value} is not a valid date-time`);
    return ms;
  }
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (date) {
    const [, y, mo, d] = date.map(Number) as number[];
    if (new Date(Date.UTC(y as number, (mo as number) - 1, d)).getUTCDate() !== d)
      throw new RuleError(`UNTIL=${value} is not a valid date`);
    return localEndOfDay(y as number, mo as number, d as number);
  }
  if (/^\d{8}T\d{6}$/.test(value)) throw new RuleError("UNTIL must be in UTC (ending in Z) or a date (YYYYMMDD)");
  throw new RuleError(`UNTIL=${value} is not a date (YYYYMMDD) or UTC date-time (YYYYMMDDTHHMMSSZ)`);
}

function parseByDay(value: string, freq: Rule["freq"]): ByDay[] {
  const seen = new Set<string>();
  return value.split(",").map((item) => {
    const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!match) throw new RuleError(`BYDAY=${value}: '${item}' is not a weekday such as TU, 1TU or -1FR`);
    const weekday = weekdayCodes.indexOf(match[2] as (typeof weekdayCodes)[number]);
    const ordinal = match[1] === undefined ? undefined : Number(match[1]);
    if (ordinal !== undefined) {
      if (freq === "WEEKLY") throw new RuleError("BYDAY ordinals (such as 1TU) are only for FREQ=MONTHLY");
      if (ordinal === 0 || ordinal > 5 || ordinal < -5)
        throw new RuleError(`BYDAY=${value}: the ordinal in '${item}' must be 1…5 or -1…-5`);
    }
    const key = `${ordinal ?? ""}${weekday}`;
    if (seen.has(key)) throw new RuleError(`BYDAY=${value} names '${item}' twice`);
    seen.add(key);
    return ordinal === undefined ? { weekday } : { weekday, ordinal };
  });
}

function positiveInt(name: string, value: string, max: number): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new RuleError(`${name} must be a whole number from 1 to ${max}`);
  return Number(value);
}

/**
 * Parses an RRULE value (with or without the `RRULE:` prefix). `localEndOfDay` turns an
 * UNTIL date into the last instant of that day in the event's time zone.
 */
export function parseRule(text: string, localEndOfDay: (year: number, month: number, day: number) => number): Rule {
  const body = text.trim().replace(/^RRULE:/i, "");
  if (body === "") throw new RuleError("is empty");
  const parts = new Map<string, string>();
  for (const part of body.split(";")) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(part);
    if (!match) throw new RuleError(`'${part}' is not NAME=VALUE`);
    const name = (match[1] as string).toUpperCase();
    if (parts.has(name)) throw new RuleError(`${name} is given twice`);
    parts.set(name, (match[2] as string).toUpperCase());
  }
  const freq = parts.get("FREQ");
  if (freq === undefined) throw new RuleError("FREQ is required (WEEKLY or MONTHLY)");
  if (freq !== "WEEKLY" && freq !== "MONTHLY") throw new RuleError(`FREQ=${freq} is outside the supported subset (WEEKLY, MONTHLY)`);
  const rule: Rule = { freq, interval: 1, byDay: [], byMonth: [], weekStart: 0 };
  for (const [name, value] of parts) {
    switch (name) {
      case "FREQ":
        break;
      case "INTERVAL":
        rule.interval = positiveInt("INTERVAL", value, maxInterval);
        break;
      case "COUNT":
        rule.count = positiveInt("COUNT", value, maxCount);
        break;
      case "UNTIL":
        rule.until = parseUntil(value, localEndOfDay);
        break;
      case "BYDAY":
        rule.byDay = parseByDay(value, freq);
        break;
      case "BYMONTH":
        rule.byMonth = [...new Set(value.split(",").map((m) => positiveInt("BYMONTH", m, 12)))].sort((a, b) => a - b);
        break;
      case "WKST": {
        const index = weekdayCodes.indexOf(value as (typeof weekdayCodes)[number]);
        if (index < 0) throw new RuleError(`WKST=${value} is not a weekday code (MO…SU)`);
        rule.weekStart = index;
        break;
      }
      default:
        throw new RuleError(`${name} is outside the supported subset (FREQ, INTERVAL, BYDAY, BYMONTH, WKST, UNTIL, COUNT)`);
    }
  }
  if (rule.count !== undefined && rule.until !== undefined) throw new RuleError("UNTIL and COUNT cannot both be given");
  return rule;
}

/** The canonical text of a rule: what is stored, returned and written to feeds. */
export function formatRule(rule: Rule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay.length > 0) parts.push(`BYDAY=${rule.byDay.map((d) => `${d.ordinal ?? ""}${weekdayCodes[d.weekday]}`).join(",")}`);
  if (rule.byMonth.length > 0) parts.push(`BYMONTH=${rule.byMonth.join(",")}`);
  if (rule.weekStart !== 0) parts.push(`WKST=${weekdayCodes[rule.weekStart]}`);
  if (rule.until !== undefined) parts.push(`UNTIL=${formatUtc(rule.until)}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  return parts.join(";");
}
