/**
 * Member queries at city scale: 100,000 members in 14 areas (13 district groups, two
 * areas merged), in a temporary libSQL file, through the real app in process.
 * Prints the median of several runs per operation; asserts nothing on time.
 *
 *   npx tsx bench/members.ts [members]
 *
 * BENCH_DB=/path/file.db keeps the seeded database there and reuses it on the next run
 * (the timed writes change it a little; delete the file for a clean start).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client, InStatement } from "@libsql/client";
import { createApp } from "../src/app.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { encodeCursor } from "../src/db/cursors.ts";
import { openEmbedded } from "../src/db/embedded.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { defaultConfig } from "../src/deps.ts";
import { newId } from "../src/lib/ids.ts";
import { createMemoryMailer } from "../src/mail/mailer.ts";
import { reassign } from "../src/members/district.ts";
import { insertRows } from "../test/helpers/rows.ts";
import { loopHolds, printTimes, samplesOf } from "./timing.ts";

const memberCount = Number(process.argv[2] ?? 100_000);
const areaCount = 14;
const codesPerArea = 25;
const runs = 7;
const adminKey = "grs_benchadminkey0123456789abcdefgh";
const now = new Date("2026-11-21T10:00:00.000Z");

const firstNames = [
  "Anna",
  "Erik",
  "Maria",
  "Lars",
  "Karin",
  "Johan",
  "Sara",
  "Anders",
  "Eva",
  "Per",
  "Lena",
  "Nils",
  "Ingrid",
  "Ali",
  "Fatima",
  "Mohammed",
  "Elin",
  "Oskar",
  "Ebba",
  "Hugo",
  "Åsa",
  "Örjan",
  "Zeynep",
  "Liam",
];
const lastNames = [
  "Andersson",
  "Johansson",
  "Karlsson",
  "Nilsson",
  "Eriksson",
  "Larsson",
  "Olsson",
  "Persson",
  "Svensson",
  "Gustafsson",
  "Pettersson",
  "Jonsson",
  "Jansson",
  "Hansson",
  "Bengtsson",
  "Yilmaz",
  "Hussein",
  "Lindqvist",
  "Berg",
  "Ek",
];

/** Deterministic pseudo-random numbers, so every run seeds the same data. */
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;

const postalCode = (area: number, k: number) => `1${String(area).padStart(2, "0")}${String(k).padStart(2, "0")}`;

