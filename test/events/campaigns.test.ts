import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { createMember, memberToken } from "../helpers/members.ts";
import { allPages, createEvent, type EventBody, type RegistrationBody, register } from "./helpers.ts";

interface Campaign {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  materials: { title: string; url: string }[];
  version: number;
}

const summer = {
  name: "Summer campaign",
  description: "Doors and stalls all summer.",
  focus: "Housing",
  startsOn: "2026-12-01",
  endsOn: "2027-01-31",
  materials: [{ title: "Flyer", url: "https://example.org/flyer.pdf" }],
};

describe("campaigns", () => {
  it("are created by staff, read by keys and members, and updated with If-Match", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs/demo/campaigns", { body: summer });
    const campaign = await json<Campaign>(response, 201);
    expect(response.headers.get("Location")).toBe(`/v1/orgs/demo/campaigns/${campaign.id}`);
    expect(campaign).toMatchObject({ name: "Summer campaign", materials: summer.materials, version: 1 });
    const member = await memberToken(t, await createMember(t));
    expect((await t.request("GET", `/v1/orgs/demo/campaigns/${campaign.id}`, { key: member })).status).toBe(200);
    expect((await t.request("GET", "/v1/orgs/demo/campaigns", { key: null })).status).toBe(401);
    expect((await t.request("POST", "/v1/orgs/demo/campaigns", { key: member, body: summer })).status).toBe(403);
    const updated = await t.request("PATCH", `/v1/orgs/demo/campaigns/${campaign.id}`, {
      body: { focus: "Rents" },
      headers: { "If-Match": '"1"' },
    });
    expect((await json<Campaign>(updated, 200)).version).toBe(2);
    expect(
      (await t.request("PATCH", `/v1/orgs/demo/campaigns/${campaign.id}`, { body: { focus: "x" }, headers: { "If-Match": '"1"' } })).status,
    ).toBe(412);
    const list = await json<{ data: Campaign[] }>(await t.request("GET", "/v1/orgs/demo/campaigns"), 200);
    expect(list.data.map((c) => c.id)).toEqual([campaign.id]);
  });

  it("refuses a period that ends before it starts, and material that is not a link (422)", async () => {
    const t = await testApp();
    for (const [body, field] of [
      [{ ...summer, endsOn: "2026-11-30" }, "body.endsOn"],
      [{ ...summer, startsOn: "2026-02-30" }, "body.startsOn"],
      [{ ...summer, materials: [{ title: "Flyer", url: "ftp://example.org/x" }] }, "body.materials.0.url"],
    ] as const) {
      const response = await t.request("POST", "/v1/orgs/demo/campaigns", { body });
      expect(response.status).toBe(422);
      expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
    }
  });

  it("has a calendar (its period by default) and figures: events, occurrences, registrations, attendance", async () => {
    const t = await testApp();
    const campaign = await json<Campaign>(await t.request("POST", "/v1/orgs/demo/campaigns", { body: summer }), 201);
    const weekly = await createEvent(t, {
      title: "Door knocking",
      kind: "campaign_activity",
      campaignId: campaign.id,
      startsAt: "2026-12-05T10:00:00Z",
      endsAt: "2026-12-05T13:00:00Z",
      recurrence: { rrule: "FREQ=WEEKLY;COUNT=6" },
    });
    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${weekly.id}/occurrences/2026-12-26T10:00:00Z`, { body: { status: "cancelled" } }),
      200,
    );
    const training = await createEvent(t, {
      title: "Canvassing training",
      kind: "training",
      campaignId: campaign.id,
      registration: { mode: "open", capacity: 2, requiresActiveMembership: false },
    });
    await createEvent(t, { title: "Unrelated", startsAt: "2026-12-10T17:00:00Z", endsAt: "2026-12-10T18:00:00Z" });

    const calendar = await allPages(t, `/v1/orgs/demo/campaigns/${campaign.id}/events`);
    expect(calendar.map((o) => o.title)).toEqual(Array(6).fill("Door knocking"));
    expect((await t.request("GET", `/v1/orgs/demo/campaigns/${campaign.id}/events?from=2026-11-01T00:00:00Z`)).status).toBe(422);
    const wider = await allPages(t, `/v1/orgs/demo/campaigns/${campaign.id}/events?from=2026-11-21T00:00:00Z&to=2027-02-01T00:00:00Z`);
    expect(wider.map((o) => o.title)).toContain("Canvassing training");

    const people = [await createMember(t), await createMember(t), await createMember(t)];
    const regs: RegistrationBody[] = [];
    for (const memberId of people) regs.push(await json<RegistrationBody>(await register(t, training.id, { memberId }), 201));
    t.clock.set("2026-11-28T18:00:00Z");
    await json(
      await t.request("PATCH", `/v1/orgs/demo/events/${training.id}/registrations/${regs[0]?.id}`, { body: { status: "attended" } }),
      200,
    );
    await json(
      await t.request("PATCH", `/v1/orgs/demo/events/${training.id}/registrations/${regs[1]?.id}`, { body: { status: "no_show" } }),
      200,
    );

    const figures = await json<Record<string, unknown>>(await t.request("GET", `/v1/orgs/demo/campaigns/${campaign.id}/figures`), 200);
    expect(figures).toEqual({
      campaignId: campaign.id,
      period: { from: "2026-11-30T23:00:00.000Z", to: "2027-01-31T23:00:00.000Z" },
      events: { total: 2, cancelled: 0, byKind: { campaign_activity: 1, training: 1 } },
      // The training (28 November) lies before the period; the six Saturdays within it, one cancelled.
      occurrences: { scheduled: 5, cancelled: 1 },
      registrations: { applied: 0, accepted: 0, waitlisted: 1, declined: 0, cancelled: 0, attended: 1, noShow: 1 },
      attendance: { attended: 1, noShow: 1, rate: 0.5 },
    });
    expect(
      (await t.request("GET", `/v1/orgs/demo/campaigns/${campaign.id}/figures`, { key: await memberToken(t, people[0] as string) })).status,
    ).toBe(403);
  });

  it("can be deleted; its events stay, without a campaign", async () => {
    const t = await testApp();
    const campaign = await json<Campaign>(await t.request("POST", "/v1/orgs/demo/campaigns", { body: summer }), 201);
    const event = await createEvent(t, { campaignId: campaign.id });
    expect((await t.request("DELETE", `/v1/orgs/demo/campaigns/${campaign.id}`)).status).toBe(204);
    expect((await t.request("GET", `/v1/orgs/demo/campaigns/${campaign.id}`)).status).toBe(404);
    expect((await json<EventBody>(await t.request("GET", `/v1/orgs/demo/events/${event.id}`), 200)).campaignId).toBeNull();
  });
});
