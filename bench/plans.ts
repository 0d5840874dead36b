/**
 * The hot reads one at a time, at two sizes of organisation, to show which grow with the
 * organisation and which stay flat: member by id, the first page, a name-prefix search, a
 * group's roster page, a district's history, a member's groups, /me, events for a month,
 * the public calendar feed, and moving one postal code to another area (reassignment).
 * Each size is seeded in a temporary libSQL file (members spread over 14 areas and 13
 * district groups, 177 local groups of about 40, 20,000 events of which 2,000 are series,
 * most of them open-ended) and called through the real app in process. Prints the best of
 * several runs, the figure least disturbed by whatever else the machine runs, and the
 * median; asserts nothing on time.
 *
 *   npx tsx bench/plans.ts [members …]     (default: 1000 100000)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { createApp } from "../src/app.ts";
import { signMemberToken, tokenSecret } from "../src/auth/member-tokens.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { defaultConfig } from "../src/deps.ts";
import { newId } from "../src/lib/ids.ts";
import { createMemoryMailer } from "../src/mail/mailer.ts";
import { insertInChunks, insertRows, seededEventColumns } from "../test/helpers/rows.ts";
import { median, samplesOf } from "./timing.ts";

const sizes = process.argv.slice(2).map(Number);
const areaCount = 14;
const codesPerArea = 25;
const localGroups = 177;
const singleEvents = 18_000;
const seriesCount = 2_000;
const runs = 7;
const adminKey = "grs_benchadminkey0123456789abcdefgh";
const now = new Date("2026-11-21T10:00:00.000Z");
const at = now.toISOString();
const day = 86_400_000;

let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const firstNames = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ali", "Fatima", "Zeynep", "Liam", "Åsa", "Per", "Eva"];
const lastNames = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Yilmaz", "Hussein", "Berg", "Ek", "Lindqvist", "Persson"];
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
const postalCode = (area: number, k: number) => `1${String(area).padStart(2, "0")}${String(k).padStart(2, "0")}`;

interface Seeded {
  areas: string[];
  districts: string[];
  locals: string[];
  someone: string;
}

async function seedDatabase(client: Client, orgId: string, memberCount: number): Promise<Seeded> {
  const areas = Array.from({ length: areaCount }, () => newId(now));
  const districts = Array.from({ length: areaCount - 1 }, () => newId(now));
  const districtOf = (area: number) => districts[Math.min(area, areaCount - 2)] as string;
  const locals = Array.from({ length: localGroups }, () => newId(now));
  const typeId = newId(now);
  await client.batch(
    [
      insertRows(
        "areas",
        ["id", "org_id", "name", "code", "version", "created_at", "updated_at"],
        areas.map((id, i) => [id, orgId, `Area ${i + 1}`, `A${i + 1}`, 1, at, at]),
      ),
      insertRows(
        "groups",
        ["id", "org_id", "kind", "name", "status", "version", "created_at", "updated_at"],
        [
          ...districts.map((id, i) => [id, orgId, "district", `District ${i + 1}`, "active", 1, at, at]),
          ...locals.map((id, i) => [id, orgId, "local", `Local ${i + 1}`, "active", 1, at, at]),
        ],
      ),
      insertRows(
        "group_areas",
        ["org_id", "area_id", "group_id"],
        areas.map((id, i) => [orgId, id, districtOf(i)]),
      ),
      insertRows(
        "area_postal_codes",
        ["org_id", "postal_code", "area_id"],
        areas.flatMap((id, i) => Array.from({ length: codesPerArea }, (_, k) => [orgId, postalCode(i, k), id])),
      ),
      insertRows(
        "membership_types",
        ["id", "org_id", "name", "kind", "fee_minor", "currency", "period_type", "grace_days", "version", "created_at", "updated_at"],
        [[typeId, orgId, "Year", "active", 25000, "SEK", "calendar_year", 30, 1, at, at]],
      ),
    ],
    "write",
  );
  const members: unknown[][] = [];
  const assignments: unknown[][] = [];
  const memberships: unknown[][] = [];
  const rosterRows: unknown[][] = [];
  const ids: string[] = [];
  for (let n = 0; n < memberCount; n++) {
    const id = newId(new Date(now.getTime() - (memberCount - n) * 1000));
    ids.push(id);
    const name = `${pick(firstNames)} ${pick(lastNames)}`;
    const email = `${name.toLowerCase().replace(/\s/g, ".")}.${n}@example.org`;
    const area = Math.floor(random() * areaCount);
    const code = postalCode(area, Math.floor(random() * codesPerArea));
    members.push([id, orgId, String(n + 1), name, name.toLowerCase(), email, email, code, code, areas[area], districtOf(area), at, at]);
    assignments.push([newId(now), orgId, id, areas[area], districtOf(area), code, at, "import"]);
    if (random() < 0.8)
      memberships.push([newId(now), orgId, id, typeId, "active", "2026-01-01", "2026-12-31", "2027-01-30", 25000, "SEK", at]);
  }
  // Rosters of about 40 whatever the organisation's size: what local groups are.
  for (const group of locals)
    for (let k = 0; k < 40; k++) rosterRows.push([newId(now), orgId, group, pick(ids), "member", "2026-02-01", null]);
  const seen = new Set<string>();
  const roster = rosterRows.filter((row) => {
    const key = `${row[2]}|${row[3]}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const memberColumns = [
    "id",
    "org_id",
    "member_number",
    "name",
    "name_key",
    "email",
    "email_key",
    "postal_code",
    "postal_code_key",
    "area_id",
    "district_group_id",
    "created_at",
    "updated_at",
  ];
  await insertInChunks(client, "members", memberColumns, members);
  await insertInChunks(
    client,
    "district_assignments",
    ["id", "org_id", "member_id", "area_id", "district_group_id", "postal_code", "from_at", "reason"],
    assignments,
  );
  await insertInChunks(
    client,
    "memberships",
    ["id", "org_id", "member_id", "type_id", "kind", "starts_on", "ends_on", "grace_until", "fee_minor", "currency", "created_at"],
    memberships,
  );
  await insertInChunks(client, "group_memberships", ["id", "org_id", "group_id", "member_id", "role", "joined_on", "left_on"], roster);
  await seedEvents(client, orgId, locals);
  return { areas, districts, locals, someone: ids[Math.floor(memberCount / 2)] as string };
}

/** 18,000 single events over three years and 2,000 weekly or monthly series, two in three open-ended. */
async function seedEvents(client: Client, orgId: string, groups: string[]) {
  const columns = seededEventColumns;
  const rows: unknown[][] = [];
  const first = Date.parse("2025-06-01T00:00:00Z");
  for (let n = 0; n < singleEvents; n++) {
    const start = new Date(first + Math.floor(random() * 3 * 365) * day + 17 * 3600_000).toISOString();
    const end = new Date(Date.parse(start) + 2 * 3600_000).toISOString();
    const visibility = n % 3 === 0 ? "public" : "members";
    rows.push([
      newId(now),
      orgId,
      `Event ${n}`,
      "meeting",
      pick(groups),
      start,
      end,
      "UTC",
      visibility,
      "scheduled",
      null,
      0,
      start,
      end,
      "none",
      "event",
      0,
      at,
      at,
    ]);
  }
  for (let n = 0; n < seriesCount; n++) {
    // Mondays at 17:00 UTC from a day in 2021–2026; weekly or on the first Monday of the month.
    const start = new Date(Date.parse("2021-01-04T17:00:00Z") + Math.floor(random() * 300) * 7 * day).toISOString();
    const end = new Date(Date.parse(start) + 2 * 3600_000).toISOString();
    const open = n % 3 !== 0;
    const monthly = n % 2 === 0;
    const rrule = `${monthly ? "FREQ=MONTHLY;BYDAY=1MO" : "FREQ=WEEKLY"}${open ? "" : ";COUNT=10"}`;
    const last = open ? "9999-12-31T23:59:59.999Z" : new Date(Date.parse(end) + (monthly ? 10 * 35 : 10 * 7) * day).toISOString();
    const visibility = n % 3 === 0 ? "public" : "members";
    rows.push([
      newId(now),
      orgId,
      `Series ${n}`,
      "meeting",
      pick(groups),
      start,
      end,
      "UTC",
      visibility,
      "scheduled",
      rrule,
      1,
      start,
      last,
      "none",
      "series",
      0,
      at,
      at,
    ]);
  }
  await insertInChunks(client, "events", columns, rows);
}

