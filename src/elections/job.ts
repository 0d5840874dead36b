import { and, eq, isNull, lte, or } from "drizzle-orm";
import { schema } from "../db/index.ts";
import type { Job } from "../jobs/schedule.ts";
import { settle } from "./lifecycle.ts";

const e = schema.elections;
/** Elections settled per tick; the rest follow next minute (reads settle them meanwhile anyway). */
const perTick = 50;

/**
 * Opens, closes and counts the elections whose time has come, so that it happens on time
 * even when nobody reads them. Requests do the same lazily, and every change is a
 * conditional write, so a tick that runs twice, or races a request, changes nothing twice.
 */
export const electionClockJob: Job = {
  name: "election-clock",
  async run({ db }, scheduledTime) {
    const at = scheduledTime.toISOString();
    const due = await db
      .select({ election: e, timeZone: schema.organisations.timeZone })
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
    for (const { election, timeZone } of due) {
      const after = await settle(db, election, timeZone, scheduledTime);
      moved[after.status] = (moved[after.status] ?? 0) + 1;
    }
    return { settled: due.length, ...moved };
  },
};
