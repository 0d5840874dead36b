import { and, eq, isNull, lte, or } from "drizzle-orm";
import { schema } from "../db/index.ts";
import type { Job } from "../jobs/cron-triggers.ts";
import { localDay } from "../lib/dates.ts";
import { inlineCounter } from "../tally/runner.ts";
import { MAX_WORK } from "../voting/limits.ts";
import type { CountPolicy } from "./counting.ts";
import { settle } from "./lifecycle.ts";

const e = schema.elections;
/** Elections settled per tick; the rest follow next minute (reads settle them meanwhile anyway). */
const perTick = 50;

/**
 * Counting work (limits.ts) one tick may spend: about two of the largest counts, a few
 * seconds of CPU, well within a scheduled invocation on Workers. Counts beyond it wait
 * for the next minute.
 */
export const countWorkPerTick = 2 * MAX_WORK;

/**
 * Opens, closes and counts the elections whose time has come, so that it happens on time
 * even when nobody reads them, and counts those too large for a request to count in line. Requests do the same lazily, and every change is a
 * conditional write, so a tick that runs twice, or races a request, changes nothing twice.
 */
export const electionClockJob: Job = {
  name: "election-clock",
  async run({ db, counter }, scheduledTime) {
    const at = scheduledTime.toISOString();
    const due = await db
      .select({
        election: e,
        org: { id: schema.organisations.id, slug: schema.organisations.slug, timeZone: schema.organisations.timeZone },
      })
      .from(e)
      .innerJoin(schema.organisations, eq(schema.organisations.id, e.orgId))
      .where(
        or(
          and(eq(e.status, "nominating"), lte(e.votingOpensAt, at)),
          and(eq(e.status, "voting"), lte(e.votingClosesAt, at)),
          and(eq(e.status, "closed"), isNull(e.countError)),
        ),
      )
      .limit(perTick);
    const moved: Record<string, number> = {};
    // The job runs outside any request: it counts elections of any size, within the tick's budget.
    const policy: CountPolicy = { runner: counter ?? inlineCounter, request: false, budget: { remaining: countWorkPerTick } };
    for (const { election, org } of due) {
      const clock = { db, org, now: scheduledTime, day: localDay(scheduledTime, org.timeZone) };
      const after = await settle(clock, { row: election, policy });
      moved[after.status] = (moved[after.status] ?? 0) + 1;
    }
    return { settled: due.length, ...moved };
  },
};
