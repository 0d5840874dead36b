import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";
import { addToGroup, allPages, createEvent, createGroup, type EventBody, eventInput, keyWithRole, listEvents, range } from "./helpers.ts";

const week = range("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z");

describe("creating events", () => {
  it("creates an event from the minimal contract and lists it in its range", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs/demo/events", {
      body: {
        title: "Open meeting",
        kind: "member_meeting",
        startsAt: "2026-11-28T17:00:00Z",
        endsAt: "2026-11-28T19:00:00Z",
        timeZone: "Europe/Stockholm",
        visibility: "public",
      },
    });
    const event = await json<EventBody>(response, 201);
    expect(response.headers.get("Location")).toBe(`/v1/orgs/demo/events/${event.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(event).toMatchObject({
      title: "Open meeting",
      startsAt: "2026-11-28T17:00:00.000Z",
      status: "scheduled",
      groupId: null,
      recurrence: null,
      registration: { mode: "none", capacity: null, requiresActiveMembership: false, eligibility: null },
    });
    const page = await listEvents(t, week);
    expect(page.nextCursor).toBeNull();
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({
      id: event.id,
      occurrenceId: `${event.id}:2026-11-28T17:00:00.000Z`,
      startsAt: "2026-11-28T17:00:00.000Z",
    });
  });

  it("normalises offsets to UTC", async () => {
    const t = await testApp();
    const event = await createEvent(t, { startsAt: "2026-11-28T18:00:00+01:00", endsAt: "2026-11-28T20:00:00+01:00" });
    expect(event.startsAt).toBe("2026-11-28T17:00:00.000Z");
    expect(event.endsAt).toBe("2026-11-28T19:00:00.000Z");
  });

  it.each([
    ["end before start", { endsAt: "2026-11-28T16:00:00Z" }, "body.endsAt"],
    ["end equal to start", { endsAt: "2026-11-28T17:00:00Z" }, "body.endsAt"],
    ["longer than a year", { endsAt: "2027-12-01T17:00:00Z" }, "body.endsAt"],
    ["unknown time zone", { timeZone: "Europe/Atlantis" }, "body.timeZone"],
    ["date without time", { startsAt: "2026-11-28" }, "body.startsAt"],
    ["unknown kind", { kind: "party" }, "body.kind"],
    ["group visibility without a group", { visibility: "group" }, "body.visibility"],
    ["RRULE outside the subset", { recurrence: { rrule: "FREQ=DAILY" } }, "body.recurrence.rrule"],
    ["BYSETPOS", { recurrence: { rrule: "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=1" } }, "body.recurrence.rrule"],
    ["ordinal in a weekly rule", { recurrence: { rrule: "FREQ=WEEKLY;BYDAY=1SA" } }, "body.recurrence.rrule"],
    ["UNTIL and COUNT", { recurrence: { rrule: "FREQ=WEEKLY;COUNT=3;UNTIL=20270101T000000Z" } }, "body.recurrence.rrule"],
    ["floating UNTIL", { recurrence: { rrule: "FREQ=WEEKLY;UNTIL=20270101T000000" } }, "body.recurrence.rrule"],
    ["start not an occurrence of the rule", { recurrence: { rrule: "FREQ=WEEKLY;BYDAY=TU" } }, "body.recurrence.rrule"],
    ["EXDATE not an occurrence", { recurrence: { rrule: "FREQ=WEEKLY", exdates: ["2026-12-06T17:00:00Z"] } }, "body.recurrence.exdates.0"],
    ["unknown group", { groupId: "0195f1e2-7a4b-7c3d-8e9f-0a1b2c3d4e5f" }, "body.groupId"],
    ["unknown campaign", { campaignId: "0195f1e2-7a4b-7c3d-8e9f-0a1b2c3d4e5f" }, "body.campaignId"],
    ["capacity zero", { registration: { mode: "open", capacity: 0 } }, "body.registration.capacity"],
  ])("refuses %s with 422 naming the field", async (_, fields, field) => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const response = await t.request("POST", "/v1/orgs/demo/events", { body: eventInput(fields) });
    expect(response.status, await response.clone().text()).toBe(422);
    const problem = await problemOf(response);
    expect(problem.errors?.map((e) => e.field)).toContain(field);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("stores a canonical rule and defaults registration by kind", async () => {
    const t = await testApp();
    const training = await createEvent(t, {
      kind: "training",
      startsAt: "2026-12-01T17:00:00Z",
      endsAt: "2026-12-01T19:00:00Z",
      recurrence: { rrule: "rrule:freq=weekly;count=4;byday=tu" },
      registration: { mode: "application", capacity: 12 },
    });
    expect(training.recurrence).toEqual({ rrule: "FREQ=WEEKLY;BYDAY=TU;COUNT=4", exdates: [] });
    expect(training.registration).toEqual({
      mode: "application",
      scope: "event",
      capacity: 12,
      requiresActiveMembership: true,
      eligibility: null,
    });
    const meeting = await createEvent(t, {
      startsAt: "2026-12-01T17:00:00Z",
      endsAt: "2026-12-01T19:00:00Z",
      recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270630" },
    });
    // A date UNTIL means the end of that day in the event's zone, stored in UTC.
    expect(meeting.recurrence?.rrule).toBe("FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270630T215959Z");
    expect(meeting.registration.scope).toBe("occurrence");
  });
});

describe("a range of single events", () => {
  it("lists those still running at its start, however long ago they began, none that ended before it, page after page as in one", async () => {
    const t = await testApp();
    const single = async (title: string, startsAt: string, endsAt: string, visibility = "public") =>
      (await createEvent(t, { title, startsAt, endsAt, visibility })).id;
    const longAgo = await single("Exchange", "2026-10-20T10:00:00Z", "2026-12-02T10:00:00Z");
    const twoWeeks = await single("Summer school", "2026-11-20T10:00:00Z", "2026-12-03T10:00:00Z");
    const membersWeek = await single("Members' retreat", "2026-11-25T10:00:00Z", "2026-12-02T10:00:00Z", "members");
    const overnight = await single("Night vigil", "2026-11-30T20:00:00Z", "2026-12-01T08:00:00Z");
    const inside = await single("Open meeting", "2026-12-03T17:00:00Z", "2026-12-03T19:00:00Z");
    await single("Day before", "2026-11-29T10:00:00Z", "2026-11-30T10:00:00Z");
    await single("Ended course", "2026-11-10T10:00:00Z", "2026-11-20T10:00:00Z");
    await single("Ends at the start", "2026-11-28T10:00:00Z", "2026-12-01T00:00:00Z");
    const december = range("2026-12-01T00:00:00Z", "2026-12-08T00:00:00Z");
    const ids = (occurrences: { id: string }[]) => occurrences.map((o) => o.id);
    const everyone = [longAgo, twoWeeks, membersWeek, overnight, inside];
    expect(ids((await listEvents(t, december)).data)).toEqual(everyone);
    expect(ids(await allPages(t, `/v1/orgs/${t.org}/events?${december}&limit=2`))).toEqual(everyone);
    // The caller's sight narrows both the recent events and those that began long before.
    const seenByAll = [longAgo, twoWeeks, overnight, inside];
    expect(ids((await listEvents(t, december, null)).data)).toEqual(seenByAll);
    expect(ids(await allPages(t, `/v1/orgs/${t.org}/events?${december}&limit=1`, null))).toEqual(seenByAll);
  });
});

describe("who may create and change events", () => {
  async function setup() {
    const t = await testApp();
    const groupId = await createGroup(t);
    const otherGroupId = await createGroup(t, { name: "Other group" });
    const convener = await createActiveMember(t);
    await addToGroup(t, groupId, convener, "convener");
    const token = await memberToken(t, convener);
    return { t, groupId, otherGroupId, convener, token };
  }

  it("lets a convener create and edit their own group's events", async () => {
    const { t, groupId, token } = await setup();
    const event = await createEvent(t, { groupId, visibility: "group" }, token);
    const patched = await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { key: token, body: { title: "Monthly meeting" } });
    expect((await json<EventBody>(patched, 200)).title).toBe("Monthly meeting");
  });

  it("refuses a convener other groups' and the organisation's events (403), and readonly keys (403)", async () => {
    const { t, groupId, otherGroupId, token } = await setup();
    for (const body of [eventInput({ groupId: otherGroupId }), eventInput()]) {
      const response = await t.request("POST", "/v1/orgs/demo/events", { key: token, body });
      expect(response.status).toBe(403);
      await problemOf(response);
    }
    const staffEvent = await createEvent(t, { groupId: otherGroupId });
    expect((await t.request("PATCH", `/v1/orgs/demo/events/${staffEvent.id}`, { key: token, body: { title: "Mine now" } })).status).toBe(
      403,
    );
    // Nor can they move their own event into a group they do not lead.
    const own = await createEvent(t, { groupId }, token);
    expect((await t.request("PATCH", `/v1/orgs/demo/events/${own.id}`, { key: token, body: { groupId: otherGroupId } })).status).toBe(403);
    const readonly = await keyWithRole(t, "readonly");
    expect((await t.request("POST", "/v1/orgs/demo/events", { key: readonly, body: eventInput() })).status).toBe(403);
    expect((await t.request("POST", "/v1/orgs/demo/events", { key: null, body: eventInput() })).status).toBe(401);
  });

  it("refuses an ordinary member with 403", async () => {
    const { t, groupId } = await setup();
    const member = await createActiveMember(t);
    await addToGroup(t, groupId, member);
    const response = await t.request("POST", "/v1/orgs/demo/events", { key: await memberToken(t, member), body: eventInput({ groupId }) });
    expect(response.status).toBe(403);
  });
});

describe("visibility", () => {
  async function setup() {
    const t = await testApp();
    const groupId = await createGroup(t);
    const otherGroupId = await createGroup(t, { name: "Other group" });
    const ids = {
      public: (await createEvent(t, { title: "Public" })).id,
      members: (await createEvent(t, { title: "Members", visibility: "members" })).id,
      group: (await createEvent(t, { title: "Group", visibility: "group", groupId })).id,
      otherGroup: (await createEvent(t, { title: "Other group", visibility: "group", groupId: otherGroupId })).id,
    };
    const member = await createActiveMember(t);
    await addToGroup(t, groupId, member);
    return { t, ids, token: await memberToken(t, member) };
  }
  const titles = (page: { data: { title: string }[] }) => page.data.map((o) => o.title).sort();

  it("shows anonymous callers public events only", async () => {
    const { t, ids } = await setup();
    expect(titles(await listEvents(t, week, null))).toEqual(["Public"]);
    expect((await t.request("GET", `/v1/orgs/demo/events/${ids.public}`, { key: null })).status).toBe(200);
    for (const id of [ids.members, ids.group]) {
      const response = await t.request("GET", `/v1/orgs/demo/events/${id}`, { key: null });
      expect(response.status).toBe(404);
      await problemOf(response);
    }
  });

  it("shows members public, members' and their own groups' events; the rest is 404", async () => {
    const { t, ids, token } = await setup();
    expect(titles(await listEvents(t, week, token))).toEqual(["Group", "Members", "Public"]);
    expect((await t.request("GET", `/v1/orgs/demo/events/${ids.group}`, { key: token })).status).toBe(200);
    expect((await t.request("GET", `/v1/orgs/demo/events/${ids.otherGroup}`, { key: token })).status).toBe(404);
    expect((await t.request("GET", `/v1/orgs/demo/events/${ids.otherGroup}/occurrences?${week}`, { key: token })).status).toBe(404);
    expect((await t.request("POST", `/v1/orgs/demo/events/${ids.otherGroup}/registrations`, { key: token, body: {} })).status).toBe(404);
  });

  it("shows keys everything, including readonly keys", async () => {
    const { t } = await setup();
    expect(titles(await listEvents(t, week, await keyWithRole(t, "readonly")))).toEqual(["Group", "Members", "Other group", "Public"]);
  });

  it("counts a district group's members by their address", async () => {
    const t = await testApp();
    const area = await json<{ id: string }>(
      await t.request("POST", "/v1/orgs/demo/areas", { body: { name: "Norr", code: "01", postalCodes: ["11455"] } }),
      201,
    );
    const district = await createGroup(t, { name: "District Norr", kind: "district", areaIds: [area.id] });
    await createEvent(t, { title: "District meeting", visibility: "group", groupId: district });
    const resident = await createActiveMember(t, { postalCode: "114 55" });
    const elsewhere = await createActiveMember(t, { postalCode: "99999" });
    expect(titles(await listEvents(t, week, await memberToken(t, resident)))).toEqual(["District meeting"]);
    expect(titles(await listEvents(t, week, await memberToken(t, elsewhere)))).toEqual([]);
    // The area filter finds the district group's events.
    expect(titles(await listEvents(t, `${week}&areaId=${area.id}`))).toEqual(["District meeting"]);
  });
});

describe("changing and deleting events", () => {
  it("updates with If-Match and refuses a stale ETag with 412", async () => {
    const t = await testApp();
    const event = await createEvent(t);
    const ok = await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { title: "Renamed" }, headers: { "If-Match": '"1"' } });
    expect(ok.headers.get("ETag")).toBe('"2"');
    expect((await json<EventBody>(ok, 200)).version).toBe(2);
    const stale = await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, {
      body: { title: "Again" },
      headers: { "If-Match": '"1"' },
    });
    expect(stale.status).toBe(412);
  });

  it("cancels an event: it stays in the calendar as cancelled", async () => {
    const t = await testApp();
    const event = await createEvent(t);
    await json(await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { status: "cancelled" } }), 200);
    expect((await listEvents(t, week)).data.map((o) => o.status)).toEqual(["cancelled"]);
  });

  it("validates the event as a whole after a partial update", async () => {
    const t = await testApp();
    const event = await createEvent(t);
    const response = await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { endsAt: "2026-11-28T10:00:00Z" } });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors?.[0]?.field).toBe("body.endsAt");
  });

  it("deletes an event without registrations (204, then 404)", async () => {
    const t = await testApp();
    const event = await createEvent(t);
    expect((await t.request("DELETE", `/v1/orgs/demo/events/${event.id}`)).status).toBe(204);
    expect((await t.request("GET", `/v1/orgs/demo/events/${event.id}`)).status).toBe(404);
  });

  it("keeps organisations apart", async () => {
    const t = await testApp();
    const event = await createEvent(t);
    const other = await json<{ adminKey: { secret: string } }>(
      await t.request("POST", "/v1/orgs", { key: "operator-key-for-tests-0123456789", body: { slug: "other", name: "Other" } }),
      201,
    );
    expect((await t.request("GET", `/v1/orgs/other/events/${event.id}`, { key: other.adminKey.secret })).status).toBe(404);
    expect(
      (await t.request("GET", `/v1/orgs/other/events?${week}`, { key: other.adminKey.secret }).then((r) => r.json())) as unknown,
    ).toEqual({
      data: [],
      nextCursor: null,
    });
  });
});
