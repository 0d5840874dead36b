import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { addToGroup, allPages, createEvent, createGroup, type EventBody, range } from "../events/helpers.ts";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";

interface Seen {
  uid: string;
  start: string;
  end: string;
  status: string;
  summary: string;
}

/**
 * Reads a feed with ical.js, the way a calendar client does: VTIMEZONEs registered from
 * the feed itself, exceptions related to their series by UID, every series expanded; then
 * keeps the occurrences that overlap [from, to).
 */
function occurrencesFromFeed(text: string, from: string, to: string): Seen[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  const vevents = calendar.getAllSubcomponents("vevent");
  const masters = vevents.filter((v) => !v.hasProperty("recurrence-id"));
  const lower = Date.parse(from);
  const upper = Date.parse(to);
  const out: Seen[] = [];
  for (const master of masters) {
    const event = new ICAL.Event(master);
    for (const exception of vevents.filter((v) => v.hasProperty("recurrence-id") && v.getFirstPropertyValue("uid") === event.uid)) {
      event.relateException(exception);
    }
    const push = (start: Date, end: Date, item: ICAL.Event) => {
      if (start.getTime() < upper && end.getTime() > lower) {
        out.push({
          uid: event.uid,
          start: start.toISOString(),
          end: end.toISOString(),
          status: String(item.component.getFirstPropertyValue("status")),
          summary: item.summary,
        });
      }
    };
    if (!event.isRecurring()) {
      push(event.startDate.toJSDate(), event.endDate.toJSDate(), event);
      continue;
    }
    // Originals are walked over a wider window: a moved occurrence may land in range from outside.
    const iterator = event.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
      if (next.toJSDate().getTime() > upper + 90 * 86_400_000) break;
      const details = event.getOccurrenceDetails(next);
      push(details.startDate.toJSDate(), details.endDate.toJSDate(), details.item);
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));
}

/** The same occurrences as the API lists them. */
async function occurrencesFromApi(t: TestApp, from: string, to: string, key: string | null): Promise<Seen[]> {
  const listed = await allPages(t, `/v1/orgs/demo/events?${range(from, to)}&limit=200`, key);
  return listed
    .map((o) => ({
      uid: `${o.id}@grasrot`,
      start: o.startsAt,
      end: o.endsAt,
      status: o.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
      summary: o.title,
    }))
    .sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));
}

async function feed(t: TestApp, path: string, key: string | null = null) {
  const response = await t.request("GET", path, { key });
  expect(response.status, path).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
  return response.text();
}

/** A calendar with everything a feed must carry: a series with an EXDATE, a moved and a cancelled occurrence across DST, other zones, special characters. */
async function seed(t: TestApp) {
  const series = await createEvent(t, {
    title: "Monthly meeting, district Norr; all welcome",
    description:
      "Agenda:\n1. Campaign planning\n2. Åsa's report — with a long line that has to be folded over several content lines of seventy-five octets",
    startsAt: "2026-12-01T17:00:00Z",
    endsAt: "2026-12-01T19:00:00Z",
    location: { address: "Folkets hus, Storgatan 1, 111 22 Stockholm" },
    recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1TU", exdates: ["2027-07-06T16:00:00Z"] },
  });
  // January moves a week later; February is cancelled; May (summer time) moves to Wednesday.
  await json(
    await t.request("PUT", `/v1/orgs/demo/events/${series.id}/occurrences/2027-01-05T17:00:00Z`, {
      body: { startsAt: "2027-01-12T17:30:00Z" },
    }),
    200,
  );
  await json(
    await t.request("PUT", `/v1/orgs/demo/events/${series.id}/occurrences/2027-02-02T17:00:00Z`, { body: { status: "cancelled" } }),
    200,
  );
  await json(
    await t.request("PUT", `/v1/orgs/demo/events/${series.id}/occurrences/2027-05-04T16:00:00Z`, {
      body: { startsAt: "2027-05-05T16:00:00Z" },
    }),
    200,
  );
  const weekly = await createEvent(t, {
    title: "Phone bank (New York)",
    timeZone: "America/New_York",
    startsAt: "2027-02-24T23:00:00Z",
    endsAt: "2027-02-25T00:30:00Z",
    recurrence: { rrule: "FREQ=WEEKLY;BYDAY=WE;COUNT=8" },
    location: { onlineUrl: "https://meet.example.org/phonebank" },
  });
  const single = await createEvent(t, {
    title: "Lecture: housing",
    kind: "lecture",
    startsAt: "2027-03-29T16:00:00Z",
    endsAt: "2027-03-29T18:00:00Z",
  });
  const utcEvent = await createEvent(t, {
    title: "Online assembly",
    timeZone: "UTC",
    startsAt: "2027-04-10T10:00:00Z",
    endsAt: "2027-04-10T12:00:00Z",
  });
  const cancelled = await createEvent(t, { title: "Cancelled picnic", startsAt: "2027-06-12T10:00:00Z", endsAt: "2027-06-12T14:00:00Z" });
  await json(await t.request("PATCH", `/v1/orgs/demo/events/${cancelled.id}`, { body: { status: "cancelled" } }), 200);
  const membersOnly = await createEvent(t, {
    title: "Members' meeting",
    visibility: "members",
    startsAt: "2027-03-16T17:00:00Z",
    endsAt: "2027-03-16T19:00:00Z",
  });
  return { series, weekly, single, utcEvent, cancelled, membersOnly };
}

