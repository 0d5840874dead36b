import { describe, expect, it } from "vitest";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { type TestApp, testApp } from "../helpers/app.ts";
import { tick } from "./helpers.ts";
import { addToGroup, orgIdOf, seedGroup, seedMembers } from "./seed.ts";

/**
 * Mailings that name events tell each recipient only of what they may see, by the same rule
 * as GET /events: a group's closed (`group`) meeting is news to that group's members alone.
 */

async function createEvent(t: TestApp, fields: Record<string, unknown>) {
  const response = await t.request("POST", "/v1/orgs/demo/events", {
    body: { kind: "lecture", timeZone: "Europe/Stockholm", registration: { mode: "open" }, ...fields },
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

const december = (day: number) => ({
  startsAt: `2026-12-${String(day).padStart(2, "0")}T17:00:00.000Z`,
  endsAt: `2026-12-${String(day).padStart(2, "0")}T19:00:00.000Z`,
});

describe("mailings that name events", () => {
  it("lists in each convener's monthly mailing only the coming events that convener may see", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = await orgIdOf(client);
    const north = await seedGroup(client, orgId, { name: "North" });
    const south = await seedGroup(client, orgId, { name: "South" });
    const [ada, bo, cai] = await seedMembers(client, orgId, [
      { name: "Ada North", email: "ada@example.org" },
      { name: "Bo South", email: "bo@example.org" },
      { name: "Cai Both", email: "cai@example.org" },
    ]);
    await addToGroup(client, orgId, north, ada ?? "", "convener");
    await addToGroup(client, orgId, south, bo ?? "", "convener");
    // Cai convenes South and is an ordinary member of North: North's closed meeting is for Cai too.
    await addToGroup(client, orgId, south, cai ?? "", "convener");
    await addToGroup(client, orgId, north, cai ?? "", "member");
    await createEvent(t, { title: "Public lecture", visibility: "public", ...december(3) });
    await createEvent(t, { title: "Members' lecture", visibility: "members", ...december(4) });
    await createEvent(t, { title: "North's closed meeting", kind: "group_meeting", visibility: "group", groupId: north, ...december(5) });
    await createEvent(t, { title: "South's closed meeting", kind: "group_meeting", visibility: "group", groupId: south, ...december(6) });
    const configure = await t.request("PUT", "/v1/orgs/demo/mailing-automations/monthly_group", { body: { enabled: true } });
    expect(configure.status, await configure.clone().text()).toBe(200);

    const mailer = createMemoryMailer();
    await Promise.all([tick(t, "2026-12-01T06:00:00Z", mailer), tick(t, "2026-12-01T06:00:00Z", mailer)]);
    await tick(t, "2026-12-01T06:01:00Z", mailer);
    const listed = (address: string) => {
      const mails = mailer.sent.filter((m) => m.to.includes(address));
      expect(mails, `${address} gets the month's mailing once`).toHaveLength(1);
      const titles = ["Public lecture", "Members' lecture", "North's closed meeting", "South's closed meeting"];
      return titles.filter((title) => mails[0]?.text.includes(`${title}\n`));
    };
    expect(listed("ada@")).toEqual(["Public lecture", "Members' lecture", "North's closed meeting"]);
    expect(listed("bo@")).toEqual(["Public lecture", "Members' lecture", "South's closed meeting"]);
    expect(listed("cai@")).toEqual(["Public lecture", "Members' lecture", "North's closed meeting", "South's closed meeting"]);
    expect(mailer.sent).toHaveLength(3);
    expect(mailer.sent.find((m) => m.to.includes("ada@"))?.subject).toBe("Demo organisation: december 2026 för North");
  });

  it("announces a training only its group may see to that group's members, and an open one to all members", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = await orgIdOf(client);
    const north = await seedGroup(client, orgId, { name: "North" });
    const [ada] = await seedMembers(client, orgId, [
      { name: "Ada North", email: "ada@example.org" },
      { name: "Bo Elsewhere", email: "bo@example.org" },
      { name: "Lapsed", email: "lapsed@example.org", startsOn: "2025-01-01", endsOn: "2025-12-31", graceUntil: "2026-01-30" },
    ]);
    await addToGroup(client, orgId, north, ada ?? "");
    await createEvent(t, { title: "North's own training", kind: "training", visibility: "group", groupId: north, ...december(10) });
    await createEvent(t, { title: "Training for everyone", kind: "training", visibility: "members", ...december(11) });
    const configure = await t.request("PUT", "/v1/orgs/demo/mailing-automations/training_announcement", { body: { enabled: true } });
    expect(configure.status, await configure.clone().text()).toBe(200);

    const mailer = createMemoryMailer();
    // Monday 2026-11-23, 08:00 in Stockholm.
    await tick(t, "2026-11-23T07:00:00Z", mailer);
    await tick(t, "2026-11-23T07:01:00Z", mailer);
    const to = (subject: string) =>
      mailer.sent
        .filter((m) => m.subject === subject)
        .map((m) => m.to)
        .sort();
    expect(to("Utbildning: North's own training")).toEqual(["Ada North <ada@example.org>"]);
    expect(to("Utbildning: Training for everyone")).toEqual(["Ada North <ada@example.org>", "Bo Elsewhere <bo@example.org>"]);
  });
});
