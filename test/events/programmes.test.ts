import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";
import { castOfCallers, expectStatuses } from "../helpers/permission-matrix.ts";
import { addToGroup, allPages, createEvent, createGroup, eventInput, type OccurrenceBody, range } from "./helpers.ts";

/** What a programme runs: exchanges of weeks, schools abroad, all-day events, courses with irregular sessions. */

interface ProgrammeEvent {
  id: string;
  kind: string;
  startsAt: string;
  endsAt: string;
  allDay: boolean;
  startsOn: string | null;
  endsOn: string | null;
  sessions: { startsAt: string; endsAt: string }[] | null;
  version: number;
}

type Listed = OccurrenceBody & { allDay: boolean; startsOn: string | null; endsOn: string | null; recurring: boolean };

const icsLines = async (t: TestApp, path: string) => {
  const response = await t.request("GET", path, { key: null });
  expect(response.status).toBe(200);
  return (await response.text()).replace(/\r\n /g, "");
};

/** A ten-week exchange in spring 2027, as all-day dates in Stockholm. */
const exchange = {
  title: "Exchange with Guatemala",
  kind: "exchange",
  startsOn: "2027-03-01",
  endsOn: "2027-05-09",
  startsAt: undefined,
  endsAt: undefined,
  registration: { mode: "open", capacity: 6 },
};

describe("event kinds and long events", () => {
  it("knows exchanges and politician schools, and filters by them", async () => {
    const t = await testApp();
    const school = await createEvent(t, { kind: "politician_school", title: "Politician school" });
    await createEvent(t, { kind: "lecture" });
    const week = range("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z");
    const listed = await allPages(t, `/v1/orgs/demo/events?${week}&kind=politician_school`);
    expect(listed.map((o) => o.id)).toEqual([school.id]);
  });

  it("lets a single event last up to a year, found in a month it overlaps long after it began", async () => {
    const t = await testApp();
    // A school year abroad: begins in August, runs past any month-long look-back.
    const school = await createEvent(t, {
      kind: "politician_school",
      startsAt: "2026-08-15T08:00:00Z",
      endsAt: "2027-06-15T16:00:00Z",
    });
    const february = range("2027-02-01T00:00:00+01:00", "2027-03-01T00:00:00+01:00");
    expect((await allPages(t, `/v1/orgs/demo/events?${february}`)).map((o) => o.id)).toEqual([school.id]);
    expect(await allPages(t, `/v1/orgs/demo/events?${range("2027-06-15T16:00:00Z", "2027-07-01T00:00:00Z")}`)).toEqual([]);
    // The public feed (three months back from 21 November) carries it too.
    const feed = await icsLines(t, "/v1/orgs/demo/calendar.ics");
    expect(feed).toContain(`UID:${school.id}@grasrot`);
  });

  it.each([
    ["a single event over a year", { endsAt: "2027-12-01T17:00:00Z" }, "body.endsAt"],
    [
      "an occurrence of a series over 31 days",
      { endsAt: "2027-01-05T17:00:00Z", recurrence: { rrule: "FREQ=MONTHLY;COUNT=3" } },
      "body.endsAt",
    ],
    ["all-day over a year", { startsAt: undefined, endsAt: undefined, startsOn: "2027-01-01", endsOn: "2028-01-02" }, "body.endsOn"],
    [
      "all-day ending before it starts",
      { startsAt: undefined, endsAt: undefined, startsOn: "2027-01-05", endsOn: "2027-01-04" },
      "body.endsOn",
    ],
    ["all-day without its last day", { startsAt: undefined, endsAt: undefined, startsOn: "2027-01-05" }, "body.endsOn"],
    ["all-day and a time", { startsOn: "2027-01-05", endsOn: "2027-01-06" }, "body.startsAt"],
    [
      "all-day that recurs",
      { startsAt: undefined, endsAt: undefined, startsOn: "2027-01-05", endsOn: "2027-01-05", recurrence: { rrule: "FREQ=WEEKLY" } },
      "body.recurrence",
    ],
    ["not a date", { startsAt: undefined, endsAt: undefined, startsOn: "2027-02-30", endsOn: "2027-03-01" }, "body.startsOn"],
    ["no time at all", { startsAt: undefined, endsAt: undefined }, "body.startsAt"],
    ["sessions and a time", { sessions: [{ startsAt: "2027-01-05T17:00:00Z", endsAt: "2027-01-05T19:00:00Z" }] }, "body.startsAt"],
    [
      "a session over 31 days",
      { startsAt: undefined, endsAt: undefined, sessions: [{ startsAt: "2027-01-05T17:00:00Z", endsAt: "2027-02-15T19:00:00Z" }] },
      "body.sessions.0.endsAt",
    ],
    [
      "two sessions at once",
      {
        startsAt: undefined,
        endsAt: undefined,
        sessions: [
          { startsAt: "2027-01-05T17:00:00Z", endsAt: "2027-01-05T19:00:00Z" },
          { startsAt: "2027-01-05T17:00:00Z", endsAt: "2027-01-05T20:00:00Z" },
        ],
      },
      "body.sessions.1.startsAt",
    ],
    [
      "sessions and a recurrence",
      {
        startsAt: undefined,
        endsAt: undefined,
        sessions: [{ startsAt: "2027-01-05T17:00:00Z", endsAt: "2027-01-05T19:00:00Z" }],
        recurrence: { rrule: "FREQ=WEEKLY" },
      },
      "body.recurrence",
    ],
  ])("refuses %s with 422 naming the field, changing nothing", async (_, fields, field) => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const response = await t.request("POST", "/v1/orgs/demo/events", { body: eventInput(fields) });
    expect(response.status, await response.clone().text()).toBe(422);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
    expect(await snapshot(t.database)).toBe(before);
  });
});