describe("the organisation's public feed", () => {
  it("is RFC 5545 text: CRLF, folded at 75 octets, VTIMEZONE, stable UIDs, SEQUENCE = version", async () => {
    const t = await testApp();
    const { series, membersOnly } = await seed(t);
    const text = await feed(t, "/v1/orgs/demo/calendar.ics");
    expect(text.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(text.endsWith("END:VCALENDAR\r\n")).toBe(true);
    const lines = text.split("\r\n").slice(0, -1);
    expect(lines.every((line) => !line.includes("\n") && !line.includes("\r"))).toBe(true);
    expect(lines.every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true);
    expect(lines.some((line) => line.startsWith(" "))).toBe(true);
    expect(text).toContain("BEGIN:VTIMEZONE\r\nTZID:Europe/Stockholm");
    expect(text).toContain("TZID:America/New_York");
    expect(text).not.toContain("TZID:UTC");
    expect(text).toContain(`UID:${series.id}@grasrot`);
    expect(text).toContain("RRULE:FREQ=MONTHLY;BYDAY=1TU");
    expect(text).toContain("EXDATE;TZID=Europe/Stockholm:20270706T180000");
    expect(text).toContain("RECURRENCE-ID;TZID=Europe/Stockholm:20270105T180000");
    expect(text).toContain("DTSTAMP:");
    // Three overrides since creation: version 4.
    const seriesVersion = (await json<EventBody>(await t.request("GET", `/v1/orgs/demo/events/${series.id}`), 200)).version;
    expect(seriesVersion).toBe(4);
    const calendar = new ICAL.Component(ICAL.parse(text));
    const ofSeries = calendar.getAllSubcomponents("vevent").filter((v) => v.getFirstPropertyValue("uid") === `${series.id}@grasrot`);
    expect(ofSeries).toHaveLength(4);
    expect(ofSeries.map((v) => v.getFirstPropertyValue("sequence"))).toEqual([4, 4, 4, 4]);
    // Members-only events are not in the public feed.
    expect(text).not.toContain(membersOnly.id);
    expect(text).not.toContain("Members' meeting");
  });

  it("reads back with ical.js into the same occurrences the API lists, across DST, moved and cancelled ones included", async () => {
    const t = await testApp();
    await seed(t);
    const text = await feed(t, "/v1/orgs/demo/calendar.ics");
    for (const [from, to] of [
      ["2026-11-21T00:00:00Z", "2027-11-21T00:00:00Z"],
      ["2027-01-01T00:00:00Z", "2027-01-31T00:00:00Z"],
      // Past the years the VTIMEZONE writes out: its RRULE must carry the offsets on.
      ["2029-03-01T00:00:00Z", "2029-12-01T00:00:00Z"],
    ] as const) {
      const fromApi = await occurrencesFromApi(t, from, to, null);
      const fromFeed = occurrencesFromFeed(text, from, to);
      expect(fromApi.length, `${from} – ${to}`).toBeGreaterThan(0);
      expect(fromFeed, `${from} – ${to}`).toEqual(fromApi);
    }
    const year = occurrencesFromFeed(text, "2026-11-21T00:00:00Z", "2027-11-21T00:00:00Z");
    // 11 monthly (12 less the July EXDATE), 8 weekly, the lecture, the assembly and the picnic.
    expect(year).toHaveLength(22);
    const monthly = year.filter((o) => o.summary.startsWith("Monthly meeting"));
    expect(monthly.find((o) => o.start === "2027-01-12T17:30:00.000Z")?.status).toBe("CONFIRMED");
    expect(monthly.find((o) => o.start === "2027-02-02T17:00:00.000Z")?.status).toBe("CANCELLED");
    expect(monthly.find((o) => o.start === "2027-05-05T16:00:00.000Z")).toBeDefined();
    expect(monthly.some((o) => o.start.startsWith("2027-07"))).toBe(false);
    // 18:00 in Stockholm in winter and in summer.
    expect(monthly.find((o) => o.start.startsWith("2027-03"))?.start).toBe("2027-03-02T17:00:00.000Z");
    expect(monthly.find((o) => o.start.startsWith("2027-04"))?.start).toBe("2027-04-06T16:00:00.000Z");
    // The New York series crosses the US change on 14 March: 18:00 local throughout.
    const phone = year.filter((o) => o.summary.startsWith("Phone bank"));
    expect(phone.map((o) => o.start.slice(11, 16))).toEqual(["23:00", "23:00", "23:00", "22:00", "22:00", "22:00", "22:00", "22:00"]);
    expect(year.find((o) => o.summary === "Cancelled picnic")?.status).toBe("CANCELLED");
  });

  it("keeps text intact through escaping and folding", async () => {
    const t = await testApp();
    const { series } = await seed(t);
    const calendar = new ICAL.Component(ICAL.parse(await feed(t, "/v1/orgs/demo/calendar.ics")));
    const master = calendar
      .getAllSubcomponents("vevent")
      .find((v) => v.getFirstPropertyValue("uid") === `${series.id}@grasrot` && !v.hasProperty("recurrence-id"));
    const event = new ICAL.Event(master);
    expect(event.summary).toBe("Monthly meeting, district Norr; all welcome");
    expect(event.description).toBe(
      "Agenda:\n1. Campaign planning\n2. Åsa's report — with a long line that has to be folded over several content lines of seventy-five octets",
    );
    expect(event.location).toBe("Folkets hus, Storgatan 1, 111 22 Stockholm");
  });

  it("shows a change as a higher SEQUENCE under the same UID", async () => {
    const t = await testApp();
    const event = await createEvent(t);
    const sequence = async () => {
      const calendar = new ICAL.Component(ICAL.parse(await feed(t, "/v1/orgs/demo/calendar.ics")));
      const vevent = calendar.getFirstSubcomponent("vevent");
      return [vevent?.getFirstPropertyValue("uid"), vevent?.getFirstPropertyValue("sequence")];
    };
    expect(await sequence()).toEqual([`${event.id}@grasrot`, 1]);
    await json(
      await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, {
        body: { startsAt: "2026-11-28T18:00:00Z", endsAt: "2026-11-28T20:00:00Z" },
      }),
      200,
    );
    expect(await sequence()).toEqual([`${event.id}@grasrot`, 2]);
  });

  it("needs no authentication and is 404 for an unknown organisation", async () => {
    const t = await testApp();
    expect((await t.request("GET", "/v1/orgs/demo/calendar.ics", { key: null })).status).toBe(200);
    const missing = await t.request("GET", "/v1/orgs/nowhere/calendar.ics", { key: null });
    expect(missing.status).toBe(404);
    await problemOf(missing);
  });
});

