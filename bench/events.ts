/**
 * Calendar range queries at scale: 20,000 events over three years (a tenth of them
 * recurring: monthly group meetings, weekly series, counted training series, some with
 * moved or cancelled occurrences) in 60 groups, in a temporary libSQL file, through the
 * real app in process. Prints median and worst of several runs; asserts nothing on time.
 *
 *   npx tsx bench/events.ts [events]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type InStatement } from "@libsql/client";
import { createApp } from "../src/app.ts";
import { signMemberToken, tokenSecret } from "../src/auth/member-tokens.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { isOccurrence, occurrenceStarts } from "../src/calendar/expand.ts";
import { formatRule } from "../src/calendar/rrule.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { defaultConfig } from "../src/deps.ts";
import { type EventRow, ruleFor, spanOf } from "../src/events/series.ts";
import { iso } from "../src/lib/dates.ts";
import { newId } from "../src/lib/ids.ts";
import { createMemoryMailer } from "../src/mail/mailer.ts";

const eventCount = Number(process.argv[2] ?? 20_000);
const recurringShare = 0.1;
const groupCount = 60;
const memberCount = 600;
const runs = 9;
const adminKey = "grs_benchadminkey0123456789abcdefgh";
const now = new Date("2026-11-21T10:00:00.000Z");
const day = 86_400_000;
const seriesStart = Date.parse("2025-06-01T00:00:00Z");
const seriesDays = 3 * 365;

/** A small deterministic generator (mulberry32), so runs are comparable. */
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const directory = mkdtempSync(join(tmpdir(), "grasrot-bench-events-"));
const client = createClient({ url: `file:${join(directory, "bench.db")}` });

