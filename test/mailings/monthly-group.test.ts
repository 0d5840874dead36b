import { describe, expect, it } from "vitest";
import { createMemoryMailer, type MailMessage } from "../../src/mail/mailer.ts";
import { type TestApp, testApp } from "../helpers/app.ts";
import { tick } from "./helpers.ts";
import { addToGroup, orgIdOf, seedGroup, seedMembers } from "./seed.ts";

/**
 * The monthly group mailing: every active group gets its own each month, to its conveners
 * (its contact persons when none can be mailed, or all its members if staff choose), listing
 * the coming activities each recipient may see; groups it cannot reach are reported.
 */

async function createEvent(t: TestApp, fields: Record<string, unknown>) {
  const response = await t.request("POST", "/v1/orgs/demo/events", {
    body: { kind: "lecture", timeZone: "Europe/Stockholm", ...fields },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function enableMonthly(t: TestApp, body: Record<string, unknown> = {}) {
  const response = await t.request("PUT", "/v1/orgs/demo/mailing-automations/monthly_group", { body: { enabled: true, ...body } });
  expect(response.status, await response.clone().text()).toBe(200);
}

const december = (day: number) => ({
  startsAt: `2026-12-${String(day).padStart(2, "0")}T17:00:00.000Z`,
  endsAt: `2026-12-${String(day).padStart(2, "0")}T19:00:00.000Z`,
});

/** The month's run (07:00 in Stockholm on the 1st) and the minute after it, when what is left is sent. */
async function runMonth(t: TestApp, runAt: string, mailer = createMemoryMailer()) {
  await tick(t, runAt, mailer);
  await tick(t, new Date(Date.parse(runAt) + 60_000).toISOString(), mailer);
  return mailer;
}

const to = (mail: MailMessage) => /<([^>]+)>/.exec(mail.to)?.[1] ?? mail.to;

describe("the monthly group mailing", () => {
  it("reaches every active group: one who convenes a local group and a network gets each group's mailing", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = await orgIdOf(client);
    const local = await seedGroup(client, orgId, { name: "Local North" });
    const network = await seedGroup(client, orgId, { name: "Climate network", kind: "network" });
    const [ada, bo] = await seedMembers(client, orgId, [
      { name: "Ada Both", email: "ada@example.org" },
      { name: "Bo Network", email: "bo@example.org" },
    ]);
    await addToGroup(client, orgId, local, ada ?? "", "convener");
    await addToGroup(client, orgId, network, ada ?? "", "convener");
    await addToGroup(client, orgId, network, bo ?? "", "convener");
    await enableMonthly(t);

    const mailer = await runMonth(t, "2026-12-01T06:00:00Z");
    const subjects = (address: string) =>
      mailer.sent
        .filter((m) => to(m) === address)
        .map((m) => m.subject)
        .sort();
    expect(subjects("ada@example.org")).toEqual([
      "Demo organisation: december 2026 för Climate network",
      "Demo organisation: december 2026 för Local North",
    ]);
    expect(subjects("bo@example.org")).toEqual(["Demo organisation: december 2026 för Climate network"]);
    expect(mailer.sent).toHaveLength(3);
  });

  it("goes to a group's contact persons when its conveners have lapsed or left, and reports a group it cannot reach", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = await orgIdOf(client);
    const lapsedGroup = await seedGroup(client, orgId, { name: "Lapsed conveners" });
    const leftGroup = await seedGroup(client, orgId, { name: "Convener left" });
    const nobody = await seedGroup(client, orgId, { name: "Nobody at all" });
    const [lapsed, contact, gone, contact2, lapsedOnly] = await seedMembers(client, orgId, [
      { name: "Lapsed Convener", email: "lapsed@example.org", startsOn: "2025-01-01", endsOn: "2025-12-31", graceUntil: "2026-01-30" },
      { name: "Cia Contact", email: "cia@example.org" },
      { name: "Gone Convener", email: "gone@example.org" },
      { name: "Dan Contact", email: "dan@example.org" },
      { name: "Also Lapsed", email: "also@example.org", startsOn: "2025-01-01", endsOn: "2025-12-31", graceUntil: "2026-01-30" },
    ]);
    await addToGroup(client, orgId, lapsedGroup, lapsed ?? "", "convener");
    await addToGroup(client, orgId, lapsedGroup, contact ?? "", "contact_person");
    await addToGroup(client, orgId, leftGroup, gone ?? "", "convener");
    await client.execute({ sql: "UPDATE group_memberships SET left_on = '2026-06-01' WHERE member_id = ?", args: [gone ?? ""] });
    await addToGroup(client, orgId, leftGroup, contact2 ?? "", "contact_person");
    await addToGroup(client, orgId, nobody, lapsedOnly ?? "", "convener");
    await enableMonthly(t);

    const mailer = await runMonth(t, "2026-12-01T06:00:00Z");
    expect(mailer.sent.map((m) => `${to(m)}: ${m.subject}`).sort()).toEqual([
      "cia@example.org: Demo organisation: december 2026 för Lapsed conveners",
      "dan@example.org: Demo organisation: december 2026 för Convener left",
    ]);

    const response = await t.request("GET", "/v1/orgs/demo/mailing-automations/monthly_group/report");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      runAt: "2026-12-01T06:00:00.000Z",
      mailings: 2,
      groupsReached: 2,
      unreached: [{ groupId: nobody, name: "Nobody at all", reason: "no_recipients" }],
    });
    const earlier = await t.request("GET", "/v1/orgs/demo/mailing-automations/monthly_group/report?runAt=2026-11-01T06:00:00Z");
    expect(await earlier.json()).toEqual({ runAt: "2026-11-01T06:00:00.000Z", mailings: 0, groupsReached: 0, unreached: [] });
    const bad = await t.request("GET", "/v1/orgs/demo/mailing-automations/monthly_group/report?runAt=last-month");
    expect(bad.status).toBe(422);
    expect(bad.headers.get("Content-Type")).toContain("application/problem+json");
  });

  it("lists the coming activities each recipient may see: public ones without registration and campaign activities, never another group's closed meeting", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = await orgIdOf(client);
    const north = await seedGroup(client, orgId, { name: "North" });
    const south = await seedGroup(client, orgId, { name: "South" });
    const [ada, bo] = await seedMembers(client, orgId, [
      { name: "Ada North", email: "ada@example.org" },
      { name: "Bo South", email: "bo@example.org" },
    ]);
    await addToGroup(client, orgId, north, ada ?? "", "convener");
    await addToGroup(client, orgId, south, bo ?? "", "convener");
    const campaign = await t.request("POST", "/v1/orgs/demo/campaigns", {
      body: { name: "Winter doors", startsOn: "2026-12-01", endsOn: "2027-01-31" },
    });
    expect(campaign.status, await campaign.clone().text()).toBe(201);
    const campaignId = ((await campaign.json()) as { id: string }).id;
    await createEvent(t, { title: "Open street stall", visibility: "public", ...december(3) });
    await createEvent(t, { title: "Door knocking", kind: "campaign_activity", campaignId, visibility: "members", ...december(4) });
    await createEvent(t, { title: "North's closed meeting", kind: "group_meeting", groupId: north, visibility: "group", ...december(5) });
    await createEvent(t, { title: "South's closed meeting", kind: "group_meeting", groupId: south, visibility: "group", ...december(6) });
    await enableMonthly(t);

    const mailer = await runMonth(t, "2026-12-01T06:00:00Z");
    const listed = (address: string) => {
      const mails = mailer.sent.filter((m) => to(m) === address);
      expect(mails).toHaveLength(1);
      const titles = ["Open street stall", "Door knocking", "North's closed meeting", "South's closed meeting"];
      return titles.filter((title) => mails[0]?.text.includes(` ${title}\n`));
    };
    expect(listed("ada@example.org")).toEqual(["Open street stall", "Door knocking", "North's closed meeting"]);
    expect(listed("bo@example.org")).toEqual(["Open street stall", "Door knocking", "South's closed meeting"]);
    expect(mailer.sent[0]?.text).toContain("- Winter doors (1 december 2026 – 31 januari 2027)");
  });

  it("goes to every member of every group when staff choose, from the one automation", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = await orgIdOf(client);
    const north = await seedGroup(client, orgId, { name: "North", kind: "district" });
    const network = await seedGroup(client, orgId, { name: "Network", kind: "network" });
    const [ada, bo] = await seedMembers(client, orgId, [
      { name: "Ada Convener", email: "ada@example.org" },
      { name: "Bo Member", email: "bo@example.org" },
      { name: "Cai District", email: "cai@example.org", districtGroupId: north },
      {
        name: "Lapsed",
        email: "lapsed@example.org",
        startsOn: "2025-01-01",
        endsOn: "2025-12-31",
        graceUntil: "2026-01-30",
        districtGroupId: north,
      },
    ]);
    await addToGroup(client, orgId, north, ada ?? "", "convener");
    await addToGroup(client, orgId, network, bo ?? "", "member");
    const refused = await t.request("PUT", "/v1/orgs/demo/mailing-automations/event_reminder", { body: { recipients: "members" } });
    expect(refused.status).toBe(422);
    await enableMonthly(t, { recipients: "members" });

    const mailer = await runMonth(t, "2026-12-01T06:00:00Z");
    expect(mailer.sent.map((m) => `${to(m)}: ${m.subject}`).sort()).toEqual([
      "ada@example.org: Demo organisation: december 2026 för North",
      "bo@example.org: Demo organisation: december 2026 för Network",
      "cai@example.org: Demo organisation: december 2026 för North",
    ]);
    const automations = await t.request("GET", "/v1/orgs/demo/mailing-automations");
    const mailings = await t.request("GET", "/v1/orgs/demo/mailings?kind=monthly_group");
    expect(((await automations.json()) as { data: { kind: string; recipients: string }[] }).data[0]).toMatchObject({
      kind: "monthly_group",
      recipients: "members",
    });
    expect(((await mailings.json()) as { data: unknown[] }).data).toHaveLength(2);
  });

  it("reaches a movement's local groups and networks every month for four months, each exactly once, with only the activities each may see", async () => {
    // 24 local groups and 3 networks stand for the movement's 190 groups: the planner treats every group alike.
    const t = await testApp();
    const client = t.database.client;
    const orgId = await orgIdOf(client);
    const groups = [
      ...Array.from({ length: 24 }, (_, i) => ({ name: `Local ${String(i + 1).padStart(2, "0")}`, kind: "local" })),
      ...["Climate", "Housing", "Youth"].map((name) => ({ name: `${name} network`, kind: "network" })),
    ];
    const ids = [];
    for (const group of groups) ids.push(await seedGroup(client, orgId, group));
    const conveners = await seedMembers(
      client,
      orgId,
      groups.map((_, i) => ({
        name: `Convener ${i + 1}`,
        email: `convener${i + 1}@example.org`,
        endsOn: "2027-12-31",
        graceUntil: "2028-01-30",
      })),
    );
    for (const [i, id] of ids.entries()) await addToGroup(client, orgId, id, conveners[i] ?? "", "convener");
    // The first local group's convener also convenes the first network.
    await addToGroup(client, orgId, ids[24] ?? "", conveners[0] ?? "", "convener");
    // Every group meets monthly behind `group` visibility; one public lecture a month, no registration.
    for (const [i, id] of ids.entries()) {
      const day = String(8 + (i % 10)).padStart(2, "0");
      await createEvent(t, {
        title: `Meeting of ${groups[i]?.name}`,
        kind: i < 24 ? "group_meeting" : "network_meeting",
        groupId: id,
        visibility: "group",
        startsAt: `2026-12-${day}T17:00:00.000Z`,
        endsAt: `2026-12-${day}T19:00:00.000Z`,
        recurrence: { rrule: "FREQ=MONTHLY;COUNT=6" },
      });
    }
    await createEvent(t, {
      title: "Public lecture",
      visibility: "public",
      startsAt: "2026-12-20T17:00:00.000Z",
      endsAt: "2026-12-20T19:00:00.000Z",
      recurrence: { rrule: "FREQ=MONTHLY;COUNT=6" },
    });
    await enableMonthly(t, { leadDays: 30 });

    const mailer = createMemoryMailer();
    const runs = ["2026-12-01T06:00:00Z", "2027-01-01T06:00:00Z", "2027-02-01T06:00:00Z", "2027-03-01T06:00:00Z"];
    for (const runAt of runs) {
      const before = mailer.sent.length;
      // A second trigger at the same minute (two ticks overlapping) sends nobody anything twice.
      await tick(t, runAt, mailer);
      await runMonth(t, runAt, mailer);
      const month = mailer.sent.slice(before);
      const pairs = month.map((m) => `${to(m)} ${m.subject.replace(/^.* för /, "")}`);
      expect(new Set(pairs).size, `${runAt}: nobody twice`).toBe(pairs.length);
      expect(pairs.sort()).toEqual(
        [...groups.map((g, i) => `convener${i + 1}@example.org ${g.name}`), "convener1@example.org Climate network"].sort(),
      );
      for (const mail of month) {
        const group = mail.subject.replace(/^.* för /, "");
        const meetings = [...mail.text.matchAll(/Meeting of ([^\n]+)/g)].map((match) => match[1]);
        const own = to(mail) === "convener1@example.org" ? ["Local 01", "Climate network"] : [group];
        expect(meetings.sort(), `${runAt}: ${to(mail)} for ${group}`).toEqual(own.sort());
        expect(mail.text).toContain("Public lecture");
      }
      const report = await t.request("GET", `/v1/orgs/demo/mailing-automations/monthly_group/report?runAt=${runAt}`);
      expect(await report.json()).toMatchObject({ groupsReached: 27, unreached: [] });
    }
    expect(mailer.sent).toHaveLength(4 * 28);
  });
});
