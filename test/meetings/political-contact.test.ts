import { describe, expect, it } from "vitest";
import { createEvent, createGroup, type EventBody } from "../events/helpers.ts";
import { json, testApp } from "../helpers/app.ts";
import { activeMembers } from "./helpers.ts";

describe("a network's political contact", () => {
  it("creates and manages the network's meetings as a convener does; another member may not", async () => {
    const t = await testApp();
    const [contact, other] = await activeMembers(t, 2);
    const networkId = await createGroup(t, { name: "Climate network", kind: "network", politicalContactId: contact?.id });
    const meeting = await createEvent(t, { kind: "network_meeting", groupId: networkId, visibility: "members" }, contact?.token);
    expect(meeting.groupId).toBe(networkId);
    const moved = await json<EventBody>(
      await t.request("PATCH", `/v1/orgs/${t.org}/events/${meeting.id}`, {
        key: contact?.token,
        body: { title: "Network meeting, moved" },
        headers: { "If-Match": `"${meeting.version}"` },
      }),
      200,
    );
    expect(moved.title).toBe("Network meeting, moved");
    const refused = await t.request("POST", `/v1/orgs/${t.org}/events`, {
      key: other?.token,
      body: {
        title: "x",
        kind: "network_meeting",
        groupId: networkId,
        startsAt: "2026-11-28T17:00:00.000Z",
        endsAt: "2026-11-28T19:00:00.000Z",
        timeZone: "Europe/Stockholm",
        visibility: "members",
      },
    });
    expect(refused.status).toBe(403);
  });
});
