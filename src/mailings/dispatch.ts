import { and, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { runLongBatch } from "../db/sql.ts";
import { localDay } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { materialiseSql } from "./audience.ts";
import { nextRun } from "./cron-expressions.ts";
import { mailPriority } from "./deliver.ts";

const m = schema.mailings;
/** A missed occurrence older than this is skipped rather than sent late (the deployment was down). */
export const lateLimitMs = 24 * 60 * 60_000;

/**
 * Scheduled mailings whose time has come: their recipients are written as delivery rows
 * and the mailing becomes `sending`, in one transaction, so a crash leaves either both or
 * neither. Two ticks doing it at once add nobody twice (unique mailing+member).
 */
export async function startDueMailings(db: Db, now: Date): Promise<number> {
  const due = await db
    .select({
      id: m.id,
      orgId: m.orgId,
      category: m.category,
      audienceType: m.audienceType,
      audienceRef: m.audienceRef,
      timeZone: schema.organisations.timeZone,
    })
    .from(m)
    .innerJoin(schema.organisations, eq(schema.organisations.id, m.orgId))
    .where(and(eq(m.status, "scheduled"), isNull(m.recurrence), lte(m.sendAt, now.toISOString())))
    // When more are due than one tick starts, the most urgent start first.
    .orderBy(mailPriority, m.sendAt)
    .limit(20);
  for (const mailing of due) {
    const day = localDay(now, mailing.timeZone);
    // A long batch: writing 100,000 recipients held the event loop for 0.3 s in one statement.
    await runLongBatch(db, [
      db.run(materialiseSql(mailing, { type: mailing.audienceType, ref: mailing.audienceRef }, day)),
      db
        .update(m)
        .set({ status: "sending", materialisedAt: now.toISOString(), updatedAt: now.toISOString(), version: sql`${m.version} + 1` })
        .where(and(eq(m.id, mailing.id), eq(m.status, "scheduled"))),
    ]);
  }
  return due.length;
}

/**
 * Recurring mailings: each due occurrence becomes its own mailing, keyed by the series and
 * the occurrence time, so a planner running twice (or two at once) makes it once.
 */
export async function planSeries(db: Db, now: Date): Promise<number> {
  const due = await db
    .select({ series: m, timeZone: schema.organisations.timeZone })
    .from(m)
    .innerJoin(schema.organisations, eq(schema.organisations.id, m.orgId))
    .where(and(eq(m.status, "scheduled"), isNotNull(m.recurrence), lte(m.nextOccurrenceAt, now.toISOString())))
    .limit(50);
  let created = 0;
  for (const { series, timeZone } of due) {
    const occurrence = series.nextOccurrenceAt as string;
    const next = nextRun(series.recurrence as string, timeZone, new Date(Math.max(now.getTime(), Date.parse(occurrence))));
    const fresh = now.getTime() - Date.parse(occurrence) <= lateLimitMs;
    const advance = db
      .update(m)
      .set({ nextOccurrenceAt: next?.toISOString() ?? null, status: next ? "scheduled" : "sent", updatedAt: now.toISOString() })
      .where(and(eq(m.id, series.id), eq(m.nextOccurrenceAt, occurrence)));
    if (!fresh) {
      await advance;
      continue;
    }
    const [inserted] = await db.batch([
      db
        .insert(m)
        .values({
          ...series,
          id: newId(now),
          sourceKey: `series:${series.id}:${occurrence}`,
          seriesId: series.id,
          sendAt: occurrence,
          recurrence: null,
          nextOccurrenceAt: null,
          status: "scheduled",
          materialisedAt: null,
          completedAt: null,
          version: 1,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        })
        .onConflictDoNothing()
        .returning({ id: m.id }),
      advance,
    ]);
    created += inserted.length;
  }
  return created;
}
