import { Cron } from "croner";

/** A 5-field cron expression croner accepts; the message says what is wrong otherwise. */
export function cronProblem(expression: string): string | undefined {
  if (expression.trim().split(/\s+/).length !== 5) return "must be a cron expression of 5 fields (minute hour day month weekday)";
  try {
    new Cron(expression, { paused: true });
    return undefined;
  } catch (error) {
    return `is not a valid cron expression (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** The first time the expression matches strictly after `after`, in the given time zone. */
export function nextRun(expression: string, timeZone: string, after: Date): Date | null {
  return new Cron(expression, { timezone: timeZone, paused: true }).nextRun(after);
}

/** The first time at or after `from`. */
export function firstRunFrom(expression: string, timeZone: string, from: Date): Date | null {
  return nextRun(expression, timeZone, new Date(from.getTime() - 1000));
}
