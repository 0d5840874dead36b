import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { createActiveMember, createMember, memberToken } from "../helpers/members.ts";
import { recordStatements } from "../helpers/statements.ts";
import { addToGroup, createAction, createCampaign, createGroup } from "./helpers.ts";

const zero = {
  membersAtYearEnd: 0,
  activeMembersAtYearEnd: 0,
  meetingsHeld: 0,
  meetingAttendance: 0,
  actionReports: 0,
  letters: 0,
  signatures: 0,
  politicianMeetings: 0,
  streetActivities: 0,
  reach: 0,
  recruited: 0,
  newMembers: 0,
  newSupporters: 0,
  stillMembersAfterAYear: 0,
  trainingsAttended: 0,
  money: [],
};

/** The figures of a group's line, without what names the group. */
const figuresOf = ({ groupId: _, name: __, kind: ___, status: ____, ...figures }: Record<string, unknown>) => figures;

describe("the group's year in figures", () => {
  it("counts members, meetings and attendance, actions, recruitment, money and trainings of the year, per group and in all", async () => {
    const t = await testApp();
    const org = `/v1/orgs/${t.org}`;
    const group = await createGroup(t, "Alpha");
    const other = await createGroup(t, "Beta");
    const convener = await createActiveMember(t);
    const member = await createActiveMember(t);
    const leaver = await createActiveMember(t);
    await addToGroup(t, group, convener, "convener");
    await addToGroup(t, group, member);
    await addToGroup(t, group, leaver);
    expect((await t.request("DELETE", `${org}/groups/${group}/members/${leaver}`)).status).toBe(204);
    await addToGroup(t, other, leaver);

    // Meetings and a training, registered for now and attended after they took place.
    const event = async (fields: Record<string, unknown>) =>
      json<{ id: string }>(
        await t.request("POST", `${org}/events`, {
          body: {
            title: "Meeting",
            kind: "group_meeting",
            startsAt: "2026-11-28T17:00:00.000Z",
            endsAt: "2026-11-28T19:00:00.000Z",
            timeZone: "Europe/Stockholm",
            visibility: "public",
            registration: { mode: "open" },
            ...fields,
          },
        }),
        201,
      );
    const meeting = await event({ groupId: group });
    const cancelled = await event({ groupId: group, startsAt: "2026-11-24T17:00:00.000Z", endsAt: "2026-11-24T19:00:00.000Z" });
    await event({ groupId: group, startsAt: "2027-01-10T17:00:00.000Z", endsAt: "2027-01-10T19:00:00.000Z" });
    const training = await event({
      kind: "training",
      title: "Training",
      startsAt: "2026-11-25T17:00:00.000Z",
      endsAt: "2026-11-25T19:00:00.000Z",
    });
    const registrations: [string, string][] = [];
    for (const [eventId, memberId] of [
      [meeting.id, convener],
      [meeting.id, member],
      [training.id, convener],
      [training.id, leaver],
    ] as const) {
      const registration = await json<{ id: string }>(
        await t.request("POST", `${org}/events/${eventId}/registrations`, { body: { memberId } }),
        201,
      );
      registrations.push([eventId, registration.id]);
    }
    await json(await t.request("PATCH", `${org}/events/${cancelled.id}`, { body: { status: "cancelled" } }), 200);

    // What the group did, whom it recruited, its money.
    const campaign = await createCampaign(t);
    const action = await createAction(t, campaign);
    await json(
      await t.request("POST", `${org}/groups/${group}/action-reports`, {
        body: { actionId: action, kind: "letters", quantity: 10, doneOn: "2026-11-20" },
      }),
      201,
    );
    await json(
      await t.request("POST", `${org}/groups/${group}/action-reports`, {
        body: { actionId: action, kind: "street_activity", quantity: 1, reach: 300, doneOn: "2026-11-21" },
      }),
      201,
    );
    await json(
      await t.request("PUT", `${org}/members/${member}/recruitment`, {
        body: { groupId: group, source: "staff", recruitedOn: "2026-03-01" },
      }),
      201,
    );
    const contact = await createMember(t);
    await json(
      await t.request("PUT", `${org}/members/${contact}/recruitment`, {
        body: { groupId: other, source: "signup_form", recruitedOn: "2025-12-31" },
      }),
      201,
    );
    const income = (amount: number, receivedOn: string) =>
      t.request("POST", `${org}/groups/${group}/income`, { body: { amount, currency: "SEK", receivedOn, source: "street_collection" } });
    await json(await income(100.5, "2026-11-01"), 201);
    await json(await income(70, "2025-11-01"), 201);
    const grant = await json<{ id: string }>(
      await t.request("POST", `${org}/groups/${group}/grants`, { body: { amount: 500, currency: "SEK", purpose: "Stand" } }),
      201,
    );
    await json(await t.request("PATCH", `${org}/groups/${group}/grants/${grant.id}`, { body: { status: "granted" } }), 200);
    await json(await t.request("PATCH", `${org}/groups/${group}/grants/${grant.id}`, { body: { status: "paid" } }), 200);
    await json(
      await t.request("POST", `${org}/groups/${group}/expenses`, {
        body: { amount: 20, currency: "SEK", spentOn: "2026-11-02", description: "Tape" },
      }),
      201,
    );

    t.clock.set("2026-11-29T10:00:00.000Z");
    for (const [eventId, id] of registrations)
      await json(await t.request("PATCH", `${org}/events/${eventId}/registrations/${id}`, { body: { status: "attended" } }), 200);

    const alpha = {
      ...zero,
      groupId: group,
      name: "Alpha",
      kind: "local",
      status: "active",
      membersAtYearEnd: 2,
      activeMembersAtYearEnd: 2,
      meetingsHeld: 1,
      meetingAttendance: 2,
      actionReports: 2,
      letters: 10,
      streetActivities: 1,
      reach: 300,
      recruited: 1,
      newMembers: 1,
      trainingsAttended: 1,
      money: [{ currency: "SEK", raisedMinor: 10050, grantedMinor: 50000, paidMinor: 50000, expensesMinor: 2000, balanceMinor: 58050 }],
    };
    const beta = {
      ...zero,
      groupId: other,
      name: "Beta",
      kind: "local",
      status: "active",
      membersAtYearEnd: 1,
      activeMembersAtYearEnd: 1,
      trainingsAttended: 1,
    };
    expect(await json(await t.request("GET", `${org}/groups/${group}/report?year=2026`), 200)).toEqual({ year: 2026, ...alpha });
    const section = await json(await t.request("GET", `${org}/reports/groups?year=2026`), 200);
    expect(section).toEqual({
      year: 2026,
      groups: [alpha, beta],
      totals: { ...figuresOf(alpha), membersAtYearEnd: 3, activeMembersAtYearEnd: 3, trainingsAttended: 2 },
    });
    // Figures over every group are long reads, on a thread of their own, off the event loop:
    // the app's own connection reads the groups, and none of the figures.
    const onTheLoop = recordStatements(t);
    await json(await t.request("GET", `${org}/reports/groups?year=2026`), 200);
    expect(onTheLoop.some(({ sql }) => sql.includes('from "groups"'))).toBe(true);
    expect(onTheLoop.filter(({ sql }) => /year_end|AS held|AS recruited|AS appliedMinor/.test(sql))).toEqual([]);
    const year2025 = await json<{ groups: { recruited: number; money: unknown[] }[] }>(
      await t.request("GET", `${org}/reports/groups?year=2025`),
      200,
    );
    expect(year2025.groups.map((g) => [g.recruited, g.money.length])).toEqual([
      [0, 1],
      [1, 0],
    ]);

    const csv = await t.request("GET", `${org}/reports/groups.csv?year=2026`);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain("group_id,group,kind,status,members_at_year_end,");
    expect(lines[0]).toContain(",raised_SEK,granted_SEK,paid_SEK,expenses_SEK,balance_SEK");
    expect(lines[1]).toBe(`${group},Alpha,local,active,2,2,1,2,2,10,0,0,1,300,1,1,0,0,1,100.50,500.00,500.00,20.00,580.50`);
    expect(lines[3]).toBe(",Total,,,3,3,1,2,2,10,0,0,1,300,1,1,0,0,2,100.50,500.00,500.00,20.00,580.50");
    const groupCsv = await (await t.request("GET", `${org}/groups/${group}/report.csv?year=2026`)).text();
    expect(groupCsv.trim().split("\r\n")[1]).toBe(lines[1]);

    // The group's members read its report; a member of another group and members asking for the section's are refused.
    expect((await t.request("GET", `${org}/groups/${group}/report?year=2026`, { key: await memberToken(t, member) })).status).toBe(200);
    expect((await t.request("GET", `${org}/groups/${group}/report?year=2026`, { key: await memberToken(t, leaver) })).status).toBe(403);
    expect(
      (await problemOf(await t.request("GET", `${org}/reports/groups?year=2026`, { key: await memberToken(t, convener) }))).status,
    ).toBe(403);
    expect((await problemOf(await t.request("GET", `${org}/reports/groups?year=20x6`))).errors?.[0]?.field).toBe("query.year");
  });
});

