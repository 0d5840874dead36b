import type { Client } from "@libsql/client";
import { newId } from "../../src/lib/ids.ts";

/**
 * Members written straight into the database: the mailing tests and the benchmark need
 * many members with given memberships and consents, faster than the members API makes them.
 */
export interface SeedMember {
  name?: string;
  email?: string | null;
  /** Membership period; default: the whole of 2026, 30 days' grace. */
  startsOn?: string;
  endsOn?: string;
  graceUntil?: string;
  noMembership?: boolean;
  consentNewsletters?: boolean;
  consentMeetingSummons?: boolean;
  districtGroupId?: string | null;
  areaId?: string | null;
  erased?: boolean;
}

export async function orgIdOf(client: Client, slug = "demo"): Promise<string> {
  const result = await client.execute({ sql: "SELECT id FROM organisations WHERE slug = ?", args: [slug] });
  return String(result.rows[0]?.id);
}

async function membershipType(client: Client, orgId: string): Promise<string> {
  const found = await client.execute({ sql: "SELECT id FROM membership_types WHERE org_id = ? AND name = 'Seeded'", args: [orgId] });
  if (found.rows[0]) return String(found.rows[0].id);
  const id = newId();
  await client.execute({
    sql: `INSERT INTO membership_types (id, org_id, name, kind, fee_minor, currency, period_type, grace_days, created_at, updated_at)
          VALUES (?, ?, 'Seeded', 'active', 0, 'SEK', 'calendar_year', 30, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
    args: [id, orgId],
  });
  return id;
}

let counter = 0;

/** Inserts the members (and a membership each) in chunks; returns their ids in order. */
export async function seedMembers(client: Client, orgId: string, members: SeedMember[]): Promise<string[]> {
  const typeId = await membershipType(client, orgId);
  const ids: string[] = [];
  for (let start = 0; start < members.length; start += 500) {
    const statements = [];
    for (const m of members.slice(start, start + 500)) {
      counter += 1;
      const id = newId();
      ids.push(id);
      const email = m.email === undefined ? `seed${counter}-${id.slice(-6)}@example.org` : m.email;
      statements.push({
        sql: `INSERT INTO members (id, org_id, member_number, name, name_key, email, email_key, consent_newsletters, consent_meeting_summons,
                consent_campaign_news, district_group_id, area_id, erased_at, created_at, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
        args: [
          id,
          orgId,
          `S${counter}`,
          m.name ?? `Member ${counter}`,
          (m.name ?? `Member ${counter}`).toLowerCase(),
          email,
          email?.toLowerCase() ?? null,
          m.consentNewsletters === false ? 0 : 1,
          m.consentMeetingSummons === false ? 0 : 1,
          m.districtGroupId ?? null,
          m.areaId ?? null,
          m.erased ? "2026-02-01T00:00:00Z" : null,
        ],
      });
      if (!m.noMembership) {
        statements.push({
          sql: `INSERT INTO memberships (id, org_id, member_id, type_id, kind, starts_on, ends_on, grace_until, fee_minor, currency, created_at)
                VALUES (?, ?, ?, ?, 'active', ?, ?, ?, 0, 'SEK', '2026-01-01T00:00:00Z')`,
          args: [newId(), orgId, id, typeId, m.startsOn ?? "2026-01-01", m.endsOn ?? "2026-12-31", m.graceUntil ?? "2027-01-30"],
        });
      }
    }
    await client.batch(statements, "write");
  }
  return ids;
}

export async function seedGroup(
  client: Client,
  orgId: string,
  fields: { name?: string; kind?: string; status?: string } = {},
): Promise<string> {
  const id = newId();
  await client.execute({
    sql: `INSERT INTO groups (id, org_id, kind, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
    args: [id, orgId, fields.kind ?? "local", fields.name ?? "Group", fields.status ?? "active"],
  });
  return id;
}

export async function addToGroup(client: Client, orgId: string, groupId: string, memberId: string, role = "member") {
  await client.execute({
    sql: "INSERT INTO group_memberships (id, org_id, group_id, member_id, role, joined_on) VALUES (?, ?, ?, ?, ?, '2026-01-01')",
    args: [newId(), orgId, groupId, memberId, role],
  });
}
