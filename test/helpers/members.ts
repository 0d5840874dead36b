import { expect } from "vitest";
import { signMemberToken, tokenSecret } from "../../src/auth/member-tokens.ts";
import { json, type TestApp } from "./app.ts";

let counter = 0;

/** Creates a member through the API (staff key) and returns its id. */
export async function createMember(t: TestApp, fields: Record<string, unknown> = {}): Promise<string> {
  counter += 1;
  const response = await t.request("POST", `/v1/orgs/${t.org}/members`, {
    body: { name: `Member ${counter}`, email: `member${counter}@example.org`, postalCode: "11455", ...fields },
  });
  return (await json<{ id: string }>(response, 201)).id;
}

/** A membership type through the API; kind active unless told otherwise. */
export async function createMembershipType(t: TestApp, fields: Record<string, unknown> = {}): Promise<string> {
  counter += 1;
  const response = await t.request("POST", `/v1/orgs/${t.org}/membership-types`, {
    body: {
      name: `Type ${counter}`,
      kind: "active",
      fee: { amount: 0, currency: "SEK" },
      period: { type: "calendar_year" },
      graceDays: 30,
      ...fields,
    },
  });
  return (await json<{ id: string }>(response, 201)).id;
}

/** Gives a member a membership starting on `startsOn` (default: the test clock's day). */
export async function giveMembership(t: TestApp, memberId: string, typeId: string, startsOn = t.clock.now().toISOString().slice(0, 10)) {
  const response = await t.request("POST", `/v1/orgs/${t.org}/members/${memberId}/memberships`, { body: { typeId, startsOn } });
  expect(response.status, await response.clone().text()).toBe(201);
}

/** A member with a current active membership, ready to join groups and vote. */
export async function createActiveMember(t: TestApp, fields: Record<string, unknown> = {}): Promise<string> {
  const id = await createMember(t, fields);
  await giveMembership(t, id, await createMembershipType(t));
  return id;
}

/** A member token for the member, as the sign-in exchange would give. */
export async function memberToken(t: TestApp, memberId: string): Promise<string> {
  const org = await t.database.client.execute({ sql: "SELECT id FROM organisations WHERE slug = ?", args: [t.org] });
  const secret = await tokenSecret(t.db, undefined);
  return (await signMemberToken(secret, { memberId, orgId: String(org.rows[0]?.id) }, t.clock.now())).token;
}