async function seedDatabase(client: Client, orgId: string) {
  const at = now.toISOString();
  const areas = Array.from({ length: areaCount }, (_, i) => ({ id: newId(now), index: i }));
  // Two areas merged into one district group: 13 groups for 14 areas.
  const groups = Array.from({ length: areaCount - 1 }, () => newId(now));
  const groupOf = (area: number) => groups[Math.min(area, areaCount - 2)] as string;
  const statements: InStatement[] = [
    insertRows(
      "areas",
      ["id", "org_id", "name", "code", "version", "created_at", "updated_at"],
      areas.map((a) => [a.id, orgId, `Area ${a.index + 1}`, `A${a.index + 1}`, 1, at, at]),
    ),
    insertRows(
      "groups",
      ["id", "org_id", "kind", "name", "status", "version", "created_at", "updated_at"],
      groups.map((id, i) => [id, orgId, "district", `District group ${i + 1}`, "active", 1, at, at]),
    ),
    insertRows(
      "group_areas",
      ["org_id", "area_id", "group_id"],
      areas.map((a) => [orgId, a.id, groupOf(a.index)]),
    ),
    insertRows(
      "area_postal_codes",
      ["org_id", "postal_code", "area_id"],
      areas.flatMap((a) => Array.from({ length: codesPerArea }, (_, k) => [orgId, postalCode(a.index, k), a.id])),
    ),
  ];
  const types = { year: newId(now), rolling: newId(now) };
  statements.push(
    insertRows(
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
        [types.year, orgId, "Active member", "active", 25000, "SEK", "calendar_year", null, 30, 0, 1, at, at],
        [types.rolling, orgId, "Supporting member", "supporting", 10000, "SEK", "rolling", 12, 30, 0, 1, at, at],
      ],
    ),
  );
  await client.batch(statements, "write");

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
  const membershipColumns = [
    "id",
    "org_id",
    "member_id",
    "type_id",
    "kind",
    "starts_on",
    "ends_on",
    "grace_until",
    "fee_minor",
    "currency",
    "created_at",
  ];
  const assignmentColumns = ["id", "org_id", "member_id", "area_id", "district_group_id", "postal_code", "from_at", "reason"];
  const chunk = 500;
  for (let start = 0; start < memberCount; start += chunk) {
    const members: unknown[][] = [];
    const memberships: unknown[][] = [];
    const assignments: unknown[][] = [];
    for (let n = start; n < Math.min(start + chunk, memberCount); n++) {
      const id = newId(new Date(now.getTime() - (memberCount - n) * 1000));
      const name = `${pick(firstNames)} ${pick(lastNames)}`;
      const email = `${name.toLowerCase().replace(/\s/g, ".")}.${n}@example.org`;
      const unassigned = random() < 0.02;
      const area = Math.floor(random() * areaCount);
      const code = unassigned ? "99999" : postalCode(area, Math.floor(random() * codesPerArea));
      const areaId = unassigned ? null : (areas[area]?.id ?? null);
      const groupId = unassigned ? null : groupOf(area);
      members.push([id, orgId, String(n + 1), name, name.toLowerCase(), email, email, code, code, areaId, groupId, at, at]);
      assignments.push([newId(now), orgId, id, areaId, groupId, code, at, "import"]);
      const roll = random();
      // 70% current, 10% in grace, 10% lapsed, 10% without a membership.
      if (roll < 0.7)
        memberships.push([newId(now), orgId, id, types.year, "active", "2026-01-01", "2026-12-31", "2027-01-30", 25000, "SEK", at]);
      else if (roll < 0.8)
        memberships.push([newId(now), orgId, id, types.rolling, "supporting", "2025-11-01", "2026-10-31", "2026-11-30", 10000, "SEK", at]);
      else if (roll < 0.9)
        memberships.push([newId(now), orgId, id, types.year, "active", "2024-01-01", "2024-12-31", "2025-01-30", 25000, "SEK", at]);
    }
    const batch = [insertRows("members", memberColumns, members), insertRows("district_assignments", assignmentColumns, assignments)];
    if (memberships.length > 0) batch.push(insertRows("memberships", membershipColumns, memberships));
    await client.batch(batch, "write");
  }
}

async function time(label: string, run: (i: number) => Promise<unknown>, times = runs) {
  printTimes(label, await samplesOf(run, times), 58);
}

