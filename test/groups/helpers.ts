import { json, operatorKey, type TestApp } from "../helpers/app.ts";

export interface Group {
  id: string;
  kind: string;
  name: string;
  status: string;
  areaIds: string[];
  parentId: string | null;
  focusTags: string[];
  proposal: { proposedById: string | null; purpose: string | null; areaId: string | null; declineReason: string | null } | null;
}

export interface RosterEntry {
  memberId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  role: string;
  joinedOn: string;
  source: string;
}

export async function createArea(t: TestApp, code: string, postalCodes: string[], key?: string): Promise<string> {
  const response = await t.request("POST", `/v1/orgs/${t.org}/areas`, { key, body: { name: `Area ${code}`, code, postalCodes } });
  return (await json<{ id: string }>(response, 201)).id;
}

export async function createGroup(t: TestApp, body: Record<string, unknown>): Promise<Group> {
  return json<Group>(await t.request("POST", `/v1/orgs/${t.org}/groups`, { body: { name: "A group", kind: "interest", ...body } }), 201);
}

export async function keyWithRole(t: TestApp, role: "admin" | "staff" | "readonly"): Promise<string> {
  const response = await t.request("POST", `/v1/orgs/${t.org}/api-keys`, { body: { name: `${role} key`, role } });
  return (await json<{ secret: string }>(response, 201)).secret;
}

/** The admin key of a second organisation: everything of ours must be 404 to it. */
export async function otherOrgAdmin(t: TestApp): Promise<string> {
  const response = await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other organisation" } });
  return (await json<{ adminKey: { secret: string } }>(response, 201)).adminKey.secret;
}

export async function rosterOf(t: TestApp, groupId: string, key?: string): Promise<RosterEntry[]> {
  return (
    await json<{ data: RosterEntry[] }>(await t.request("GET", `/v1/orgs/${t.org}/groups/${groupId}/members?limit=200`, { key }), 200)
  ).data;
}

export async function districtOf(t: TestApp, memberId: string): Promise<{ areaId: string | null; districtGroupId: string | null }> {
  return json(await t.request("GET", `/v1/orgs/${t.org}/members/${memberId}`), 200);
}

export async function addMember(t: TestApp, groupId: string, memberId: string, role = "member", key?: string | null) {
  return t.request("POST", `/v1/orgs/${t.org}/groups/${groupId}/members`, { key, body: { memberId, role } });
}
