import { describe, expect, it } from "vitest";
import { createEvent, range, register } from "../events/helpers.ts";
import { json } from "../helpers/app.ts";
import { castOfCallers, expectSeen, idsOfFeed, idsOfPage, type Labels } from "../helpers/permission-matrix.ts";

/**
 * Which events each kind of caller finds in its calendar and in every iCalendar feed: the
 * events' visibility rule (as in GET /events), narrowed to what the calendar is about.
 */

async function world() {
  const cast = await castOfCallers();
  const { t, group, otherGroup } = cast;
  const event = async (label: string, fields: Record<string, unknown>) =>
    [(await createEvent(t, { title: label, ...fields })).id, label] as const;
  const labels: Labels = Object.fromEntries([
    await event("public", { visibility: "public" }),
    await event("members", { visibility: "members" }),
    await event("group", { visibility: "group", groupId: group }),
    await event("group's public", { visibility: "public", groupId: group }),
    await event("other group", { visibility: "group", groupId: otherGroup }),
    await event("other group's public", { visibility: "public", groupId: otherGroup }),
    await event("registered", { visibility: "group", groupId: otherGroup, registration: { mode: "open" } }),
  ]);
  const registered = Object.keys(labels).find((id) => labels[id] === "registered") as string;
  for (const memberId of [cast.members.groupMember, cast.members.noneMember]) {
    await json(await register(t, registered, { memberId }), 201);
  }
  return { cast, t, labels };
}

/**
 * A member's own calendar: the organisation's own events and their groups' (while in good
 * standing), and what they registered for; other groups' events only through a registration.
 */
const ownCalendars = {
  convener: ["public", "members", "group", "group's public"],
  groupMember: ["public", "members", "group", "group's public", "registered"],
  otherMember: ["public", "members", "other group", "other group's public", "registered"],
  graceMember: ["public", "members", "group", "group's public"],
  lapsedMember: ["public"],
  noneMember: ["public", "registered"],
};

describe("calendars and feeds", () => {
  it("lists each member their own calendar, registered events of any visibility included (GET /me/calendar)", async () => {
    const { cast, t, labels } = await world();
    const path = `/v1/orgs/demo/me/calendar?${range("2026-11-21T00:00:00Z", "2026-12-21T00:00:00Z")}`;
    await expectSeen(cast, labels, (key) => t.request("GET", path, { key }), idsOfPage(), {
      anonymous: 401,
      readonly: 403,
      staff: 403,
      admin: 403,
      otherOrgAdmin: 404,
      ...ownCalendars,
    });
  });

  it("puts the same events in each member's personal feed as in their calendar", async () => {
    const { cast, t, labels } = await world();
    // Each caller makes its own feed URL, and the URL is read without a credential, as a calendar app does.
    const personalFeed = async (key: string | null) => {
      const issued = await t.request("POST", "/v1/orgs/demo/me/calendar-token", { key });
      if (issued.status !== 201) return issued;
      return t.request("GET", ((await issued.json()) as { url: string }).url, { key: null });
    };
    await expectSeen(cast, labels, personalFeed, idsOfFeed, {
      anonymous: 401,
      readonly: 403,
      admin: 403,
      otherOrgAdmin: 404,
      ...ownCalendars,
    });
  });

  it("lets a personal feed follow the member's standing: it narrows when the membership lapses", async () => {
    const { cast, t, labels } = await world();
    const issued = await json<{ url: string }>(
      await t.request("POST", "/v1/orgs/demo/me/calendar-token", { key: await cast.key("graceMember") }),
      201,
    );
    const read = async () => (await idsOfFeed(await t.request("GET", issued.url, { key: null }))).map((id) => labels[id]).sort();
    expect(await read()).toEqual(["group", "group's public", "members", "public"]);
    // The grace of the 2025 membership ends with 2026.
    t.clock.set("2027-01-01T12:00:00.000Z");
    expect(await read()).toEqual(["public"]);
  });

  it("fills a group's feed with the group's events each caller may see", async () => {
    const { cast, t, labels } = await world();
    const both = ["group", "group's public"];
    await expectSeen(cast, labels, (key) => t.request("GET", `/v1/orgs/demo/groups/${cast.group}/calendar.ics`, { key }), idsOfFeed, {
      anonymous: ["group's public"],
      readonly: both,
      staff: both,
      admin: both,
      otherOrgAdmin: 404,
      convener: both,
      groupMember: both,
      otherMember: ["group's public"],
      graceMember: both,
      lapsedMember: ["group's public"],
      noneMember: ["group's public"],
    });
  });

  it("keeps the organisation's feed to public events, whoever asks", async () => {
    const { cast, t, labels } = await world();
    const publicEvents = ["public", "group's public", "other group's public"];
    await expectSeen(cast, labels, (key) => t.request("GET", "/v1/orgs/demo/calendar.ics", { key }), idsOfFeed, {
      anonymous: publicEvents,
      admin: publicEvents,
      groupMember: publicEvents,
    });
  });
});