describe("a group's feed", () => {
  it("has the group's public events without a key, all of them with one; 404 for unknown groups", async () => {
    const t = await testApp();
    const groupId = await createGroup(t);
    const other = await createGroup(t, { name: "Other" });
    await createEvent(t, { title: "Open group meeting", groupId });
    await createEvent(t, { title: "Closed group meeting", groupId, visibility: "group" });
    await createEvent(t, { title: "Someone else's", groupId: other });
    const summaries = (text: string) =>
      new ICAL.Component(ICAL.parse(text))
        .getAllSubcomponents("vevent")
        .map((v) => v.getFirstPropertyValue("summary"))
        .sort();
    expect(summaries(await feed(t, `/v1/orgs/demo/groups/${groupId}/calendar.ics`))).toEqual(["Open group meeting"]);
    expect(summaries(await feed(t, `/v1/orgs/demo/groups/${groupId}/calendar.ics`, t.adminKey))).toEqual([
      "Closed group meeting",
      "Open group meeting",
    ]);
    expect((await t.request("GET", "/v1/orgs/demo/groups/0195f1e2-7a4b-7c3d-8e9f-0a1b2c3d4e5f/calendar.ics", { key: null })).status).toBe(
      404,
    );
  });
});

describe("the personal feed", () => {
  it("lives at a token URL the member creates, rotates and revokes; only a hash is stored", async () => {
    const t = await testApp();
    const groupId = await createGroup(t);
    const other = await createGroup(t, { name: "Other" });
    const member = await createActiveMember(t);
    await addToGroup(t, groupId, member);
    const token = await memberToken(t, member);
    await createEvent(t, { title: "My group's meeting", groupId, visibility: "group" });
    await createEvent(t, { title: "Organisation's members' meeting", visibility: "members" });
    await createEvent(t, { title: "Other group's public meeting", groupId: other });
    await createEvent(t, { title: "Other group's closed meeting", groupId: other, visibility: "group" });

    expect((await t.request("GET", "/v1/orgs/demo/me/calendar-token", { key: token })).status).toBe(404);
    const issued = await json<{ token: string; url: string }>(
      await t.request("POST", "/v1/orgs/demo/me/calendar-token", { key: token }),
      201,
    );
    expect(issued.url).toBe(`/v1/orgs/demo/feeds/${issued.token}/calendar.ics`);
    expect(await snapshot(t.database)).not.toContain(issued.token);
    expect((await t.request("GET", "/v1/orgs/demo/me/calendar-token", { key: token })).status).toBe(200);

    const text = await feed(t, issued.url);
    const summaries = new ICAL.Component(ICAL.parse(text))
      .getAllSubcomponents("vevent")
      .map((v) => v.getFirstPropertyValue("summary"))
      .sort();
    expect(summaries).toEqual(["My group's meeting", "Organisation's members' meeting"]);
    // The feed holds what the member's own calendar lists.
    const mine = await allPages(t, `/v1/orgs/demo/me/calendar?${range("2026-11-21T00:00:00Z", "2027-11-21T00:00:00Z")}`, token);
    expect(mine.map((o) => o.title).sort()).toEqual(summaries);

    const rotated = await json<{ token: string; url: string }>(
      await t.request("POST", "/v1/orgs/demo/me/calendar-token", { key: token }),
      201,
    );
    expect((await t.request("GET", issued.url, { key: null })).status).toBe(404);
    expect((await t.request("GET", rotated.url, { key: null })).status).toBe(200);
    expect((await t.request("DELETE", "/v1/orgs/demo/me/calendar-token", { key: token })).status).toBe(204);
    expect((await t.request("GET", rotated.url, { key: null })).status).toBe(404);
    // Keys cannot make personal feeds: they are a member's own.
    expect((await t.request("POST", "/v1/orgs/demo/me/calendar-token")).status).toBe(403);
  });
});