describe("all-day events", () => {
  it("stores a ten-week exchange as dates: local midnights, listed in every month it touches, VALUE=DATE in iCalendar", async () => {
    const t = await testApp();
    const event = await json<ProgrammeEvent>(await t.request("POST", "/v1/orgs/demo/events", { body: eventInput(exchange) }), 201);
    expect(event).toMatchObject({
      kind: "exchange",
      allDay: true,
      startsOn: "2027-03-01",
      endsOn: "2027-05-09",
      // Midnight in Stockholm: +01:00 in March, +02:00 (summer time) in May.
      startsAt: "2027-02-28T23:00:00.000Z",
      endsAt: "2027-05-09T22:00:00.000Z",
    });
    const months: [string, string, boolean][] = [
      ["2027-02-01T00:00:00+01:00", "2027-03-01T00:00:00+01:00", false],
      ["2027-03-01T00:00:00+01:00", "2027-04-01T00:00:00+02:00", true],
      ["2027-04-01T00:00:00+02:00", "2027-05-01T00:00:00+02:00", true],
      ["2027-05-01T00:00:00+02:00", "2027-06-01T00:00:00+02:00", true],
      ["2027-05-10T00:00:00+02:00", "2027-06-01T00:00:00+02:00", false],
    ];
    for (const [from, to, shown] of months) {
      const listed = (await allPages(t, `/v1/orgs/demo/events?${range(from, to)}`)) as Listed[];
      expect(
        listed.map((o) => o.id),
        `${from}`,
      ).toEqual(shown ? [event.id] : []);
      if (shown) expect(listed[0]).toMatchObject({ allDay: true, startsOn: "2027-03-01", endsOn: "2027-05-09" });
    }

    const feed = await icsLines(t, "/v1/orgs/demo/calendar.ics");
    expect(feed).toContain("DTSTART;VALUE=DATE:20270301\r\n");
    // DTEND is exclusive: the day after the last.
    expect(feed).toContain("DTEND;VALUE=DATE:20270510\r\n");
    const vevent = new ICAL.Component(ICAL.parse(feed)).getFirstSubcomponent("vevent");
    const parsed = new ICAL.Event(vevent as ICAL.Component);
    expect(parsed.startDate.isDate).toBe(true);
    expect(parsed.endDate.toString()).toBe("2027-05-10");
  });

  it("takes registrations as a timed event does, and keeps its dates when the time zone changes", async () => {
    const t = await testApp();
    const event = await json<ProgrammeEvent>(await t.request("POST", "/v1/orgs/demo/events", { body: eventInput(exchange) }), 201);
    const member = await createActiveMember(t);
    const token = await memberToken(t, member);
    const registered = await t.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, { key: token, body: {} });
    expect((await json<{ status: string }>(registered, 201)).status).toBe("accepted");

    const moved = await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, {
      body: { timeZone: "America/Guatemala" },
      headers: { "If-Match": `"${event.version}"` },
    });
    expect(await json<ProgrammeEvent>(moved, 200)).toMatchObject({
      startsOn: "2027-03-01",
      endsOn: "2027-05-09",
      startsAt: "2027-03-01T06:00:00.000Z",
      endsAt: "2027-05-10T06:00:00.000Z",
    });
  });
});

