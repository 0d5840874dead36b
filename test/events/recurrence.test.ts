import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { allPages, createEvent, createGroup, type EventBody, listEvents, type OccurrenceBody, range } from "./helpers.ts";

/** First Tuesday of each month, 18:00–20:00 in Stockholm, from December 2026. */
const monthly = {
  title: "Monthly meeting",
  startsAt: "2026-12-01T17:00:00Z",
  endsAt: "2026-12-01T19:00:00Z",
  recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1TU" },
};
const stockholmTime = (iso: string) =>
  new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));

describe("recurring events", () => {
  it("expands a monthly rule in local time: 18:00 on both sides of DST", async () => {
    const t = await testApp();
    const event = await createEvent(t, monthly);
    const occurrences = await allPages(
      t,
      `/v1/orgs/demo/events/${event.id}/occurrences?${range("2026-11-01T00:00:00Z", "2027-06-01T00:00:00Z")}`,
    );
    expect(occurrences.map((o) => o.startsAt)).toEqual([
      "2026-12-01T17:00:00.000Z",
      "2027-01-05T17:00:00.000Z",
      "2027-02-02T17:00:00.000Z",
      "2027-03-02T17:00:00.000Z",
      // Summer time from 28 March: same local time, an hour earlier in UTC.
      "2027-04-06T16:00:00.000Z",
      "2027-05-04T16:00:00.000Z",
    ]);
    expect(new Set(occurrences.map((o) => stockholmTime(o.startsAt)))).toEqual(new Set(["18:00"]));
    expect(occurrences.every((o) => new Date(o.endsAt).getTime() - new Date(o.startsAt).getTime() === 2 * 3600_000)).toBe(true);
    expect(occurrences[0]?.occurrenceId).toBe(`${event.id}:2026-12-01T17:00:00.000Z`);
  });

  it("supports weekly rules with INTERVAL, several days, COUNT and UNTIL", async () => {
    const t = await testApp();
    const counted = await createEvent(t, {
      startsAt: "2026-12-01T17:00:00Z",
      endsAt: "2026-12-01T18:00:00Z",
      recurrence: { rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=5" },
    });
    const until = await createEvent(t, {
      startsAt: "2026-12-02T17:00:00Z",
      endsAt: "2026-12-02T18:00:00Z",
      recurrence: { rrule: "FREQ=WEEKLY;UNTIL=20261216T170000Z" },
    });
    const year = range("2026-11-21T00:00:00Z", "2027-11-21T00:00:00Z");
    const starts = async (id: string) =>
      (await allPages(t, `/v1/orgs/demo/events/${id}/occurrences?${year}`)).map((o) => o.startsAt.slice(0, 10));
    expect(await starts(counted.id)).toEqual(["2026-12-01", "2026-12-03", "2026-12-15", "2026-12-17", "2026-12-29"]);
    expect(await starts(until.id)).toEqual(["2026-12-02", "2026-12-09", "2026-12-16"]);
  });

  it("takes the last weekday of the month, leaves out EXDATEs and a BYMONTH summer break", async () => {
    const t = await testApp();
    const event = await createEvent(t, {
      startsAt: "2027-01-29T17:00:00Z",
      endsAt: "2027-01-29T19:00:00Z",
      recurrence: { rrule: "FREQ=MONTHLY;BYDAY=-1FR;BYMONTH=1,2,3,4,5,6,8,9,10,11,12", exdates: ["2027-03-26T18:00:00+01:00"] },
    });
    const dates = (
      await allPages(t, `/v1/orgs/demo/events/${event.id}/occurrences?${range("2027-01-01T00:00:00Z", "2027-10-01T00:00:00Z")}`)
    ).map((o) => o.startsAt.slice(0, 10));
    expect(dates).toEqual(["2027-01-29", "2027-02-26", "2027-04-30", "2027-05-28", "2027-06-25", "2027-08-27", "2027-09-24"]);
  });

  it("moves and cancels single occurrences, keeping their ids", async () => {
    const t = await testApp();
    const event = await createEvent(t, monthly);
    const moved = await t.request("PUT", `/v1/orgs/demo/events/${event.id}/occurrences/2027-01-05T17:00:00.000Z`, {
      body: { startsAt: "2027-01-12T17:30:00Z" },
    });
    const movedBody = await json<OccurrenceBody>(moved, 200);
    expect(moved.headers.get("ETag")).toBe('"2"');
    expect(movedBody).toMatchObject({
      occurrenceId: `${event.id}:2027-01-05T17:00:00.000Z`,
      startsAt: "2027-01-12T17:30:00.000Z",
      endsAt: "2027-01-12T19:30:00.000Z",
      moved: true,
      status: "scheduled",
    });
    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${event.id}/occurrences/2027-02-02T17:00:00Z`, { body: { status: "cancelled" } }),
      200,
    );
    const occurrences = await allPages(
      t,
      `/v1/orgs/demo/events/${event.id}/occurrences?${range("2026-12-15T00:00:00Z", "2027-03-15T00:00:00Z")}`,
    );
    expect(occurrences.map((o) => [o.originalStartsAt, o.startsAt, o.status, o.moved])).toEqual([
      ["2027-01-05T17:00:00.000Z", "2027-01-12T17:30:00.000Z", "scheduled", true],
      ["2027-02-02T17:00:00.000Z", "2027-02-02T17:00:00.000Z", "cancelled", false],
      ["2027-03-02T17:00:00.000Z", "2027-03-02T17:00:00.000Z", "scheduled", false],
    ]);
    // The event's version (the feed's SEQUENCE) grew with each change.
    expect((await json<EventBody>(await t.request("GET", `/v1/orgs/demo/events/${event.id}`), 200)).version).toBe(3);
    // Undoing the move restores the occurrence.
    expect((await t.request("DELETE", `/v1/orgs/demo/events/${event.id}/occurrences/2027-01-05T17:00:00.000Z`)).status).toBe(204);
    const restored = await allPages(
      t,
      `/v1/orgs/demo/events/${event.id}/occurrences?${range("2027-01-01T00:00:00Z", "2027-01-31T00:00:00Z")}`,
    );
    expect(restored.map((o) => [o.startsAt, o.moved])).toEqual([["2027-01-05T17:00:00.000Z", false]]);
  });

  it("finds an occurrence moved into a range from outside it, and not at its old place", async () => {
    const t = await testApp();
    const event = await createEvent(t, { ...monthly, recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1TU;COUNT=3" } });
    // The last occurrence (2 February) is moved to April: past the series' own end.
    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${event.id}/occurrences/2027-02-02T17:00:00Z`, {
        body: { startsAt: "2027-04-13T16:00:00Z" },
      }),
      200,
    );
    expect((await listEvents(t, range("2027-04-01T00:00:00Z", "2027-05-01T00:00:00Z"))).data.map((o) => o.startsAt)).toEqual([
      "2027-04-13T16:00:00.000Z",
    ]);
    expect((await listEvents(t, range("2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z"))).data).toEqual([]);
  });

  it("refuses overrides that are not occurrences (404) and of single events (409)", async () => {
    const t = await testApp();
    const series = await createEvent(t, monthly);
    const single = await createEvent(t);
    const notOne = await t.request("PUT", `/v1/orgs/demo/events/${series.id}/occurrences/2027-01-06T17:00:00Z`, {
      body: { status: "cancelled" },
    });
    expect(notOne.status).toBe(404);
    await problemOf(notOne);
    const ofSingle = await t.request("PUT", `/v1/orgs/demo/events/${single.id}/occurrences/${single.startsAt}`, {
      body: { status: "cancelled" },
    });
    expect(ofSingle.status).toBe(409);
    const tooLong = await t.request("PUT", `/v1/orgs/demo/events/${series.id}/occurrences/2027-01-05T17:00:00Z`, {
      body: { endsAt: "2027-01-05T16:00:00Z" },
    });
    expect(tooLong.status).toBe(422);
  });

  it("drops overrides of occurrences a changed rule no longer has", async () => {
    const t = await testApp();
    const event = await createEvent(t, monthly);
    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${event.id}/occurrences/2027-01-05T17:00:00Z`, { body: { status: "cancelled" } }),
      200,
    );
    await json(
      await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, {
        body: { recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1TU;BYMONTH=2,3,4,5,6,7,8,9,10,11,12" } },
      }),
      200,
    );
    const january = await listEvents(t, range("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"));
    expect(january.data).toEqual([]);
    await json(
      await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1TU" } } }),
      200,
    );
    // The cancellation went with the old rule; January is back, scheduled.
    expect((await listEvents(t, range("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"))).data.map((o) => o.status)).toEqual(["scheduled"]);
  });
});

describe("range queries", () => {
  it("requires from and to, after each other, at most 366 days apart (422)", async () => {
    const t = await testApp();
    for (const [query, field] of [
      ["", "query.from"],
      ["from=2026-11-01T00:00:00Z", "query.to"],
      [range("2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z"), "query.to"],
      [range("2026-01-01T00:00:00Z", "2027-01-03T00:00:00Z"), "query.to"],
      ["from=yesterday&to=2026-11-01T00:00:00Z", "query.from"],
    ] as const) {
      const response = await t.request("GET", `/v1/orgs/demo/events?${query}`);
      expect(response.status, query).toBe(422);
      expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
    }
    expect((await t.request("GET", `/v1/orgs/demo/events?${range("2026-01-01T00:00:00Z", "2027-01-02T00:00:00Z")}`)).status).toBe(200);
  });

  it("lists occurrences overlapping the range, merged in time order, paginated without gaps or repeats", async () => {
    const t = await testApp();
    const weekly = await createEvent(t, {
      title: "Weekly",
      startsAt: "2026-12-01T17:00:00Z",
      endsAt: "2026-12-01T19:00:00Z",
      recurrence: { rrule: "FREQ=WEEKLY" },
    });
    const monthlyEvent = await createEvent(t, { ...monthly, title: "Monthly" });
    const singles: EventBody[] = [];
    for (let day = 1; day <= 28; day += 3) {
      const start = `2026-12-${String(day).padStart(2, "0")}T17:00:00Z`;
      singles.push(await createEvent(t, { title: `Single ${day}`, startsAt: start, endsAt: start.replace("T17", "T18") }));
    }
    // A long event that began before the range still overlaps it.
    await createEvent(t, { title: "Long", startsAt: "2026-11-25T08:00:00Z", endsAt: "2026-12-02T08:00:00Z" });
    const query = range("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z");
    const pages: number[] = [];
    const all: OccurrenceBody[] = [];
    let cursor: string | null = null;
    do {
      const page = await listEvents(t, `${query}&limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(page.data.length);
      all.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(all.filter((o) => o.id === weekly.id)).toHaveLength(5);
    expect(all.filter((o) => o.id === monthlyEvent.id)).toHaveLength(1);
    expect(all.filter((o) => singles.some((s) => s.id === o.id))).toHaveLength(10);
    expect(all[0]?.title).toBe("Long");
    expect(all).toHaveLength(17);
    expect(new Set(all.map((o) => o.occurrenceId)).size).toBe(17);
    const keys = all.map((o) => `${o.startsAt}|${o.occurrenceId}`);
    expect(keys).toEqual([...keys].sort());
    expect(pages.slice(0, -1).every((n) => n === 4)).toBe(true);
    // An unpaged walk gives the same stream.
    expect((await listEvents(t, `${query}&limit=200`)).data.map((o) => o.occurrenceId)).toEqual(all.map((o) => o.occurrenceId));
  });

  it("filters by group, kind and campaign", async () => {
    const t = await testApp();
    const groupId = await createGroup(t);
    const campaign = await json<{ id: string }>(
      await t.request("POST", "/v1/orgs/demo/campaigns", { body: { name: "Summer", startsOn: "2026-11-01", endsOn: "2026-12-31" } }),
      201,
    );
    await createEvent(t, { title: "Group", groupId });
    await createEvent(t, { title: "Lecture", kind: "lecture" });
    await createEvent(t, { title: "Campaign", kind: "campaign_activity", campaignId: campaign.id });
    const week = range("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z");
    const titles = async (filter: string) => (await listEvents(t, `${week}&${filter}`)).data.map((o) => o.title);
    expect(await titles(`groupId=${groupId}`)).toEqual(["Group"]);
    expect(await titles("kind=lecture")).toEqual(["Lecture"]);
    expect(await titles(`campaignId=${campaign.id}`)).toEqual(["Campaign"]);
    expect((await t.request("GET", `/v1/orgs/demo/events?${week}&cursor=nonsense`)).status).toBe(422);
  });
});