describe("polling a feed", () => {
  it("answers 304 without a body while the feed is unchanged, and a new ETag once an event changes", async () => {
    const t = await testApp();
    const event = await createEvent(t, { title: "Street stall", startsAt: "2026-12-05T10:00:00Z", endsAt: "2026-12-05T12:00:00Z" });
    const first = await t.request("GET", "/v1/orgs/demo/calendar.ics", { key: null });
    expect(first.status).toBe(200);
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=300");
    const etag = first.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);

    const again = await t.request("GET", "/v1/orgs/demo/calendar.ics", { key: null, headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("ETag")).toBe(etag);
    expect(again.headers.get("Cache-Control")).toBe("public, max-age=300");
    // A list of tags matches when one of them does, compared weakly (with or without W/).
    const listed = await t.request("GET", "/v1/orgs/demo/calendar.ics", {
      key: null,
      headers: { "If-None-Match": `"old", ${etag.slice(2)}` },
    });
    expect(listed.status).toBe(304);

    await json(await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { title: "Street stall, moved indoors" } }), 200);
    const changed = await t.request("GET", "/v1/orgs/demo/calendar.ics", { key: null, headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
    expect(await changed.text()).toContain("Street stall\\, moved indoors");
  });

  it("gives a new ETag when an occurrence moves or an event is deleted", async () => {
    const t = await testApp();
    const series = await createEvent(t, {
      title: "Monthly meeting",
      startsAt: "2026-12-01T17:00:00Z",
      endsAt: "2026-12-01T19:00:00Z",
      recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1TU" },
    });
    const single = await createEvent(t, { title: "Lecture", startsAt: "2027-01-20T17:00:00Z", endsAt: "2027-01-20T19:00:00Z" });
    const etagNow = async () => {
      const response = await t.request("GET", "/v1/orgs/demo/calendar.ics", { key: null });
      expect(response.status).toBe(200);
      return response.headers.get("ETag");
    };
    const before = await etagNow();
    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${series.id}/occurrences/2027-01-05T17:00:00Z`, { body: { status: "cancelled" } }),
      200,
    );
    const moved = await etagNow();
    expect(moved).not.toBe(before);
    const cancelled = await t.request("GET", "/v1/orgs/demo/calendar.ics", { key: null, headers: { "If-None-Match": before ?? "" } });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.text()).toContain("STATUS:CANCELLED");
    expect((await t.request("DELETE", `/v1/orgs/demo/events/${single.id}`)).status).toBe(204);
    expect(await etagNow()).not.toBe(moved);
  });

  it("keeps personal feeds private to caches, with their own ETag", async () => {
    const t = await testApp();
    const member = await createActiveMember(t);
    const token = await memberToken(t, member);
    await createEvent(t, { title: "Members' meeting", visibility: "members" });
    const issued = await json<{ url: string }>(await t.request("POST", "/v1/orgs/demo/me/calendar-token", { key: token }), 201);
    const response = await t.request("GET", issued.url, { key: null });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, max-age=300");
    const etag = response.headers.get("ETag") ?? "";
    expect((await t.request("GET", issued.url, { key: null, headers: { "If-None-Match": etag } })).status).toBe(304);
  });
});

describe("a feed's window", () => {
  const summaries = (text: string) =>
    new ICAL.Component(ICAL.parse(text))
      .getAllSubcomponents("vevent")
      .map((v) => v.getFirstPropertyValue("summary"))
      .sort();

  it("holds the past 3 months and the coming 12 by default, and what the query asks for up to its limits", async () => {
    const t = await testApp();
    // The test clock stands at 2026-11-21.
    await createEvent(t, { title: "Five months ago", startsAt: "2026-06-20T10:00:00Z", endsAt: "2026-06-20T12:00:00Z" });
    await createEvent(t, { title: "Last month", startsAt: "2026-10-20T10:00:00Z", endsAt: "2026-10-20T12:00:00Z" });
    await createEvent(t, { title: "Next spring", startsAt: "2027-04-20T10:00:00Z", endsAt: "2027-04-20T12:00:00Z" });
    await createEvent(t, { title: "In fourteen months", startsAt: "2028-01-20T10:00:00Z", endsAt: "2028-01-20T12:00:00Z" });
    expect(summaries(await feed(t, "/v1/orgs/demo/calendar.ics"))).toEqual(["Last month", "Next spring"]);
    expect(summaries(await feed(t, "/v1/orgs/demo/calendar.ics?pastMonths=6&futureMonths=15"))).toEqual([
      "Five months ago",
      "In fourteen months",
      "Last month",
      "Next spring",
    ]);
    expect(summaries(await feed(t, "/v1/orgs/demo/calendar.ics?pastMonths=0&futureMonths=1"))).toEqual([]);
  });

  it("refuses a window beyond its limits with 422, on every feed", async () => {
    const t = await testApp();
    const groupId = await createGroup(t);
    for (const path of ["/v1/orgs/demo/calendar.ics", `/v1/orgs/demo/groups/${groupId}/calendar.ics`]) {
      for (const query of ["pastMonths=25", "futureMonths=0", "futureMonths=37", "pastMonths=-1", "pastMonths=two"]) {
        const response = await t.request("GET", `${path}?${query}`, { key: null });
        expect(response.status, `${path}?${query}`).toBe(422);
        expect((await problemOf(response)).code).toBe("validation_failed");
      }
    }
  });
});
