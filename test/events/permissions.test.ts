import { describe, it } from "vitest";
import type { TestApp } from "../helpers/app.ts";
import { json } from "../helpers/app.ts";
import { type Cast, castOfCallers, expectReachable, expectSeen, idsOfPage, type Labels } from "../helpers/permission-matrix.ts";
import { createEvent, range, register } from "./helpers.ts";

/**
 * Which events each kind of caller finds in every list and read of events: what is in the
 * body, and what is not. The rule: keys see everything; everyone sees public events; members
 * in good standing (current or in grace) also members' events and their own groups' `group`
 * events; lapsed members and contacts without a membership see what the public sees; and a
 * member sees what they are registered for.
 */

const week = range("2026-11-21T00:00:00Z", "2026-11-28T23:59:59Z");

async function world() {
  const cast = await castOfCallers();
  const { t, group, otherGroup } = cast;
  const campaign = await json<{ id: string }>(
    await t.request("POST", "/v1/orgs/demo/campaigns", { body: { name: "Autumn", startsOn: "2026-11-01", endsOn: "2026-12-31" } }),
    201,
  );
  const event = async (label: string, fields: Record<string, unknown>) =>
    [(await createEvent(t, { title: label, campaignId: campaign.id, ...fields })).id, label] as const;
  const labels: Labels = Object.fromEntries([
    await event("public", { visibility: "public" }),
    await event("members", { visibility: "members" }),
    await event("group", { visibility: "group", groupId: group }),
    await event("other group", { visibility: "group", groupId: otherGroup }),
    // Staff registered two members for another group's closed event: they see it.
    await event("registered", { visibility: "group", groupId: otherGroup, registration: { mode: "open" } }),
  ]);
  const registered = Object.keys(labels).find((id) => labels[id] === "registered") as string;
  for (const memberId of [cast.members.groupMember, cast.members.noneMember]) {
    await json(await register(t, registered, { memberId }), 201);
  }
  return { cast, t, labels, campaign: campaign.id };
}

const all = ["public", "members", "group", "other group", "registered"];
/** What each member kind sees of the world's events; keys see `all`. */
const membersSee = {
  convener: ["public", "members", "group"],
  groupMember: ["public", "members", "group", "registered"],
  otherMember: ["public", "members", "other group", "registered"],
  graceMember: ["public", "members", "group"],
  lapsedMember: ["public"],
  noneMember: ["public", "registered"],
};

const eachEvent = (t: TestApp, labels: Labels, path: (id: string) => string) =>
  Object.fromEntries(Object.entries(labels).map(([id, label]) => [label, (key: string | null) => t.request("GET", path(id), { key })]));

async function expectList(cast: Cast, labels: Labels, path: string, anonymous: readonly string[] | number) {
  await expectSeen(cast, labels, (key) => cast.t.request("GET", path, { key }), idsOfPage(), {
    anonymous,
    readonly: all,
    staff: all,
    admin: all,
    otherOrgAdmin: 404,
    ...membersSee,
  });
}

describe("who sees which events", () => {
  it("lists each caller exactly the events it may see (GET /events)", async () => {
    const { cast, labels } = await world();
    await expectList(cast, labels, `/v1/orgs/demo/events?${week}`, ["public"]);
  });

  it("answers each caller's read of an event it may not see with 404 (GET /events/{id})", async () => {
    const { cast, t, labels } = await world();
    await expectReachable(
      cast,
      eachEvent(t, labels, (id) => `/v1/orgs/demo/events/${id}`),
      { anonymous: ["public"], readonly: all, staff: all, admin: all, otherOrgAdmin: 404, ...membersSee },
    );
  });

  it("lists the occurrences of an event only to those who may see it", async () => {
    const { cast, t, labels } = await world();
    await expectReachable(
      cast,
      eachEvent(t, labels, (id) => `/v1/orgs/demo/events/${id}/occurrences?${week}`),
      { anonymous: ["public"], readonly: all, staff: all, admin: all, otherOrgAdmin: 404, ...membersSee },
    );
  });

  it("lists a campaign's events by the same rule (GET /campaigns/{id}/events)", async () => {
    const { cast, labels, campaign } = await world();
    await expectList(cast, labels, `/v1/orgs/demo/campaigns/${campaign}/events`, 401);
  });

  it("follows each member's standing on the day: when the grace ends and when a lapsed membership is renewed", async () => {
    const { cast, t, labels } = await world();
    // The grace member's grace (a year after 2025) ends on 2026-12-31.
    t.clock.set("2027-01-01T12:00:00.000Z");
    const nextWeek = range("2026-11-21T00:00:00Z", "2027-01-08T00:00:00Z");
    await expectSeen(cast, labels, (key) => t.request("GET", `/v1/orgs/demo/events?${nextWeek}`, { key }), idsOfPage(), {
      graceMember: ["public"],
    });
    const type = await json<{ data: { id: string; name: string }[] }>(await t.request("GET", "/v1/orgs/demo/membership-types"), 200);
    const typeId = type.data.find((row) => row.name === "Member")?.id;
    await json(
      await t.request("POST", `/v1/orgs/demo/members/${cast.members.lapsedMember}/memberships`, {
        body: { typeId, startsOn: "2027-01-01" },
      }),
      201,
    );
    await expectSeen(cast, labels, (key) => t.request("GET", `/v1/orgs/demo/events?${nextWeek}`, { key }), idsOfPage(), {
      lapsedMember: ["public", "members", "group"],
    });
  });
});
