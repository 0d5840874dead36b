import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids.ts";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { queueElectionCall } from "../../src/mailings/automation-planners.ts";
import { testApp } from "../helpers/app.ts";
import { createMailing, tick } from "./helpers.ts";
import { addToGroup, orgIdOf, seedGroup, seedMembers } from "./seed.ts";

describe("recurring and automatic mailings", () => {
  it("sends a recurring mailing on the first of the month at 07:00 (organisation time), once per occurrence", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    await seedMembers(t.database.client, orgId, [{ name: "Ada", email: "ada@example.org" }]);
    const series = await createMailing(t, {
      subject: "Monthly",
      text: "x",
      category: "statutory",
      audience: { type: "all_members" },
      recurrence: "0 7 1 * *",
    });
    const read = (await (await t.request("GET", `/v1/orgs/demo/mailings/${series.id}`)).json()) as {
      nextOccurrenceAt: string;
      status: string;
    };
    // Europe/Stockholm in December is UTC+1.
    expect(read).toMatchObject({ status: "scheduled", nextOccurrenceAt: "2026-12-01T06:00:00.000Z" });

    const mailer = createMemoryMailer();
    await tick(t, "2026-12-01T05:59:00Z", mailer);
    expect(mailer.sent).toHaveLength(0);
    await Promise.all([tick(t, "2026-12-01T06:00:00Z", mailer), tick(t, "2026-12-01T06:00:00Z", mailer)]);
    await tick(t, "2026-12-01T06:00:00Z", mailer);
    await tick(t, "2026-12-01T06:01:00Z", mailer);
    expect(mailer.sent.map((m) => m.subject)).toEqual(["Monthly"]);

    const occurrences = (await (await t.request("GET", "/v1/orgs/demo/mailings?status=sent")).json()) as {
      data: { seriesId: string; sendAt: string }[];
    };
    expect(occurrences.data).toEqual([expect.objectContaining({ seriesId: series.id, sendAt: "2026-12-01T06:00:00.000Z" })]);
    const next = (await (await t.request("GET", `/v1/orgs/demo/mailings/${series.id}`)).json()) as { nextOccurrenceAt: string };
    expect(next.nextOccurrenceAt).toBe("2027-01-01T06:00:00.000Z");

    // Cancelling the series stops the next occurrences.
    await t.request("POST", `/v1/orgs/demo/mailings/${series.id}/cancel`);
    await tick(t, "2027-01-01T06:00:00Z", mailer);
    expect(mailer.sent).toHaveLength(1);
  });

  it("sends the monthly group mailing to the conveners of every active group, with the month's instructions", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    const client = t.database.client;
    const [ada, bo, cai, dan] = await seedMembers(client, orgId, [
      { name: "Ada Convener", email: "ada@example.org" },
      { name: "Bo Convener", email: "bo@example.org" },
      { name: "Cai Member", email: "cai@example.org" },
      { name: "Dan Closed", email: "dan@example.org" },
    ]);
    const north = await seedGroup(client, orgId, { name: "North" });
    const south = await seedGroup(client, orgId, { name: "South" });
    const closed = await seedGroup(client, orgId, { name: "Old", status: "closed" });
    await addToGroup(client, orgId, north, ada ?? "", "convener");
    await addToGroup(client, orgId, south, bo ?? "", "convener");
    await addToGroup(client, orgId, north, cai ?? "", "member");
    await addToGroup(client, orgId, closed, dan ?? "", "convener");
    await client.execute({
      sql: "INSERT INTO campaigns (id, org_id, name, starts_on, ends_on, created_at, updated_at) VALUES (?, ?, 'Winter aid', '2026-12-05', '2026-12-20', 'x', 'x')",
      args: [newId(), orgId],
    });

    const configure = await t.request("PUT", "/v1/orgs/demo/mailing-automations/monthly_group", {
      body: { enabled: true, instructions: "Book the room for January." },
    });
    expect(configure.status, await configure.clone().text()).toBe(200);
    expect(((await configure.json()) as { nextRunAt: string }).nextRunAt).toBe("2026-12-01T06:00:00.000Z");
    const bad = await t.request("PUT", "/v1/orgs/demo/mailing-automations/monthly_group", { body: { text: "{{event.title}}" } });
    expect(bad.status).toBe(422);

    const mailer = createMemoryMailer();
    await tick(t, "2026-12-01T06:00:00Z", mailer);
    await tick(t, "2026-12-01T06:01:00Z", mailer);
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(["Ada Convener <ada@example.org>", "Bo Convener <bo@example.org>"]);
    const ada1 = mailer.sent.find((m) => m.to.includes("ada@"));
    // The month is named in the organisation's locale (sv-SE for the demo organisation).
    expect(ada1?.subject).toBe("Demo organisation: december 2026 för North");
    expect(ada1?.text).toContain("Book the room for January.");
    expect(ada1?.text).toContain("- Winter aid (5 december 2026 – 20 december 2026)");
  });

  it("summons each member to their own group's meeting N days before, once", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    const client = t.database.client;
    const district = await seedGroup(client, orgId, { name: "District 1", kind: "district" });
    const other = await seedGroup(client, orgId, { name: "District 2", kind: "district" });
    await seedMembers(client, orgId, [
      { name: "Ada", email: "ada@example.org", districtGroupId: district },
      { name: "Bo", email: "bo@example.org", districtGroupId: other },
      { name: "Cai", email: "cai@example.org", districtGroupId: district, consentMeetingSummons: false },
    ]);
    await client.execute({
      sql: `INSERT INTO events (id, org_id, title, kind, group_id, starts_at, ends_at, time_zone, visibility, status, exdates, recurring,
              span_start, span_end, registration_mode, registration_scope, requires_active_membership, created_at, updated_at)
            VALUES (?, ?, 'District meeting', 'group_meeting', ?, '2026-12-08T17:00:00.000Z', '2026-12-08T19:00:00.000Z', 'Europe/Stockholm',
              'group', 'scheduled', '[]', 0, '2026-12-08T17:00:00.000Z', '2026-12-08T19:00:00.000Z', 'none', 'event', 0, 'x', 'x')`,
      args: [newId(), orgId, district],
    });
    const configure = await t.request("PUT", "/v1/orgs/demo/mailing-automations/meeting_summons", { body: { enabled: true, leadDays: 7 } });
    expect(configure.status, await configure.clone().text()).toBe(200);

    const mailer = createMemoryMailer();
    await tick(t, "2026-11-30T07:00:00Z", mailer); // 08:00 local, 8 days before: not yet
    expect(mailer.sent).toHaveLength(0);
    await tick(t, "2026-12-01T07:00:00Z", mailer);
    await tick(t, "2026-12-02T07:00:00Z", mailer);
    expect(mailer.sent.map((m) => m.to)).toEqual(["Ada <ada@example.org>"]);
    expect(mailer.sent[0]?.subject).toContain("Kallelse: District meeting");
    expect(mailer.sent[0]?.text).toContain("District 1");
    expect(mailer.sent[0]?.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  });

  it("reminds members of their renewal before expiry and in grace, once per stage", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    await seedMembers(t.database.client, orgId, [
      { name: "Ends soon", email: "soon@example.org", startsOn: "2026-01-01", endsOn: "2026-12-15", graceUntil: "2027-01-14" },
      { name: "Ends later", email: "later@example.org", startsOn: "2026-01-01", endsOn: "2027-06-30", graceUntil: "2027-07-30" },
      { name: "In grace", email: "grace@example.org", startsOn: "2025-11-01", endsOn: "2026-11-10", graceUntil: "2026-12-10" },
    ]);
    expect((await t.request("PUT", "/v1/orgs/demo/mailing-automations/renewal_reminder", { body: { enabled: true } })).status).toBe(200);
    const mailer = createMemoryMailer();
    // 09:00 Stockholm = 08:00 UTC in winter.
    await tick(t, "2026-11-22T08:00:00Z", mailer);
    await tick(t, "2026-11-23T08:00:00Z", mailer);
    await tick(t, "2026-11-24T08:00:00Z", mailer);
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(["Ends soon <soon@example.org>", "In grace <grace@example.org>"]);
    expect(mailer.sent.find((m) => m.to.includes("soon@"))?.text).toContain("upphör (eller upphörde) 15 december 2026");
  });

  it("queues one election call per election and phase, to the recipients the elections module names, through its hook", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    await seedMembers(t.database.client, orgId, [{ name: "Ada", email: "ada@example.org", consentNewsletters: false }]);
    const org = { id: orgId, timeZone: "Europe/Stockholm", locale: "sv-SE" };
    const election = {
      id: "e1",
      title: "Board election",
      phase: "nominations_open" as const,
      opensAt: "2026-11-21",
      closesAt: "2026-12-05",
    };
    const now = new Date("2026-11-21T09:00:00Z");
    const electorate = sql`SELECT id AS member_id FROM members WHERE org_id = ${orgId}`;
    const first = await queueElectionCall(t.db, org, election, electorate, now);
    expect(first).toBeDefined();
    expect(await queueElectionCall(t.db, org, election, electorate, now)).toBeUndefined();
    const mailer = createMemoryMailer();
    await tick(t, "2026-11-21T09:00:00Z", mailer);
    // Statutory: sent whatever the newsletter consent.
    expect(mailer.sent.map((m) => m.subject)).toEqual(["Board election: nomineringen är öppen"]);
  });
});
