import type { Client } from "@libsql/client";
import { newId } from "../src/lib/ids.ts";
import { insertInChunks } from "../test/helpers/rows.ts";
import { withReportBench } from "./report-bench.ts";

const memberCount = Number(process.argv[2] ?? 100_000);
const groupCount = 190;
const districtCount = 14;
const now = new Date("2026-12-31T10:00:00.000Z");
const at = now.toISOString();

let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const below = (n: number) => Math.floor(random() * n);
const dayOf2026 = (offset: number) => new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10);

async function seedDatabase(client: Client, orgId: string) {
  const groups = Array.from({ length: groupCount }, (_, i) => ({ id: newId(now), district: i < districtCount }));
  await insertInChunks(
    client,
    "groups",
    ["id", "org_id", "kind", "name", "status", "version", "created_at", "updated_at"],
    groups.map((g, i) => [g.id, orgId, g.district ? "district" : "local", `Group ${String(i + 1).padStart(3, "0")}`, "active", 1, at, at]),
  );
  const types = { active: newId(now), supporting: newId(now) };
  await insertInChunks(
    client,
    "membership_types",
    [
      "id",
      "org_id",
      "name",
      "kind",
      "fee_minor",
      "currency",
      "period_type",
      "period_months",
      "grace_days",
      "archived",
      "version",
      "created_at",
      "updated_at",
    ],
    [
      [types.active, orgId, "Active", "active", 25000, "SEK", "calendar_year", null, 30, 0, 1, at, at],
      [types.supporting, orgId, "Supporter", "supporting", 10000, "SEK", "calendar_year", null, 30, 0, 1, at, at],
    ],
  );

  const members: unknown[][] = [];
  const memberships: unknown[][] = [];
  const assignments: unknown[][] = [];
  const roster: unknown[][] = [];
  const recruits: unknown[][] = [];
  const memberIds: string[] = [];
  const rosterOf = new Map<number, string[]>();
  for (let n = 0; n < memberCount; n++) {
    const id = newId(new Date(now.getTime() - (memberCount - n) * 1000));
    memberIds.push(id);
    const district = groups[below(districtCount)]?.id as string;
    members.push([id, orgId, String(n + 1), `Member ${n}`, `member ${n}`, district, at, at]);
    assignments.push([newId(now), orgId, id, district, "2025-01-01T00:00:00.000Z", "import"]);
    const roll = random();
    // 70% active, 10% supporters, 10% lapsed, 10% without a membership.
    if (roll < 0.7)
      memberships.push([newId(now), orgId, id, types.active, "active", "2026-01-01", "2026-12-31", "2027-01-30", 25000, "SEK", at]);
    else if (roll < 0.8)
      memberships.push([newId(now), orgId, id, types.supporting, "supporting", "2026-01-01", "2026-12-31", "2027-01-30", 10000, "SEK", at]);
    else if (roll < 0.9)
      memberships.push([newId(now), orgId, id, types.active, "active", "2024-01-01", "2024-12-31", "2025-01-30", 25000, "SEK", at]);
    // Four in ten are also on a local group's roster.
    if (roll < 0.7 && random() < 0.57) {
      const local = districtCount + below(groupCount - districtCount);
      roster.push([newId(now), orgId, groups[local]?.id, id, random() < 0.02 ? "convener" : "member", "2025-06-01", null, 1]);
      rosterOf.set(local, [...(rosterOf.get(local) ?? []), id]);
    }
    if (random() < 0.1) {
      recruits.push([
        id,
        orgId,
        groups[districtCount + below(groupCount - districtCount)]?.id,
        "staff",
        `${random() < 0.5 ? 2025 : 2026}-${String(1 + below(12)).padStart(2, "0")}-15`,
        1,
        at,
        at,
      ]);
    }
  }
  await insertInChunks(
    client,
    "members",
    ["id", "org_id", "member_number", "name", "name_key", "district_group_id", "created_at", "updated_at"],
    members,
  );
  await insertInChunks(
    client,
    "memberships",
    ["id", "org_id", "member_id", "type_id", "kind", "starts_on", "ends_on", "grace_until", "fee_minor", "currency", "created_at"],
    memberships,
  );
  await insertInChunks(
    client,
    "district_assignments",
    ["id", "org_id", "member_id", "district_group_id", "from_at", "reason"],
    assignments,
  );
  await insertInChunks(
    client,
    "group_memberships",
    ["id", "org_id", "group_id", "member_id", "role", "joined_on", "left_on", "version"],
    roster,
  );
  await insertInChunks(
    client,
    "recruitments",
    ["member_id", "org_id", "group_id", "source", "recruited_on", "version", "created_at", "updated_at"],
    recruits,
  );

  // A meeting a month per group, ten attendances each; a hundred trainings of twenty.
  const events: unknown[][] = [];
  const registrations: unknown[][] = [];
  const attend = (eventId: string, memberId: string) =>
    registrations.push([newId(now), orgId, eventId, "", memberId, "attended", 1, at, at]);
  const event = (kind: string, groupId: string | null, offset: number) => {
    const id = newId(now);
    const startsAt = `${dayOf2026(offset)}T17:00:00.000Z`;
    const endsAt = `${dayOf2026(offset)}T19:00:00.000Z`;
    events.push([
      id,
      orgId,
      kind,
      "Meeting",
      groupId,
      startsAt,
      endsAt,
      "Europe/Stockholm",
      "members",
      "scheduled",
      "[]",
      0,
      startsAt,
      endsAt,
      "open",
      "event",
      0,
      1,
      at,
      at,
    ]);
    return id;
  };
  groups.forEach((group, i) => {
    const people = rosterOf.get(i) ?? memberIds.slice(i * 50, i * 50 + 50);
    for (let month = 0; month < 12; month++) {
      const id = event("group_meeting", group.id, month * 30 + 10);
      const present = new Set(Array.from({ length: 10 }, (_, k) => people[(month * 10 + k) % people.length] as string));
      for (const memberId of present) attend(id, memberId);
    }
  });
  for (let t = 0; t < 100; t++) {
    const id = event("training", null, below(360));
    const present = new Set(Array.from({ length: 20 }, () => memberIds[below(memberCount)] as string));
    for (const memberId of present) attend(id, memberId);
  }
  await insertInChunks(
    client,
    "events",
    [
      "id",
      "org_id",
      "kind",
      "title",
      "group_id",
      "starts_at",
      "ends_at",
      "time_zone",
      "visibility",
      "status",
      "exdates",
      "recurring",
      "span_start",
      "span_end",
      "registration_mode",
      "registration_scope",
      "requires_active_membership",
      "version",
      "created_at",
      "updated_at",
    ],
    events,
  );
  await insertInChunks(
    client,
    "event_registrations",
    ["id", "org_id", "event_id", "occurrence_start", "member_id", "status", "version", "created_at", "updated_at"],
    registrations,
  );

  // A campaign with ten actions; twenty reports per group; thirty collections and a grant or two per group.
  const campaign = newId(now);
  await insertInChunks(
    client,
    "campaigns",
    ["id", "org_id", "name", "starts_on", "ends_on", "materials", "version", "created_at", "updated_at"],
    [[campaign, orgId, "Write for rights", "2026-01-01", "2026-12-31", "[]", 1, at, at]],
  );
  const actions = Array.from({ length: 10 }, () => newId(now));
  await insertInChunks(
    client,
    "campaign_actions",
    ["id", "org_id", "campaign_id", "kind", "title", "target", "starts_on", "ends_on", "version", "created_at", "updated_at"],
    actions.map((id) => [id, orgId, campaign, "urgent_action", "Free them", "The minister", "2026-01-01", "2026-12-31", 1, at, at]),
  );
  const kinds = ["letters", "signatures", "politician_meeting", "street_activity"];
  const reports: unknown[][] = [];
  const entries: unknown[][] = [];
  const grants: unknown[][] = [];
  for (const group of groups) {
    for (let r = 0; r < 20; r++)
      reports.push([
        newId(now),
        orgId,
        actions[below(10)],
        group.id,
        null,
        kinds[below(4)],
        1 + below(50),
        below(500),
        dayOf2026(below(360)),
        at,
      ]);
    for (let e = 0; e < 30; e++)
      entries.push([
        newId(now),
        orgId,
        group.id,
        e % 5 === 0 ? "expense" : "income",
        dayOf2026(below(360)),
        1000 + below(100_000),
        "SEK",
        e % 5 === 0 ? null : "street_collection",
        campaign,
        at,
      ]);
    for (let g = 0; g < 1 + below(2); g++)
      grants.push([newId(now), orgId, group.id, 500_000, "SEK", "Activities", "paid", "2026-02-01", "2026-03-01", "2026-04-01", 3, at, at]);
  }
  await insertInChunks(
    client,
    "action_reports",
    ["id", "org_id", "action_id", "group_id", "member_id", "kind", "quantity", "reach", "done_on", "created_at"],
    reports,
  );
  await insertInChunks(
    client,
    "group_money_entries",
    ["id", "org_id", "group_id", "kind", "on_day", "amount_minor", "currency", "source", "campaign_id", "created_at"],
    entries,
  );
  await insertInChunks(
    client,
    "grant_applications",
    [
      "id",
      "org_id",
      "group_id",
      "amount_minor",
      "currency",
      "purpose",
      "status",
      "applied_on",
      "decided_on",
      "paid_on",
      "version",
      "created_at",
      "updated_at",
    ],
    grants,
  );
  return {
    groups: groups.length,
    roster: roster.length,
    events: events.length,
    registrations: registrations.length,
    reports: reports.length,
    entries: entries.length,
    recruits: recruits.length,
  };
}

