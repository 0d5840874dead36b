import { describe, expect, it } from "vitest";
import { feedMaxEvents, feedPage } from "../../src/calendar/calendar.service.ts";
import { newId } from "../../src/lib/ids.ts";
import { testApp } from "../helpers/app.ts";
import { turnsWhile } from "../helpers/event-loop.ts";
import { insertInChunks, seededEventColumns } from "../helpers/rows.ts";

/**
 * A feed of thousands of events is read a page at a time and written a part at a time, with
 * other requests answered between. What it says must not depend on where the pages break:
 * every event of the window once, in the feed's order (start, then id, events starting at the
 * same moment on both sides of a page's end), series among them, and the feed's bound kept.
 * Between pages the event loop turns, so other requests are answered meanwhile.
 */

const at = "2026-11-21T08:00:00.000Z";
const hour = 3600 * 1000;

/** The events of the feed in order, by their UIDs (lines unfolded first). */
function uidsOf(text: string): string[] {
  const unfolded = text.replace(/\r\n /g, "");
  return [...unfolded.matchAll(/^UID:(.+)@grasrot\r$/gm)].map((match) => match[1] as string);
}

function row(orgId: string, options: { id: string; start: string; visibility: string; rrule?: string }) {
  const { id, start, visibility, rrule } = options;
  const end = new Date(Date.parse(start) + 2 * hour).toISOString();
  const spanEnd = rrule ? "9999-12-31T23:59:59.999Z" : end;
  return [
    id,
    orgId,
    `Event ${id}`,
    "meeting",
    null,
    start,
    end,
    "Europe/Stockholm",
    visibility,
    "scheduled",
    rrule ?? null,
    rrule ? 1 : 0,
    start,
    spanEnd,
    "none",
    rrule ? "series" : "event",
    0,
    at,
    at,
  ];
}

describe("the organisation's feed, read in pages", () => {
  it("holds every public event of the window once, in order, up to its bound, wherever the pages break", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = String((await client.execute("SELECT id FROM organisations WHERE slug = 'demo'")).rows[0]?.id);
    const singles: { id: string; start: string }[] = [];
    const series: { id: string; start: string }[] = [];
    const rows: unknown[][] = [];
    // More single events than the bound, three starting at each moment; every fourth is for members only.
    for (let n = 0; n < 7000; n++) {
      const start = new Date(Date.parse("2026-09-01T06:00:00.000Z") + Math.floor(n / 3) * 2 * hour).toISOString();
      const id = newId();
      const visibility = n % 4 === 3 ? "members" : "public";
      rows.push(row(orgId, { id, start, visibility }));
      if (visibility === "public") singles.push({ id, start });
    }
    for (let n = 0; n < 40; n++) {
      const start = new Date(Date.parse("2026-09-02T17:00:00.000Z") + n * 24 * hour).toISOString();
      const id = newId();
      rows.push(row(orgId, { id, start, visibility: "public", rrule: "FREQ=WEEKLY" }));
      series.push({ id, start });
    }
    await insertInChunks(client, "events", seededEventColumns, rows);

    // Turns of the event loop while the feed is made: each is a moment another request could be answered in.
    const { result: response, turns } = await turnsWhile(() => t.request("GET", "/v1/orgs/demo/calendar.ics", { key: null }));
    expect(response.status).toBe(200);
    const uids = uidsOf(await response.text());
    // At least one turn after each page of the versions read for the ETag and of the events read for the feed.
    expect(turns).toBeGreaterThanOrEqual(2 * Math.floor(feedMaxEvents / feedPage));

    const inOrder = (a: { id: string; start: string }, b: { id: string; start: string }) =>
      a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : 1;
    // Of the singles the earliest up to the bound, then with the series in order, up to the bound.
    const expected = [...[...singles].sort(inOrder).slice(0, feedMaxEvents), ...series].sort(inOrder).slice(0, feedMaxEvents);
    expect(singles.length).toBeGreaterThan(feedMaxEvents);
    expect(uids).toHaveLength(feedMaxEvents);
    expect(uids).toEqual(expected.map((event) => event.id));
    expect(uids.filter((uid) => series.some((s) => s.id === uid))).toHaveLength(series.length);
  }, 60_000);
});
