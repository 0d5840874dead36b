import { describe, expect, it } from "vitest";
import { json, type TestApp, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";

/**
 * A year of a section with 190 local groups, all through the API: two actions of a campaign
 * with letters from 120 groups (some written by members themselves) and signatures, 300
 * recruits attributed to their groups, grants applied for, decided and paid, street
 * collections; and the section's report for the year equal, group by group, to what the test
 * counted itself as it went.
 */

interface Expected {
  members: number;
  letters: number;
  signatures: number;
  reports: number;
  recruited: number;
  newMembers: number;
  newSupporters: number;
  raisedMinor: number;
  grantedMinor: number;
  paidMinor: number;
}

const blank = (): Expected => ({
  members: 0,
  letters: 0,
  signatures: 0,
  reports: 0,
  recruited: 0,
  newMembers: 0,
  newSupporters: 0,
  raisedMinor: 0,
  grantedMinor: 0,
  paidMinor: 0,
});

async function post<T = { id: string }>(t: TestApp, path: string, body: unknown, key?: string): Promise<T> {
  return json<T>(await t.request("POST", `/v1/orgs/${t.org}${path}`, { body, key }), 201);
}

const day = (month: number, date: number) => `2026-${String(month).padStart(2, "0")}-${String(date).padStart(2, "0")}`;

describe("a year of a section with 190 groups", () => {
  it("reports the figures the test computes independently", async () => {
    const t = await testApp();
    t.clock.set("2026-01-05T09:00:00.000Z");
    const groups: string[] = [];
    for (let i = 0; i < 190; i++)
      groups.push((await post(t, "/groups", { name: `Group ${String(i).padStart(3, "0")}`, kind: "local" })).id);
    const expected = new Map<string, Expected>(groups.map((id) => [id, blank()]));
    const of = (group: string) => expected.get(group) as Expected;

    const active = await createMembershipType(t, { name: "Active", kind: "active" });
    const supporting = await createMembershipType(t, { name: "Supporter", kind: "supporting" });
    const campaign = (await post(t, "/campaigns", { name: "Write for rights", startsOn: "2026-01-01", endsOn: "2026-12-31" })).id;
    const letters = (
      await post(t, `/campaigns/${campaign}/actions`, {
        kind: "urgent_action",
        title: "Free her",
        target: "The president",
        startsOn: "2026-01-01",
        endsOn: "2026-06-30",
      })
    ).id;
    const petition = (
      await post(t, `/campaigns/${campaign}/actions`, {
        kind: "petition",
        title: "Close it",
        target: "The minister",
        startsOn: "2026-01-01",
        endsOn: "2026-12-31",
      })
    ).id;

    // 300 recruits over the year: every fifth a supporter; active ones join the group that recruited them.
    // Those of the first half year may write letters for the urgent action themselves.
    const recruitsOf = new Map<string, string[]>();
    for (let i = 0; i < 300; i++) {
      const group = groups[(i * 7) % 190] as string;
      const month = 1 + (i % 12);
      t.clock.set(`${day(month, 15)}T09:00:00.000Z`);
      const member = await createMember(t, { name: `Recruit ${i}` });
      const isSupporter = i % 5 === 0;
      await giveMembership(t, member, isSupporter ? supporting : active, day(month, 1));
      await json(
        await t.request("PUT", `/v1/orgs/${t.org}/members/${member}/recruitment`, {
          body: { groupId: group, source: i % 3 === 0 ? "recruitment_link" : "staff", recruitedOn: day(month, 10) },
        }),
        201,
      );
      of(group).recruited++;
      if (isSupporter) of(group).newSupporters++;
      else {
        of(group).newMembers++;
        await post(t, `/groups/${group}/members`, { memberId: member, role: "member" });
        of(group).members++;
        if (month <= 6) recruitsOf.set(group, [...(recruitsOf.get(group) ?? []), member]);
      }
    }

    // Letters from 120 groups before the urgent action ends; in 20 of them a recruit writes their own too.
    t.clock.set("2026-06-30T09:00:00.000Z");
    let ownLetters = 0;
    for (let i = 0; i < 120; i++) {
      const group = groups[i] as string;
      const quantity = 1 + (i % 9);
      await post(t, `/groups/${group}/action-reports`, { actionId: letters, kind: "letters", quantity, doneOn: day(1 + (i % 6), 20) });
      of(group).letters += quantity;
      of(group).reports++;
      const writer = recruitsOf.get(group)?.[0];
      if (writer && ownLetters < 20) {
        await post(t, "/me/action-reports", { actionId: letters, letters: 2 }, await memberToken(t, writer));
        of(group).letters += 2;
        of(group).reports++;
        ownLetters++;
      }
    }
    expect(ownLetters).toBe(20);

    t.clock.set("2026-12-31T09:00:00.000Z");
    for (let i = 0; i < 40; i++) {
      const group = groups[189 - i] as string;
      await post(t, `/groups/${group}/action-reports`, {
        actionId: petition,
        kind: "signatures",
        quantity: 25 * (i + 1),
        doneOn: day(9, 1 + (i % 28)),
      });
      of(group).signatures += 25 * (i + 1);
      of(group).reports++;
    }

    // Grants: 60 applications; 50 granted (40 of them paid), 10 declined.
    for (let i = 0; i < 60; i++) {
      const group = groups[i * 3] as string;
      const amountMinor = 100_000 + i * 1_250;
      const grant = await post(t, `/groups/${group}/grants`, {
        amount: amountMinor / 100,
        currency: "SEK",
        purpose: "Activities",
        appliedOn: day(2, 1 + (i % 28)),
      });
      const decide = (status: string, on: string) =>
        t.request("PATCH", `/v1/orgs/${t.org}/groups/${group}/grants/${grant.id}`, { body: { status, on } });
      if (i % 6 === 5) {
        await json(await decide("declined", "2026-03-15"), 200);
        continue;
      }
      await json(await decide("granted", "2026-03-15"), 200);
      of(group).grantedMinor += amountMinor;
      if (i % 5 !== 4) {
        await json(await decide("paid", "2026-04-01"), 200);
        of(group).paidMinor += amountMinor;
      }
    }

    // Street collections, in öre.
    for (let i = 0; i < 150; i++) {
      const group = groups[(i * 11) % 190] as string;
      const amountMinor = 5_000 + i * 37;
      await post(t, `/groups/${group}/income`, {
        amount: amountMinor / 100,
        currency: "SEK",
        receivedOn: day(1 + (i % 12), 5),
        source: "street_collection",
        campaignId: campaign,
      });
      of(group).raisedMinor += amountMinor;
    }

    const report = await json<{
      groups: {
        groupId: string;
        membersAtYearEnd: number;
        activeMembersAtYearEnd: number;
        actionReports: number;
        letters: number;
        signatures: number;
        recruited: number;
        newMembers: number;
        newSupporters: number;
        money: { currency: string; raisedMinor: number; grantedMinor: number; paidMinor: number; balanceMinor: number }[];
      }[];
      totals: {
        letters: number;
        signatures: number;
        recruited: number;
        actionReports: number;
        money: { currency: string; raisedMinor: number; grantedMinor: number; paidMinor: number }[];
      };
    }>(await t.request("GET", `/v1/orgs/${t.org}/reports/groups?year=2026`), 200);

    expect(report.groups).toHaveLength(190);
    const got = Object.fromEntries(
      report.groups.map((row) => {
        const sek = row.money.find((m) => m.currency === "SEK");
        return [
          row.groupId,
          {
            members: row.membersAtYearEnd,
            letters: row.letters,
            signatures: row.signatures,
            reports: row.actionReports,
            recruited: row.recruited,
            newMembers: row.newMembers,
            newSupporters: row.newSupporters,
            raisedMinor: sek?.raisedMinor ?? 0,
            grantedMinor: sek?.grantedMinor ?? 0,
            paidMinor: sek?.paidMinor ?? 0,
          },
        ];
      }),
    );
    expect(got).toEqual(Object.fromEntries(expected));
    expect(report.groups.every((row) => row.activeMembersAtYearEnd === row.membersAtYearEnd)).toBe(true);

    const sum = (key: keyof Expected) => [...expected.values()].reduce((total, e) => total + e[key], 0);
    expect(report.totals).toMatchObject({ letters: sum("letters"), signatures: sum("signatures"), recruited: 300, actionReports: 180 });
    expect(report.totals.money).toEqual([
      expect.objectContaining({
        currency: "SEK",
        raisedMinor: sum("raisedMinor"),
        grantedMinor: sum("grantedMinor"),
        paidMinor: sum("paidMinor"),
      }),
    ]);
    expect(new Set(report.groups.filter((row) => row.letters > 0).map((row) => row.groupId)).size).toBe(120);
    expect(sum("letters")).toBe(ownLetters * 2 + Array.from({ length: 120 }, (_, i) => 1 + (i % 9)).reduce((a, b) => a + b, 0));
  }, 240_000);
});