describe("a district group's year", () => {
  it("counts the members its areas assign at year end, and a convener on its roster once", async () => {
    const t = await testApp();
    const org = `/v1/orgs/${t.org}`;
    const area = await json<{ id: string }>(
      await t.request("POST", `${org}/areas`, { body: { name: "North", code: "N", postalCodes: ["11455"] } }),
      201,
    );
    const district = await json<{ id: string }>(
      await t.request("POST", `${org}/groups`, { body: { name: "North district", kind: "district", areaIds: [area.id] } }),
      201,
    );
    const convener = await createActiveMember(t, { postalCode: "11455" });
    await createActiveMember(t, { postalCode: "11455" });
    await createMember(t, { postalCode: "11455" }); // no membership: a member of the district, not an active one
    await createActiveMember(t, { postalCode: "99999" }); // lives elsewhere
    await addToGroup(t, district.id, convener, "convener");
    const report = await json(await t.request("GET", `${org}/groups/${district.id}/report?year=2026`), 200);
    expect(report).toMatchObject({ membersAtYearEnd: 3, activeMembersAtYearEnd: 2 });
    const section = await json<{ groups: { groupId: string; membersAtYearEnd: number }[] }>(
      await t.request("GET", `${org}/reports/groups?year=2026`),
      200,
    );
    expect(section.groups.find((g) => g.groupId === district.id)?.membersAtYearEnd).toBe(3);
  });
});
