import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import { localDay } from "../lib/dates.ts";

/** The instant and today's date in the organisation's time zone: membership days are local days. */
export function clockOf(c: Context<AppEnv>): { now: Date; day: string } {
  const now = c.get("deps").clock.now();
  return { now, day: localDay(now, c.get("org").timeZone) };
}
