import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { schema } from "../../src/db/index.ts";
import { newId } from "../../src/lib/ids.ts";
import type { TestApp } from "../helpers/app.ts";
import { createMember, memberToken } from "../helpers/members.ts";

/**
 * Areas and groups written straight into the database, so the member tests do not depend
 * on the area and group routes.
 */

async function orgId(t: TestApp): Promise<string> {
  const org = await t.db.query.organisations.findFirst({ where: eq(schema.organisations.slug, t.org) });
  if (!org) throw new Error("no organisation");
  return org.id;
}

export async function insertArea(t: TestApp, code: string, postalCodes: string[]): Promise<string> {
  const id = newId(t.clock.now());
  const at = t.clock.now().toISOString();
  const org = await orgId(t);
  await t.db.insert(schema.areas).values({ id, orgId: org, name: `Area ${code}`, code, createdAt: at, updatedAt: at });
  if (postalCodes.length > 0) {
    await t.db.insert(schema.areaPostalCodes).values(postalCodes.map((postalCode) => ({ orgId: org, postalCode, areaId: id })));
  }
  return id;
}

export async function insertGroup(t: TestApp, kind: "local" | "district" = "local", areaIds: string[] = []): Promise<string> {
  const id = newId(t.clock.now());
  const at = t.clock.now().toISOString();
  const org = await orgId(t);
  await t.db
    .insert(schema.groups)
    .values({ id, orgId: org, kind, name: `Group ${id.slice(-6)}`, status: "active", createdAt: at, updatedAt: at });
  if (areaIds.length > 0) await t.db.insert(schema.groupAreas).values(areaIds.map((areaId) => ({ orgId: org, areaId, groupId: id })));
  return id;
}

export async function joinGroup(t: TestApp, groupId: string, memberId: string, role: "member" | "convener" | "contact_person" = "member") {
  await t.db.insert(schema.groupMemberships).values({
    id: newId(t.clock.now()),
    orgId: await orgId(t),
    groupId,
    memberId,
    role,
    joinedOn: t.clock.now().toISOString().slice(0, 10),
  });
}

/** An API key of the organisation with a role. */
export async function keyWithRole(t: TestApp, role: "admin" | "staff" | "readonly"): Promise<string> {
  const response = await t.request("POST", `/v1/orgs/${t.org}/api-keys`, { body: { name: `${role} key`, role } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { secret: string }).secret;
}

/** A member with a token of their own. */
export async function memberWithToken(t: TestApp, fields: Record<string, unknown> = {}) {
  const id = await createMember(t, fields);
  return { id, token: await memberToken(t, id) };
}