async function measure(memberCount: number): Promise<Map<string, [number, number]>> {
  const directory = mkdtempSync(join(tmpdir(), "grasrot-bench-plans-"));
  const client = createClient({ url: `file:${join(directory, "bench.db")}` });
  const results = new Map<string, [number, number]>();
  try {
    await applyMigrations(client);
    const db = createDb(client);
    await bootstrapIfEmpty(db, { slug: "demo", adminKey, now });
    const orgId = String((await client.execute("SELECT id FROM organisations WHERE slug = 'demo'")).rows[0]?.id);
    const seeding = performance.now();
    const data = await seedDatabase(client, orgId, memberCount);
    // As the daily job would have done by now (and migrations do at start).
    await applyMigrations(client);
    console.log(`seeded ${memberCount} members in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    const app = createApp({
      db,
      mailer: createMemoryMailer(),
      clock: { now: () => now },
      config: defaultConfig,
      openapiYaml: "",
      openapiJson: "",
    });
    const member = (await signMemberToken(await tokenSecret(db, undefined), { memberId: data.someone, orgId }, now)).token;
    const call = async (path: string, key = adminKey, init: RequestInit = {}) => {
      const headers = { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...init.headers };
      const response = await app.request(path, { ...init, headers });
      if (response.status >= 300 && response.status !== 304) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.arrayBuffer();
    };
    const time = async (label: string, run: (i: number) => Promise<unknown>) => {
      const samples = await samplesOf(run, runs);
      results.set(label, [Math.min(...samples), median(samples)]);
    };
    const base = "/v1/orgs/demo";
    const month = "from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z";
    await time("member by id", () => call(`${base}/members/${data.someone}`));
    await time("members, first page", () => call(`${base}/members?limit=50`));
    await time("name-prefix search 'karin ni'", () => call(`${base}/members?q=karin%20ni`));
    await time("a local group's roster page", () => call(`${base}/groups/${data.locals[7]}/members?limit=50`));
    await time("a district group's roster page", () => call(`${base}/groups/${data.districts[3]}/members?limit=50`));
    await time("a district's membership history", () => call(`${base}/groups/${data.districts[3]}/membership-history?limit=50`));
    await time("/me", () => call(`${base}/me`, member));
    await time("a member's groups (/me/groups)", () => call(`${base}/me/groups`, member));
    await time("events for a month", () => call(`${base}/events?${month}`));
    await time("events for a month, a member's calendar", () => call(`${base}/me/calendar?${month}`, member));
    await time("organisation calendar.ics", () => call(`${base}/calendar.ics`, ""));
    // A calendar app polling with the ETag it holds (without ETags, the whole feed again).
    const held = (await app.request(`${base}/calendar.ics`)).headers.get("ETag") ?? "";
    await time("organisation calendar.ics, polled with If-None-Match", () =>
      call(`${base}/calendar.ics`, "", { headers: held ? { "If-None-Match": held } : {} }),
    );
    // One postal code moves to the next area and back: reassigns the members living there.
    await time("reassignment: one postal code to another area", async (i) => {
      const code = postalCode(2, 5);
      const [from, to] = (i + 1) % 2 === 0 ? [data.areas[2], data.areas[3]] : [data.areas[3], data.areas[2]];
      await call(`${base}/areas/${from}/postal-codes/${code}`, adminKey, { method: "DELETE" });
      await call(`${base}/areas/${to}/postal-codes`, adminKey, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ postalCodes: [code] }),
      });
    });
  } finally {
    client.close();
    rmSync(directory, { recursive: true, force: true });
  }
  return results;
}

const all = new Map<number, Map<string, [number, number]>>();
for (const size of sizes.length > 0 ? sizes : [1000, 100_000]) all.set(size, await measure(size));
const columns = [...all.keys()];
const labels = [...(all.values().next().value?.keys() ?? [])];
console.log(`\nbest (median) of ${runs} runs, ms, through the app in process`);
console.log(`${"".padEnd(48)}${columns.map((c) => `${c.toLocaleString("en")} members`.padStart(20)).join("")}   growth of the best`);
for (const label of labels) {
  const values: [number, number][] = columns.map((c) => all.get(c)?.get(label) ?? [Number.NaN, Number.NaN]);
  const growth = (values[values.length - 1]?.[0] ?? Number.NaN) / (values[0]?.[0] ?? Number.NaN);
  const cells = values.map(([best, middle]) => `${best.toFixed(1)} (${middle.toFixed(1)})`.padStart(20)).join("");
  console.log(`${label.padEnd(48)}${cells}   ×${growth.toFixed(1)}`);
}