await withReportBench(
  {
    now,
    seed: async (client, org) => `${memberCount} members (${JSON.stringify(await seedDatabase(client, org))})`,
  },
  async ({ client, call, time, runs }) => {
    const district = (await client.execute("SELECT id FROM groups WHERE kind = 'district' ORDER BY name LIMIT 1")).rows[0]?.id as string;
    const local = (await client.execute("SELECT id FROM groups WHERE kind = 'local' ORDER BY name LIMIT 1")).rows[0]?.id as string;

    const section = JSON.parse(await call("/v1/orgs/demo/reports/groups?year=2026")) as {
      groups: unknown[];
      totals: Record<string, unknown>;
    };
    const { money: _, ...totals } = section.totals;
    console.log(`\n${section.groups.length} groups; the section's totals:`, totals);
    console.log(`\nmedian of ${runs} runs, through the app (routing, auth, validation, JSON):`);
    await time("section report, JSON (190 groups)", () => call("/v1/orgs/demo/reports/groups?year=2026"));
    await time("section report, CSV", () => call("/v1/orgs/demo/reports/groups.csv?year=2026"));
    await time("one district group's report (~7,000 members)", () => call(`/v1/orgs/demo/groups/${district}/report?year=2026`));
    await time("one local group's report", () => call(`/v1/orgs/demo/groups/${local}/report?year=2026`));
    await time("the year's money lines as CSV", () => call("/v1/orgs/demo/reports/money.csv?year=2026"));
    await time("action totals of the organisation", () => call("/v1/orgs/demo/action-totals"));
  },
);
