import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";
import { addToGroup, createCampaign, createGroup } from "./helpers.ts";

describe("recruitment", () => {
  it("attributes a member to a group once, corrects it under If-Match, and refuses what is not the organisation's", async () => {
    const t = await testApp();
    const group = await createGroup(t);
    const campaign = await createCampaign(t);
    const member = await createMember(t);
    const path = `/v1/orgs/${t.org}/members/${member}/recruitment`;
    expect((await problemOf(await t.request("GET", path))).status).toBe(404);
    expect(
      (await problemOf(await t.request("PUT", path, { body: { groupId: group, source: "staff" }, headers: { "If-Match": "*" } }))).status,
    ).toBe(412);
    const first = await t.request("PUT", path, {
      body: { groupId: group, campaignId: campaign, source: "recruitment_link", reference: "spring-stand" },
    });
    expect(await json(first, 201)).toMatchObject({ groupId: group, campaignId: campaign, recruitedOn: "2026-11-21", version: 1 });
    expect(first.headers.get("Location")).toBe(path);
    expect(
      (await problemOf(await t.request("PUT", path, { body: { groupId: group, source: "staff" }, headers: { "If-Match": '"5"' } }))).status,
    ).toBe(412);
    const second = await t.request("PUT", path, {
      body: { groupId: group, source: "staff", recruitedOn: "2026-11-01" },
      headers: { "If-Match": '"1"' },
    });
    expect(await json(second, 200)).toMatchObject({ source: "staff", campaignId: null, recruitedOn: "2026-11-01", version: 2 });
    expect((await json(await t.request("GET", path), 200)).version).toBe(2);

    const fieldOf = async (body: Record<string, unknown>) =>
      (await problemOf(await t.request("PUT", path, { body: { groupId: group, source: "staff", ...body } }))).errors?.map((e) => e.field);
    expect(await fieldOf({ groupId: "01a1fc82-9876-7000-8000-000000000000" })).toEqual(["body.groupId"]);
    expect(await fieldOf({ eventId: "01a1fc82-9876-7000-8000-000000000000" })).toEqual(["body.eventId"]);
    expect(await fieldOf({ recruitedOn: "2026-11-22" })).toEqual(["body.recruitedOn"]);
    expect(await fieldOf({ source: "door" })).toEqual(["body.source"]);
  });

  it("counts new members, new supporters and who is still a member a year later, per group and period", async () => {
    const t = await testApp();
    const group = await createGroup(t);
    const other = await createGroup(t, "Other");
    const active = await createMembershipType(t);
    const supporting = await createMembershipType(t, { kind: "supporting" });
    const recruit = async (groupId: string, recruitedOn: string, memberships: [string, string][]) => {
      const id = await createMember(t);
      for (const [type, startsOn] of memberships) await giveMembership(t, id, type, startsOn);
      await json(
        await t.request("PUT", `/v1/orgs/${t.org}/members/${id}/recruitment`, { body: { groupId, source: "staff", recruitedOn } }),
        201,
      );
      return id;
    };
    await recruit(group, "2025-06-01", [
      [active, "2025-01-01"],
      [active, "2026-01-01"],
    ]); // renewed: still a member
    await recruit(group, "2025-03-01", [[active, "2025-01-01"]]); // lapsed within the year
    await recruit(group, "2026-05-01", [[supporting, "2026-01-01"]]); // a supporter, not a year yet
    await recruit(group, "2026-10-01", []); // a contact without membership
    await recruit(other, "2026-02-01", [[active, "2026-01-01"]]);
    const figures = (groupId: string, from: string, to: string, key?: string) =>
      t.request("GET", `/v1/orgs/${t.org}/groups/${groupId}/recruitment?from=${from}&to=${to}`, { key });
    expect(await json(await figures(group, "2025-01-01", "2026-12-31"), 200)).toEqual({
      groupId: group,
      from: "2025-01-01",
      to: "2026-12-31",
      recruited: 4,
      newMembers: 2,
      newSupporters: 1,
      yearPassed: 2,
      stillMembersAfterAYear: 1,
    });
    expect(await json(await figures(group, "2026-01-01", "2026-12-31"), 200)).toMatchObject({
      recruited: 2,
      newMembers: 0,
      newSupporters: 1,
    });
    expect((await problemOf(await figures(group, "2026-12-31", "2026-01-01"))).errors?.[0]?.field).toBe("query.to");

    const reader = await createMember(t);
    await giveMembership(t, reader, active);
    await addToGroup(t, other, reader);
    const token = await memberToken(t, reader);
    expect(await json(await figures(other, "2026-01-01", "2026-12-31", token), 200)).toMatchObject({ recruited: 1, newMembers: 1 });
    expect((await figures(group, "2026-01-01", "2026-12-31", token)).status).toBe(403);
  });
});