const course = [
  { startsAt: "2027-03-03T17:00:00Z", endsAt: "2027-03-03T20:00:00Z" },
  { startsAt: "2027-03-17T17:00:00Z", endsAt: "2027-03-17T20:00:00Z" },
  // A Saturday in April: a whole day, after the change to summer time.
  { startsAt: "2027-04-10T08:00:00Z", endsAt: "2027-04-10T15:00:00Z" },
  { startsAt: "2027-04-21T16:00:00Z", endsAt: "2027-04-21T19:00:00Z" },
];

async function createCourse(t: TestApp, fields: Record<string, unknown> = {}) {
  const body = eventInput({
    title: "Organising course",
    kind: "training",
    startsAt: undefined,
    endsAt: undefined,
    // Out of order on purpose: sessions are kept in start order.
    sessions: [course[2], course[0], course[3], course[1]],
    registration: { mode: "open", capacity: 20 },
    ...fields,
  });
  return json<ProgrammeEvent>(await t.request("POST", "/v1/orgs/demo/events", { body }), 201);
}

describe("courses with irregular sessions", () => {
  it("lists each session in the event, in month listings and in feeds, under one registration", async () => {
    const t = await testApp();
    const event = await createCourse(t);
    expect(event.sessions).toEqual(
      course.map((s) => ({ startsAt: `${s.startsAt.slice(0, 19)}.000Z`, endsAt: `${s.endsAt.slice(0, 19)}.000Z` })),
    );
    expect(event).toMatchObject({ startsAt: "2027-03-03T17:00:00.000Z", endsAt: "2027-03-03T20:00:00.000Z", allDay: false });

    const march = (await allPages(
      t,
      `/v1/orgs/demo/events?${range("2027-03-01T00:00:00+01:00", "2027-04-01T00:00:00+02:00")}`,
    )) as Listed[];
    expect(march.map((o) => [o.occurrenceId, o.endsAt, o.moved, o.recurring])).toEqual([
      [`${event.id}:2027-03-03T17:00:00.000Z`, "2027-03-03T20:00:00.000Z", false, true],
      [`${event.id}:2027-03-17T17:00:00.000Z`, "2027-03-17T20:00:00.000Z", false, true],
    ]);
    const april = (await allPages(
      t,
      `/v1/orgs/demo/events?${range("2027-04-01T00:00:00+02:00", "2027-05-01T00:00:00+02:00")}&limit=1`,
    )) as Listed[];
    expect(april.map((o) => [o.startsAt, o.endsAt])).toEqual([
      ["2027-04-10T08:00:00.000Z", "2027-04-10T15:00:00.000Z"],
      ["2027-04-21T16:00:00.000Z", "2027-04-21T19:00:00.000Z"],
    ]);

    const feed = await icsLines(t, "/v1/orgs/demo/calendar.ics");
    const vevents = new ICAL.Component(ICAL.parse(feed)).getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    expect(vevents.map((v) => [v.startDate.toJSDate().toISOString(), v.endDate.toJSDate().toISOString()])).toEqual(
      course.map((s) => [new Date(s.startsAt).toISOString(), new Date(s.endsAt).toISOString()]),
    );
    expect(new Set(vevents.map((v) => v.uid)).size).toBe(4);
    expect(vevents.map((v) => v.summary)).toEqual([1, 2, 3, 4].map((n) => `Organising course (${n}/4)`));

    // One registration for the course: an occurrence of it is not a unit of its own.
    const member = await createActiveMember(t);
    const token = await memberToken(t, member);
    const one = await t.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, {
      key: token,
      body: { occurrenceStart: "2027-03-17T17:00:00Z" },
    });
    expect(one.status).toBe(422);
    const registered = await t.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, { key: token, body: {} });
    expect(await json<{ occurrenceStart: string | null; status: string }>(registered, 201)).toMatchObject({
      occurrenceStart: null,
      status: "accepted",
    });
  });

  it("records attendance per session, only once it has begun and only for those holding a place", async () => {
    const t = await testApp();
    const event = await createCourse(t);
    const [anna, bo, cecilia] = [await createActiveMember(t), await createActiveMember(t), await createActiveMember(t)];
    for (const member of [anna, bo]) {
      const response = await t.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, { body: { memberId: member } });
      expect(response.status).toBe(201);
    }
    const path = (start: string) => `/v1/orgs/demo/events/${event.id}/sessions/${start}/attendance`;
    const first = "2027-03-03T17:00:00.000Z";
    const second = "2027-03-17T17:00:00.000Z";

    const early = await t.request("POST", path(first), { body: { memberId: anna, attended: true } });
    expect(early.status).toBe(409);
    expect(((await problemOf(early)) as { reason?: string }).reason).toBe("event_not_started");

    t.clock.set("2027-03-18T08:00:00Z");
    expect((await t.request("POST", path(first), { body: { memberId: anna, attended: true } })).status).toBe(200);
    expect((await t.request("POST", path(first), { body: { memberId: bo, attended: false } })).status).toBe(200);
    expect((await t.request("POST", path(second), { body: { memberId: bo, attended: true } })).status).toBe(200);
    const notRegistered = await t.request("POST", path(second), { body: { memberId: cecilia, attended: true } });
    expect(notRegistered.status).toBe(409);
    expect((await t.request("POST", path("2027-03-10T17:00:00.000Z"), { body: { memberId: anna, attended: true } })).status).toBe(404);
    expect((await t.request("POST", path("2027-04-10T08:00:00.000Z"), { body: { memberId: anna, attended: true } })).status).toBe(409);

    const list = async (start: string) => {
      const page = await json<{ data: { member: { id: string }; attended: boolean | null }[] }>(await t.request("GET", path(start)), 200);
      return Object.fromEntries(page.data.map((e) => [e.member.id, e.attended]));
    };
    expect(await list(first)).toEqual({ [anna]: true, [bo]: false });
    expect(await list(second)).toEqual({ [anna]: null, [bo]: true });

    // A member may not read the list.
    const memberKey = await memberToken(t, anna);
    expect((await t.request("GET", path(first), { key: memberKey })).status).toBe(403);
  });

  it("changes the session list by PATCH with If-Match, and keeps sessions whose attendance is recorded", async () => {
    const t = await testApp();
    const event = await createCourse(t);
    const member = await createActiveMember(t);
    await json(await t.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, { body: { memberId: member } }), 201);
    const patch = (body: unknown, version: number) =>
      t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body, headers: { "If-Match": `"${version}"` } });

    const moved = [course[0], course[1], { startsAt: "2027-04-17T08:00:00Z", endsAt: "2027-04-17T15:00:00Z" }, course[3]];
    const stale = await patch({ sessions: moved }, event.version + 5);
    expect(stale.status).toBe(412);
    const changed = await json<ProgrammeEvent>(await patch({ sessions: moved }, event.version), 200);
    expect(changed.sessions?.map((s) => s.startsAt)).toEqual([
      "2027-03-03T17:00:00.000Z",
      "2027-03-17T17:00:00.000Z",
      "2027-04-17T08:00:00.000Z",
      "2027-04-21T16:00:00.000Z",
    ]);
    const april = await allPages(t, `/v1/orgs/demo/events?${range("2027-04-01T00:00:00+02:00", "2027-05-01T00:00:00+02:00")}`);
    expect(april.map((o) => o.startsAt)).toEqual(["2027-04-17T08:00:00.000Z", "2027-04-21T16:00:00.000Z"]);

    t.clock.set("2027-03-04T08:00:00Z");
    const recorded = await t.request("POST", `/v1/orgs/demo/events/${event.id}/sessions/2027-03-03T17:00:00.000Z/attendance`, {
      body: { memberId: member, attended: true },
    });
    expect(recorded.status).toBe(200);
    const before = await snapshot(t.database);
    const dropping = await patch({ sessions: moved.slice(1) }, changed.version);
    expect(dropping.status).toBe(409);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("lets the conveners of the organising group record attendance, and no other group's", async () => {
    const t = await testApp();
    const group = await createGroup(t);
    const other = await createGroup(t, { name: "Other group" });
    // Sessions this December, while the conveners' memberships are current.
    const december = [
      { startsAt: "2026-12-02T17:00:00Z", endsAt: "2026-12-02T20:00:00Z" },
      { startsAt: "2026-12-12T09:00:00Z", endsAt: "2026-12-12T15:00:00Z" },
    ];
    const event = await createCourse(t, { groupId: group, sessions: december });
    const participant = await createActiveMember(t);
    await json(await t.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, { body: { memberId: participant } }), 201);
    const convener = await createActiveMember(t);
    const otherConvener = await createActiveMember(t);
    await addToGroup(t, group, convener, "convener");
    await addToGroup(t, other, otherConvener, "convener");
    t.clock.set("2026-12-03T08:00:00Z");
    const path = `/v1/orgs/demo/events/${event.id}/sessions/2026-12-02T17:00:00.000Z/attendance`;
    const body = { memberId: participant, attended: true };
    const refused = await t.request("POST", path, { key: await memberToken(t, otherConvener), body });
    expect(refused.status).toBe(403);
    const done = await t.request("POST", path, { key: await memberToken(t, convener), body });
    expect(done.status).toBe(200);
  });
});

