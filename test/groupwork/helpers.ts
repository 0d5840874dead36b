import { json, type TestApp } from "../helpers/app.ts";

/** A campaign over the given days, made with the admin key. */
export async function createCampaign(t: TestApp, startsOn = "2026-09-01", endsOn = "2027-06-30"): Promise<string> {
  const response = await t.request("POST", `/v1/orgs/${t.org}/campaigns`, { body: { name: "Stop torture", startsOn, endsOn } });
  return (await json<{ id: string }>(response, 201)).id;
}

/** An action of a campaign, open on the test day (2026-11-21) unless told otherwise. */
export async function createAction(t: TestApp, campaignId: string, body: Record<string, unknown> = {}): Promise<string> {
  const response = await t.request("POST", `/v1/orgs/${t.org}/campaigns/${campaignId}/actions`, {
    body: {
      kind: "urgent_action",
      title: "Free the prisoner",
      target: "The minister of justice",
      startsOn: "2026-11-01",
      endsOn: "2026-12-31",
      ...body,
    },
  });
  return (await json<{ id: string }>(response, 201)).id;
}

export async function createGroup(t: TestApp, name = "Local group", kind = "local"): Promise<string> {
  return (await json<{ id: string }>(await t.request("POST", `/v1/orgs/${t.org}/groups`, { body: { name, kind } }), 201)).id;
}

export async function addToGroup(t: TestApp, groupId: string, memberId: string, role: "member" | "convener" = "member") {
  await json(await t.request("POST", `/v1/orgs/${t.org}/groups/${groupId}/members`, { body: { memberId, role } }), 201);
}