async function seedDatabase() {
  await applyMigrations(client);
  const db = createDb(client);
  await bootstrapIfEmpty(db, { slug: "bench", adminKey, now });
  const orgId = String((await client.execute("SELECT id FROM organisations WHERE slug = 'bench'")).rows[0]?.id);
  const stamp = now.toISOString();
  const statements: InStatement[] = [];

  const groupIds = Array.from({ length: groupCount }, () => newId(now));
  groupIds.forEach((id, i) => {
    statements.push({
      sql: "INSERT INTO groups (id, org_id, kind, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?)",
      args: [id, orgId, i < 14 ? "district" : "local", `Group ${i}`, stamp, stamp],
    });
  });
  // Members in good standing: only they see members' and their groups' events.
  const typeId = newId(now);
  statements.push({
    sql: `INSERT INTO membership_types (id, org_id, name, kind, fee_minor, currency, period_type, grace_days, created_at, updated_at)
          VALUES (?, ?, 'Member', 'active', 0, 'SEK', 'calendar_year', 30, ?, ?)`,
    args: [typeId, orgId, stamp, stamp],
  });
  const memberIds = Array.from({ length: memberCount }, () => newId(now));
  memberIds.forEach((id, i) => {
    statements.push({
      sql: "INSERT INTO members (id, org_id, member_number, name, district_group_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      args: [id, orgId, String(1000 + i), `Member ${i}`, groupIds[i % 14] ?? null, stamp, stamp],
    });
    statements.push({
      sql: `INSERT INTO memberships (id, org_id, member_id, type_id, kind, starts_on, ends_on, grace_until, fee_minor, currency, created_at)
            VALUES (?, ?, ?, ?, 'active', '2026-01-01', '2026-12-31', '2027-01-30', 0, 'SEK', ?)`,
      args: [newId(now), orgId, id, typeId, stamp],
    });
    for (const g of [14 + (i % 46), 14 + ((i * 7) % 46)]) {
      statements.push({
        sql: "INSERT OR IGNORE INTO group_memberships (id, org_id, group_id, member_id, role, joined_on) VALUES (?, ?, ?, ?, 'member', '2025-01-01')",
        args: [newId(now), orgId, groupIds[g] as string, id],
      });
    }
  });
  await client.batch(statements, "write");

  const rules = [
    "FREQ=MONTHLY;BYDAY=1TU",
    "FREQ=MONTHLY;BYDAY=-1TH;BYMONTH=1,2,3,4,5,6,8,9,10,11,12",
    "FREQ=WEEKLY;BYDAY=WE",
    "FREQ=WEEKLY;COUNT=6",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
  ];
  const kinds = ["group_meeting", "member_meeting", "training", "campaign_activity", "network_meeting", "lecture", "other"] as const;
  const visibilities = ["public", "members", "group"] as const;
  let inserted = 0;
  let recurring = 0;
  let overrides = 0;
  while (inserted < eventCount) {
    const batch: InStatement[] = [];
    for (let i = 0; i < 1000 && inserted < eventCount; i++, inserted++) {
      const isSeries = random() < recurringShare;
      const rrule = isSeries ? pick(rules) : null;
      // Local 18:00 Stockholm on a random day; for series a day that fits the rule (checked below).
      let startDay = seriesStart + Math.floor(random() * seriesDays) * day;
      const start = () => new Date(startDay + 17 * 3600_000 - (isSummer(startDay) ? 3600_000 : 0));
      let row: EventRow | undefined;
      for (let attempt = 0; attempt < 60 && !row; attempt++, startDay += day) {
        const startsAt = start();
        const draft = {
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(),
          timeZone: "Europe/Stockholm",
          rrule: rrule ? withEnd(rrule, startsAt) : null,
          sessions: null,
        };
        if (draft.rrule) draft.rrule = formatRule(ruleFor(draft.rrule, draft.timeZone, "rrule"));
        if (draft.rrule && !fitsRule(draft)) continue;
        const groupId = random() < 0.8 ? pick(groupIds) : null;
        row = {
          id: newId(new Date(now.getTime() + inserted)),
          orgId,
          title: `${isSeries ? "Series" : "Event"} ${inserted}`,
          description: null,
          kind: pick(kinds),
          groupId,
          campaignId: null,
          ...draft,
          locationAddress: "Folkets hus",
          onlineUrl: null,
          country: null,
          visibility: groupId ? pick(visibilities) : pick(["public", "members"] as const),
          status: random() < 0.03 ? "cancelled" : "scheduled",
          exdates: "[]",
          allDay: false,
          recurring: draft.rrule !== null,
          ...spanOf(draft, []),
          registrationMode: "none",
          registrationScope: "occurrence",
          capacity: null,
          requiresActiveMembership: false,
          eligibility: null,
          version: 1,
          createdAt: stamp,
          updatedAt: stamp,
        };
      }
      if (!row) continue;
      if (row.recurring) recurring++;
      batch.push({
        sql: `INSERT INTO events (id, org_id, title, kind, group_id, starts_at, ends_at, time_zone, location_address, visibility, status, rrule, exdates,
          recurring, span_start, span_end, registration_mode, registration_scope, requires_active_membership, version, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          row.id,
          orgId,
          row.title,
          row.kind,
          row.groupId,
          row.startsAt,
          row.endsAt,
          row.timeZone,
          row.locationAddress,
          row.visibility,
          row.status,
          row.rrule,
          row.exdates,
          row.recurring ? 1 : 0,
          row.spanStart,
          row.spanEnd,
          row.registrationMode,
          row.registrationScope,
          0,
          1,
          stamp,
          stamp,
        ],
      });
      // A fifth of the series get their second occurrence cancelled (a cheap, valid override).
      if (row.recurring && random() < 0.2) {
        const second = secondOccurrence(row);
        if (second) {
          overrides++;
          batch.push({
            sql: "INSERT INTO event_occurrence_overrides (event_id, original_start, org_id, starts_at, ends_at, status, updated_at) VALUES (?, ?, ?, ?, ?, 'cancelled', ?)",
            args: [row.id, iso(second), orgId, iso(second), iso(second + 2 * 3600_000), stamp],
          });
        }
      }
    }
    await client.batch(batch, "write");
  }
  await client.execute("ANALYZE");
  return { db, orgId, memberIds, groupIds, recurring, overrides };
}

function isSummer(dayStart: number): boolean {
  const month = new Date(dayStart).getUTCMonth();
  return month >= 3 && month <= 9;
}

/** Open-ended, UNTIL or COUNT: a third each, unless the rule already counts. */
function withEnd(rule: string, start: Date): string {
  if (rule.includes("COUNT")) return rule;
  const r = random();
  if (r < 0.33) return rule;
  if (r < 0.66) return `${rule};COUNT=${6 + Math.floor(random() * 30)}`;
  const until = new Date(start.getTime() + (60 + Math.floor(random() * 500)) * day);
  return `${rule};UNTIL=${until
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "")}`;
}

function fitsRule(draft: Pick<EventRow, "rrule" | "startsAt" | "timeZone">): boolean {
  try {
    return secondOccurrence(draft, true) !== undefined;
  } catch {
    return false;
  }
}

function secondOccurrence(event: Pick<EventRow, "rrule" | "startsAt" | "timeZone">, checkFirst = false): number | undefined {
  const series = {
    start: Date.parse(event.startsAt),
    timeZone: event.timeZone,
    rule: ruleFor(event.rrule as string, event.timeZone, "rrule"),
  };
  if (checkFirst && !isOccurrence(series, series.start)) return undefined;
  let n = 0;
  for (const start of occurrenceStarts(series)) if (++n === 2) return start;
  return checkFirst ? series.start : undefined;
}

async function time(label: string, run: () => Promise<{ items: number; pages: number }>) {
  const samples: number[] = [];
  let result = { items: 0, pages: 0 };
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] as number;
  const worst = samples[samples.length - 1] as number;
  console.log(
    `${label.padEnd(44)} ${median.toFixed(1).padStart(8)} ms median ${worst.toFixed(1).padStart(8)} ms worst   ${String(result.items).padStart(6)} occurrences, ${result.pages} page(s)`,
  );
}

async function main() {
  const seeding = performance.now();
  const { db, orgId, memberIds, groupIds, recurring, overrides } = await seedDatabase();
  console.log(
    `Seeded ${eventCount} events (${recurring} recurring, ${overrides} overrides), ${groupCount} groups, ${memberCount} members in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
  );
  const app = createApp({
    db,
    mailer: createMemoryMailer(),
    clock: { now: () => now },
    config: defaultConfig,
    openapiYaml: "",
    openapiJson: "",
  });
  const secret = await tokenSecret(db, undefined);
  const memberToken = (await signMemberToken(secret, { memberId: memberIds[17] as string, orgId }, now)).token;

  const get = async (path: string, key: string | null = adminKey) => {
    const response = await app.request(path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { data: unknown[]; nextCursor: string | null };
  };
  const firstPage = (path: string, key?: string | null) => async () => ({ items: (await get(path, key)).data.length, pages: 1 });
  const allPages = (path: string, key?: string | null) => async () => {
    let items = 0;
    let pages = 0;
    let cursor: string | null = null;
    do {
      const page: { data: unknown[]; nextCursor: string | null } = await get(`${path}${cursor ? `&cursor=${cursor}` : ""}`, key);
      items += page.data.length;
      pages++;
      cursor = page.nextCursor;
    } while (cursor);
    return { items, pages };
  };
  const q = (from: string, to: string, extra = "") => `from=${from}&to=${to}${extra}`;
  const week = q("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z");
  const month = q("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
  const year = q("2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z");
  const base = "/v1/orgs/bench/events?";

  console.log(`\nRange queries (median of ${runs} runs, in process, embedded libSQL file):`);
  await time("week, first page (50)", firstPage(`${base}${week}`));
  await time("week, all pages (limit 200)", allPages(`${base}${week}&limit=200`));
  await time("month, first page (50)", firstPage(`${base}${month}`));
  await time("month, all pages (limit 200)", allPages(`${base}${month}&limit=200`));
  await time("year, first page (50)", firstPage(`${base}${year}`));
  await time("year, all pages (limit 200)", allPages(`${base}${year}&limit=200`));
  await time("year, first page, anonymous (public only)", firstPage(`${base}${year}`, null));
  await time("year, first page, a member (members' and their groups')", firstPage(`${base}${year}`, memberToken));
  await time("year, all pages, a member", allPages(`${base}${year}&limit=200`, memberToken));
  await time("month, one group, all pages", allPages(`${base}${month}&limit=200&groupId=${groupIds[20]}`));
  await time("year, one group, all pages", allPages(`${base}${year}&limit=200&groupId=${groupIds[20]}`));
  await time("month, kind=training, all pages", allPages(`${base}${month}&limit=200&kind=training`));
  await time("member calendar, month, all pages", allPages(`/v1/orgs/bench/me/calendar?${month}&limit=200`, memberToken));
  await time("member calendar, year, all pages", allPages(`/v1/orgs/bench/me/calendar?${year}&limit=200`, memberToken));
  await time("public iCalendar feed (2 years ahead, 1 back)", async () => {
    const response = await app.request("/v1/orgs/bench/calendar.ics");
    const text = await response.text();
    return { items: text.split("BEGIN:VEVENT").length - 1, pages: 1 };
  });

  console.log("\nQuery plans of the two candidate scans:");
  for (const [label, sqlText] of [
    [
      "single events",
      "SELECT id FROM events WHERE org_id = ? AND recurring = 0 AND span_start >= '2026-10-23' AND span_start < '2026-11-30' AND ends_at > '2026-11-23' ORDER BY span_start, id LIMIT 51",
    ],
    ["series", "SELECT id FROM events WHERE org_id = ? AND recurring = 1 AND span_end > '2026-11-23' AND span_start < '2026-11-30'"],
  ] as const) {
    const plan = await client.execute({ sql: `EXPLAIN QUERY PLAN ${sqlText}`, args: [orgId] });
    console.log(`  ${label}: ${plan.rows.map((row) => String(row.detail)).join("; ")}`);
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    client.close();
    rmSync(directory, { recursive: true, force: true });
  });
