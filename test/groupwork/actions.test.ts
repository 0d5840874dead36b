import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";
import { addToGroup, createAction, createCampaign, createGroup } from "./helpers.ts";

type Totals = {
  reports: number;
  groups: number;
  letters: number;
  signatures: number;
  politicianMeetings: number;
  streetActivities: number;
  reach: number;
};
type TotalsReport = { totals: Totals; byAction: (Totals & { actionId: string })[]; byGroup: (Totals & { groupId: string })[] };

describe("actions of a campaign", () => {
  it("creates, reads, lists and updates an action with ETags", async () => {
    const t = await testApp();
    const campaign = await createCampaign(t);
    const created = await t.request("POST", `/v1/orgs/${t.org}/campaigns/${campaign}/actions`, {
      body: { kind: "petition", title: "Close the camp", target: "The embassy", startsOn: "2026-11-01", endsOn: "2027-01-31" },
    });
    const action = await json<{ id: string; campaignId: string; version: number }>(created, 201);
    expect(created.headers.get("Location")).toBe(`/v1/orgs/demo/actions/${action.id}`);
    expect(action.campaignId).toBe(campaign);
    const read = await t.request("GET", `/v1/orgs/${t.org}/actions/${action.id}`);
    expect(read.headers.get("ETag")).toBe('"1"');
    const stale = await t.request("PATCH", `/v1/orgs/${t.org}/actions/${action.id}`, {
      body: { title: "x" },
      headers: { "If-Match": '"7"' },
    });
    expect((await problemOf(stale)).status).toBe(412);
    const patched = await t.request("PATCH", `/v1/orgs/${t.org}/actions/${action.id}`, {
      body: { target: "The minister" },
      headers: { "If-Match": '"1"' },
    });
    expect(await json(patched, 200)).toMatchObject({ target: "The minister", version: 2 });
    const bad = await t.request("PATCH", `/v1/orgs/${t.org}/actions/${action.id}`, { body: { endsOn: "2026-01-01" } });
    expect((await problemOf(bad)).errors).toEqual([{ field: "body.endsOn", message: "must not be before startsOn" }]);
    const list = await json<{ data: { id: string }[] }>(await t.request("GET", `/v1/orgs/${t.org}/campaigns/${campaign}/actions`), 200);
    expect(list.data.map((a) => a.id)).toEqual([action.id]);
  });

  it("counts what groups and members did, per action, per group and per campaign", async () => {
    const t = await testApp();
    const campaign = await createCampaign(t);
    const urgent = await createAction(t, campaign);
    const petition = await createAction(t, campaign, { kind: "petition" });
    const otherCampaign = await createCampaign(t);
    const elsewhere = await createAction(t, otherCampaign);
    const north = await createGroup(t, "North");
    const south = await createGroup(t, "South");
    const convener = await createActiveMember(t);
    await addToGroup(t, north, convener, "convener");
    const member = await createActiveMember(t);
    await addToGroup(t, south, member);

    const report = (group: string, body: Record<string, unknown>, key?: string) =>
      t.request("POST", `/v1/orgs/${t.org}/groups/${group}/action-reports`, { key, body: { doneOn: "2026-11-20", ...body } });
    const token = await memberToken(t, convener);
    await json(await report(north, { actionId: urgent, kind: "letters", quantity: 12 }, token), 201);
    await json(await report(north, { actionId: petition, kind: "signatures", quantity: 340 }, token), 201);
    await json(await report(south, { actionId: urgent, kind: "street_activity", quantity: 1, reach: 500 }), 201);
    await json(await report(south, { actionId: urgent, kind: "politician_meeting", quantity: 1 }), 201);
    await json(await report(south, { actionId: elsewhere, kind: "letters", quantity: 1000 }), 201);
    const mine = await t.request("POST", `/v1/orgs/${t.org}/me/action-reports`, {
      key: await memberToken(t, member),
      body: { actionId: urgent, letters: 3 },
    });
    expect(await json(mine, 201)).toMatchObject({ groupId: south, memberId: member, kind: "letters", quantity: 3, doneOn: "2026-11-21" });

    const totals = (query: string) => t.request("GET", `/v1/orgs/${t.org}/action-totals${query}`).then((r) => json<TotalsReport>(r, 200));
    const byCampaign = await totals(`?campaignId=${campaign}`);
    expect(byCampaign.totals).toEqual({
      reports: 5,
      groups: 2,
      letters: 15,
      signatures: 340,
      politicianMeetings: 1,
      streetActivities: 1,
      reach: 500,
    });
    expect(byCampaign.byAction.find((a) => a.actionId === urgent)).toMatchObject({ letters: 15, signatures: 0, reports: 4 });
    expect(byCampaign.byGroup.find((g) => g.groupId === south)).toMatchObject({ letters: 3, reach: 500 });
    expect((await totals(`?actionId=${petition}`)).totals).toMatchObject({ reports: 1, signatures: 340 });
    expect((await totals(`?groupId=${south}`)).totals).toMatchObject({ reports: 4, letters: 1003 });
    expect((await totals("")).totals.letters).toBe(1015);

    const listed = await json<{ data: unknown[] }>(await t.request("GET", `/v1/orgs/${t.org}/groups/${south}/action-reports`), 200);
    expect(listed.data).toHaveLength(4);
  });

  it("refuses reports for ended actions, future days, inactive groups and a member in several groups without naming one", async () => {
    const t = await testApp();
    const campaign = await createCampaign(t);
    const ended = await createAction(t, campaign, { startsOn: "2026-09-01", endsOn: "2026-10-31" });
    const open = await createAction(t, campaign);
    const group = await createGroup(t);
    const report = (body: Record<string, unknown>, id = group) =>
      t.request("POST", `/v1/orgs/${t.org}/groups/${id}/action-reports`, {
        body: { kind: "letters", quantity: 1, doneOn: "2026-11-20", ...body },
      });
    const fieldOf = async (response: Response) => {
      const problem = await problemOf(response);
      expect(problem.status).toBe(422);
      return problem.errors?.map((e) => e.field);
    };
    expect(await fieldOf(await report({ actionId: ended, doneOn: "2026-10-01" }))).toEqual(["body.actionId"]);
    expect(await fieldOf(await report({ actionId: open, doneOn: "2026-11-22" }))).toEqual(["body.doneOn"]);
    expect(await fieldOf(await report({ actionId: open, doneOn: "2026-10-22" }))).toEqual(["body.doneOn"]);
    expect(await fieldOf(await report({ actionId: open, quantity: -4 }))).toEqual(["body.quantity"]);
    expect(await fieldOf(await report({ actionId: "01a1fc82-9876-7000-8000-000000000000" }))).toEqual(["body.actionId"]);
    await json(await t.request("PATCH", `/v1/orgs/${t.org}/groups/${group}`, { body: { status: "closed" } }), 200);
    expect(await fieldOf(await report({ actionId: open }))).toEqual(["path.id"]);

    const member = await createActiveMember(t);
    const a = await createGroup(t, "A");
    const b = await createGroup(t, "B");
    await addToGroup(t, a, member);
    await addToGroup(t, b, member);
    const token = await memberToken(t, member);
    const mine = (body: Record<string, unknown>) =>
      t.request("POST", `/v1/orgs/${t.org}/me/action-reports`, { key: token, body: { actionId: open, letters: 2, ...body } });
    expect(await fieldOf(await mine({}))).toEqual(["body.groupId"]);
    expect(await fieldOf(await mine({ groupId: group }))).toEqual(["body.groupId"]);
    expect(await json(await mine({ groupId: b }), 201)).toMatchObject({ groupId: b });
    const totals = await json<TotalsReport>(await t.request("GET", `/v1/orgs/${t.org}/action-totals`), 200);
    expect(totals.totals.letters).toBe(2);
  });
});