describe("attendance per session: the permission table", () => {
  it("is recorded and read by the event's organisers; read by readonly keys; refused to everyone else", async () => {
    const cast = await castOfCallers();
    const { t } = cast;
    // A public course of the group, its first session yesterday (the test day is 21 November).
    const event = await createCourse(t, {
      groupId: cast.group,
      visibility: "public",
      sessions: [
        { startsAt: "2026-11-20T17:00:00Z", endsAt: "2026-11-20T19:00:00Z" },
        { startsAt: "2026-11-27T17:00:00Z", endsAt: "2026-11-27T19:00:00Z" },
      ],
    });
    const participant = cast.members.groupMember;
    // Registered before the course began.
    const today = t.clock.now().toISOString();
    t.clock.set("2026-11-19T08:00:00Z");
    await json(await t.request("POST", `/v1/orgs/demo/events/${event.id}/registrations`, { body: { memberId: participant } }), 201);
    t.clock.set(today);
    const path = `/v1/orgs/demo/events/${event.id}/sessions/2026-11-20T17:00:00.000Z/attendance`;
    const members = { groupMember: 403, graceMember: 403, lapsedMember: 403, noneMember: 403 };
    //                anonymous, member, convener here, convener elsewhere, readonly, staff, admin, another org's admin
    await expectStatuses(
      async (kind) => t.request("POST", path, { key: await cast.key(kind), body: { memberId: participant, attended: true } }),
      {
        anonymous: 401,
        otherMember: 403,
        convener: 200,
        otherConvener: 403,
        readonly: 403,
        staff: 200,
        admin: 200,
        otherOrgAdmin: 404,
        ...members,
      },
    );
    await expectStatuses(async (kind) => t.request("GET", path, { key: await cast.key(kind) }), {
      anonymous: 401,
      otherMember: 403,
      convener: 200,
      otherConvener: 403,
      readonly: 200,
      staff: 200,
      admin: 200,
      otherOrgAdmin: 404,
      ...members,
    });
  });
});
