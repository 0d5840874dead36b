/**
 * The series a calendar page expands are kept by the process between requests
 * (src/events/kept-series.ts): a listing shows every change of a series at once, never a
 * series of another organisation or database, and reads the series' rows again only when
 * they have changed.
 */
import { describe, expect, it } from "vitest";
import { json, type TestApp, testApp } from "../helpers/app.ts";
import { recordStatements } from "../helpers/statements.ts";
import { createEvent, listEvents, range } from "./helpers.ts";

const january = range("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z");
const monthly = {
  title: "Monthly meeting",
  startsAt: "2026-12-01T17:00:00Z",
  endsAt: "2026-12-01T19:00:00Z",
  recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1TU" },
};

const shown = async (t: TestApp) => (await listEvents(t, january)).data.map((o) => `${o.title} ${o.startsAt} ${o.status}`);

/** Counts the statements that read the series' rows themselves (their spans are read with them). */
function countSeriesReads(t: TestApp): () => number {
  const reads = recordStatements(t, (sql) => /"span_start", "span_end" from "events"/.test(sql));
  return () => reads.length;
}

describe("the series a listing keeps", () => {
  it("are the stored ones after every change: moved, overridden, added, deleted", async () => {
    const t = await testApp();
    const event = await createEvent(t, monthly);
    expect(await shown(t)).toEqual(["Monthly meeting 2027-01-05T17:00:00.000Z scheduled"]);

    await json(
      await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, {
        body: { startsAt: "2026-12-01T18:00:00Z", endsAt: "2026-12-01T20:00:00Z" },
      }),
      200,
    );
    expect(await shown(t)).toEqual(["Monthly meeting 2027-01-05T18:00:00.000Z scheduled"]);

    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${event.id}/occurrences/2027-01-05T18:00:00Z`, { body: { status: "cancelled" } }),
      200,
    );
    expect(await shown(t)).toEqual(["Monthly meeting 2027-01-05T18:00:00.000Z cancelled"]);

    const weekly = await createEvent(t, { ...monthly, title: "Study circle", recurrence: { rrule: "FREQ=WEEKLY;COUNT=6" } });
    expect(await shown(t)).toEqual([
      "Study circle 2027-01-05T17:00:00.000Z scheduled",
      "Monthly meeting 2027-01-05T18:00:00.000Z cancelled",
    ]);

    expect((await t.request("DELETE", `/v1/orgs/demo/events/${event.id}`)).status).toBe(204);
    expect(await shown(t)).toEqual(["Study circle 2027-01-05T17:00:00.000Z scheduled"]);
    expect((await t.request("DELETE", `/v1/orgs/demo/events/${weekly.id}`)).status).toBe(204);
    expect(await shown(t)).toEqual([]);
  });

  it("are each organisation's own, even made alike at the same instant in another database", async () => {
    const [first, second] = [await testApp(), await testApp()];
    await createEvent(first, { ...monthly, title: "First's meeting" });
    await createEvent(second, { ...monthly, title: "Second's meeting" });
    expect(await shown(first)).toEqual(["First's meeting 2027-01-05T17:00:00.000Z scheduled"]);
    expect(await shown(second)).toEqual(["Second's meeting 2027-01-05T17:00:00.000Z scheduled"]);
  });

  it("are read from the database again only when a series has changed", async () => {
    const t = await testApp();
    const event = await createEvent(t, monthly);
    const reads = countSeriesReads(t);
    await shown(t);
    const first = reads();
    await shown(t);
    await shown(t);
    expect(reads()).toBe(first);
    await json(await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { title: "Renamed" } }), 200);
    await shown(t);
    expect(reads()).toBe(first + 1);
  });
});