async function main() {
  const kept = process.env.BENCH_DB;
  const directory = kept ? undefined : mkdtempSync(join(tmpdir(), "grasrot-bench-"));
  // Opened as the server opens it (src/db/embedded.ts): its long batches give way to other requests.
  const client = await openEmbedded(`file:${kept ?? join(directory ?? "", "bench.db")}`);
  try {
    await applyMigrations(client);
    const db = createDb(client);
    const fresh = await bootstrapIfEmpty(db, { slug: "demo", adminKey, now });
    const org = (await client.execute("SELECT id FROM organisations WHERE slug = 'demo'")).rows[0]?.id as string;
    if (fresh) {
      const seeding = performance.now();
      await seedDatabase(client, org);
      console.log(`seeded ${memberCount} members in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    }
    const areas = (
      await client.execute({ sql: "SELECT id FROM areas WHERE org_id = ? ORDER BY CAST(substr(code, 2) AS INTEGER)", args: [org] })
    ).rows.map((row) => ({
      id: String(row.id),
    }));

    const app = createApp({
      db,
      mailer: createMemoryMailer(),
      clock: { now: () => now },
      config: defaultConfig,
      openapiYaml: "",
      openapiJson: "",
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await app.request(path, {
        method,
        headers: { Authorization: `Bearer ${adminKey}`, ...(body ? { "Content-Type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response;
    };
    const base = "/v1/orgs/demo/members";
    const deep = (
      await client.execute("SELECT name_key, id FROM members ORDER BY name_key, id LIMIT 1 OFFSET ?", [Math.floor(memberCount * 0.9)])
    ).rows[0];
    const cursor = encodeCursor([String(deep?.name_key), String(deep?.id)]);
    const someone = (await client.execute("SELECT id FROM members ORDER BY id LIMIT 1 OFFSET ?", [Math.floor(memberCount / 2)])).rows[0]
      ?.id as string;

    console.log(`\nmedian of ${runs} runs, through the app (routing, auth, validation, JSON):`);
    await time("list, first page (50)", () => call("GET", `${base}?limit=50`));
    await time("list, deep page via cursor (90% in)", () => call("GET", `${base}?limit=50&cursor=${cursor}`));
    await time("list, status=current", () => call("GET", `${base}?status=current`));
    await time("list, status=lapsed", () => call("GET", `${base}?status=lapsed`));
    await time("list, status=none", () => call("GET", `${base}?status=none`));
    await time("list, areaId", () => call("GET", `${base}?areaId=${areas[3]?.id}`));
    await time("list, unassigned=true", () => call("GET", `${base}?unassigned=true`));
    await time("search, name prefix 'zeynep hu'", () => call("GET", `${base}?q=zeynep%20hu`));
    await time("search, name prefix 'a' (broad)", () => call("GET", `${base}?q=a`));
    await time("search, e-mail prefix 'liam.ek.'", () => call("GET", `${base}?q=liam.ek.`));
    await time("search, member number", () => call("GET", `${base}?memberNumber=4711`));
    await time("single member read", () => call("GET", `${base}/${someone}`));
    const stamp = Date.now();
    await time("create member (number assigned)", (i) =>
      call("POST", base, { name: `Bench ${i}`, email: `bench.${stamp}.${i}@example.org`, postalCode: postalCode(1, 1) }),
    );
    await time("address change with reassignment (PATCH)", (i) =>
      call("PATCH", `${base}/${someone}`, { postalCode: postalCode(i % 2 === 0 ? 2 : 5, 3) }),
    );

    // A whole area's postal codes move to another area (a boundary change), then set-based reassignment.
    const [from, to] = [areas[0]?.id as string, areas[1]?.id as string];
    let moved = 0;
    let longestHold = 0;
    await time(
      "set-based reassignment of a whole area (~7,000 members)",
      async (i) => {
        const [source, target] = i % 2 === 0 ? [from, to] : [to, from];
        await client.execute({
          sql: "UPDATE area_postal_codes SET area_id = ? WHERE org_id = ? AND area_id = ? AND postal_code LIKE ?",
          args: [target, org, source, "100%"], // the first area's own codes, there and back
        });
        const { gaps } = await loopHolds(() =>
          reassign(db, {
            orgId: org,
            scope: { areaIds: [source, target] },
            reason: "areas_changed",
            now: new Date(now.getTime() + i + 10),
          }),
        );
        longestHold = Math.max(longestHold, ...gaps);
        moved = Number((await client.execute({ sql: "SELECT count(*) AS n FROM members WHERE area_id = ?", args: [target] })).rows[0]?.n);
      },
      5,
    );
    console.log(
      `  (members in the receiving area after the last move: ${moved}; the event loop held at most ${longestHold.toFixed(0)} ms at a time)`,
    );

    const exportStarted = performance.now();
    const csv = await (await call("GET", `${base.replace("/members", "/members.csv")}`)).text();
    console.log(
      `CSV export of all members, streamed in chunks of 1000       ${(performance.now() - exportStarted).toFixed(0).padStart(8)} ms   (${(csv.length / 1_048_576).toFixed(1)} MiB)`,
    );
  } finally {
    client.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
}

await main();
