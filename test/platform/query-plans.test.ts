import type { InStatement } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { newId } from "../../src/lib/ids.ts";
import { type TestApp, testApp } from "../helpers/app.ts";
import { memberToken } from "../helpers/members.ts";
import { insertRows, seededEventColumns } from "../helpers/rows.ts";
import { type Recorded, recordStatements } from "../helpers/statements.ts";

/**
 * The plans of the hot reads, as SQLite chooses them for the statements the routes really
 * run: every statement a request sends is recorded at the client and explained. No hot
 * path may walk the whole of `members`, `events`, `group_memberships` or
 * `district_assignments`, nor sort its result in a temporary B-tree: either costs in
 * proportion to the organisation, not to the page. Checked without statistics (a new
 * database) and once the daily job has refreshed the planner's statistics (ANALYZE, PRAGMA optimize).
 */

const watched = ["members", "events", "group_memberships", "district_assignments"];
const memberCount = 1500;
const at = "2026-11-21T08:00:00.000Z";

/** Records every statement the app sends from now on. */
function record(t: TestApp): { take(): Recorded[] } {
  const recorded = recordStatements(t);
  return { take: () => recorded.splice(0) };
}

const firstNames = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ali", "Fatima", "Zeynep", "Liam", "Åsa"];
const lastNames = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Yilmaz", "Hussein", "Berg", "Ek", "Lindqvist"];

interface Seeded {
  orgId: string;
  areaIds: string[];
  districtIds: string[];
  localGroupIds: string[];
  memberIds: string[];
}

/**
 * A small organisation shaped like a real one: members spread over areas and their
 * district groups, a history row each, memberships, local groups of a few dozen, single
 * events over two years and weekly series, most of them open-ended. Without `districts`,
 * shaped like the movement instead: local groups only, and no member in an area or a district.
 */
async function seed(t: TestApp, { districts = true } = {}): Promise<Seeded> {
  const client = t.database.client;
  const orgId = String((await client.execute("SELECT id FROM organisations WHERE slug = 'demo'")).rows[0]?.id);
  // Postal codes fall in six places, which are areas with a district group each when there are districts.
  const places = 6;
  const areaIds = Array.from({ length: districts ? places : 0 }, () => newId());
  const districtIds = Array.from({ length: districts ? places : 0 }, () => newId());
  const localGroupIds = Array.from({ length: 12 }, () => newId());
  const typeId = newId();
  const areaRows = [
    insertRows(
      "areas",
      ["id", "org_id", "name", "code", "version", "created_at", "updated_at"],
      areaIds.map((id, i) => [id, orgId, `Area ${i}`, `A${i}`, 1, at, at]),
    ),
    insertRows(
      "area_postal_codes",
      ["org_id", "postal_code", "area_id"],
      areaIds.flatMap((id, i) => Array.from({ length: 10 }, (_, k) => [orgId, `1${i}${String(k).padStart(3, "0")}`, id])),
    ),
    insertRows(
      "group_areas",
      ["org_id", "area_id", "group_id"],
      areaIds.map((id, i) => [orgId, id, districtIds[i]]),
    ),
  ];
  const statements: InStatement[] = [
    insertRows(
      "groups",
      ["id", "org_id", "kind", "name", "status", "version", "created_at", "updated_at"],
      [
        ...districtIds.map((id, i) => [id, orgId, "district", `District ${i}`, "active", 1, at, at]),
        ...localGroupIds.map((id, i) => [id, orgId, "local", `Local ${i}`, "active", 1, at, at]),
      ],
    ),
    // After the groups, which the area rows name.
    ...(districts ? areaRows : []),
    insertRows(
      "membership_types",
      ["id", "org_id", "name", "kind", "fee_minor", "currency", "period_type", "grace_days", "version", "created_at", "updated_at"],
      [[typeId, orgId, "Year", "active", 25000, "SEK", "calendar_year", 30, 1, at, at]],
    ),
  ];
  const memberIds: string[] = [];
  for (let start = 0; start < memberCount; start += 250) {
    const members: unknown[][] = [];
    const assignments: unknown[][] = [];
    const memberships: unknown[][] = [];
    const groupRows: unknown[][] = [];
    for (let n = start; n < start + 250; n++) {
      const id = newId();
      memberIds.push(id);
      const name = `${firstNames[n % firstNames.length]} ${lastNames[(n * 7) % lastNames.length]}`;
      const email = `${name.toLowerCase().replace(/\s/g, ".")}.${n}@example.org`;
      const area = n % places;
      const code = `1${area}${String(n % 10).padStart(3, "0")}`;
      members.push([
        id,
        orgId,
        String(n + 1),
        name,
        name.toLowerCase(),
        email,
        email,
        code,
        code,
        areaIds[area] ?? null,
        districtIds[area] ?? null,
        at,
        at,
      ]);
      if (districts) assignments.push([newId(), orgId, id, areaIds[area], districtIds[area], code, at, "import"]);
      if (n % 10 < 7) memberships.push([newId(), orgId, id, typeId, "active", "2026-01-01", "2026-12-31", "2027-01-30", 25000, "SEK", at]);
      if (n % 3 === 0) groupRows.push([newId(), orgId, localGroupIds[n % localGroupIds.length], id, "member", "2026-01-10", null]);
    }
    statements.push(
      insertRows(
        "members",
        [
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
        ],
        members,
      ),
      ...(districts
        ? [
            insertRows(
              "district_assignments",
              ["id", "org_id", "member_id", "area_id", "district_group_id", "postal_code", "from_at", "reason"],
              assignments,
            ),
          ]
        : []),
      insertRows(
        "memberships",
        ["id", "org_id", "member_id", "type_id", "kind", "starts_on", "ends_on", "grace_until", "fee_minor", "currency", "created_at"],
        memberships,
      ),
      insertRows("group_memberships", ["id", "org_id", "group_id", "member_id", "role", "joined_on", "left_on"], groupRows),
    );
  }
  const events: unknown[][] = [];
  const eventColumns = seededEventColumns;
  const day = 24 * 3600 * 1000;
  for (let n = 0; n < 600; n++) {
    const start = new Date(Date.parse("2025-06-02T16:00:00.000Z") + n * day).toISOString();
    const end = new Date(Date.parse(start) + 2 * 3600 * 1000).toISOString();
    const groupId = n % 4 === 0 ? localGroupIds[n % localGroupIds.length] : null;
    const visibility = n % 3 === 0 ? "public" : n % 3 === 1 ? "members" : "group";
    events.push([
      newId(),
      orgId,
      `Event ${n}`,
      "meeting",
      groupId,
      start,
      end,
      "Europe/Stockholm",
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
  for (let n = 0; n < 60; n++) {
    // Weekly series begun over the past years; a third of them ended long ago.
    const start = new Date(Date.parse("2021-01-04T17:00:00.000Z") + n * 20 * day).toISOString();
    const end = new Date(Date.parse(start) + 2 * 3600 * 1000).toISOString();
    const ended = n % 3 === 0;
    const rrule = ended ? "FREQ=WEEKLY;COUNT=10" : "FREQ=WEEKLY";
    const last = ended ? new Date(Date.parse(end) + 9 * 7 * day).toISOString() : "9999-12-31T23:59:59.999Z";
    events.push([
      newId(),
      orgId,
      `Series ${n}`,
      "meeting",
      localGroupIds[n % localGroupIds.length],
      start,
      end,
      "Europe/Stockholm",
      "members",
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
  statements.push(insertRows("events", eventColumns, events));
  await client.batch(statements, "write");
  return { orgId, areaIds, districtIds, localGroupIds, memberIds };
}

interface Finding {
  route: string;
  sql: string;
  plan: string[];
}

/** The names a statement gives the watched tables: the tables themselves and their aliases. */
function namesOfWatched(sql: string): Set<string> {
  const names = new Set<string>();
  const reference = /["`]?(members|events|group_memberships|district_assignments)["`]?(?:\s+(?:AS\s+)?["`]?(\w+)["`]?)?/gi;
  for (const match of sql.matchAll(reference)) {
    names.add((match[1] as string).toLowerCase());
    const alias = match[2]?.toLowerCase();
    if (alias && !/^(where|on|join|left|inner|set|values|order|group|limit|union|select|using|as|natural|cross)$/.test(alias))
      names.add(alias);
  }
  return names;
}

interface PlanLine {
  id: number;
  parent: number;
  detail: string;
}

async function explain(t: TestApp, statement: Recorded): Promise<PlanLine[]> {
  const result = await t.database.client.execute({ sql: `EXPLAIN QUERY PLAN ${statement.sql}`, args: statement.args });
  return result.rows.map((row) => ({ id: Number(row.id), parent: Number(row.parent), detail: String(row.detail) }));
}

/** Whether the line lies inside a correlated subquery: run once per row of a single member, over that member's few rows. */
function perRow(plan: PlanLine[], line: PlanLine): boolean {
  for (let at = plan.find((l) => l.id === line.parent); at; at = plan.find((l) => l.id === at?.parent)) {
    if (at.detail.startsWith("CORRELATED SCALAR SUBQUERY")) return true;
  }
  return false;
}

/**
 * The one sort a hot path may do: the e-mail half of a member search sorts its own matches
 * into name order, as no index holds e-mail prefixes in name order. It costs the addresses
 * the prefix matches whose name does not (found by their share with the name), not the
 * organisation, and it sorts what one covering index holds (name key and id), never the
 * members' rows: those are read for the page alone.
 */
const sortsEmailMatches = (plan: PlanLine[], sort: PlanLine) =>
  plan.some(
    (l) =>
      l.parent === sort.parent &&
      /^SEARCH members USING COVERING INDEX members_org_share_email_idx \(org_id=\? AND <expr>=\? AND email_key>\? AND email_key<\?\)$/.test(
        l.detail,
      ),
  );

/** What in a plan walks a watched table whole or sorts in a temporary B-tree. */
async function problemsOf(t: TestApp, route: string, statements: Recorded[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const relevant = statements.filter(
    (statement) => /^\s*(SELECT|UPDATE|INSERT|DELETE|WITH)/i.test(statement.sql) && watched.some((table) => statement.sql.includes(table)),
  );
  // A route that read none of the watched tables would make this check say nothing.
  expect(relevant.length, `${route} ran no statement on ${watched.join(", ")}`).toBeGreaterThan(0);
  if (route === "area reassignment") expect(relevant.some((s) => /^\s*UPDATE "?members"?/i.test(s.sql))).toBe(true);
  for (const statement of relevant) {
    const plan = await explain(t, statement);
    const names = namesOfWatched(statement.sql);
    const pageByName = /order by "members"\."name_key" asc, "members"\."id" asc limit \?/.test(statement.sql);
    const bad = plan.filter((line) => {
      // Moving a postal code concerns the members at that code, not every member of the areas involved.
      if (route === "area reassignment" && /^SEARCH \w+ USING (?:COVERING )?INDEX members_org_area_idx/.test(line.detail)) return true;
      // Members found by their organisation (and enrolment) alone are all of them: only a page
      // in name order may read them so, as it stops once the page is full.
      if (!pageByName && /^SEARCH \w+ USING (?:COVERING )?INDEX members_\w+ \(org_id=\?(?: AND enrolled=\?)?\)$/.test(line.detail))
        return true;
      const scan = /^SCAN (\w+)/.exec(line.detail);
      if (scan && names.has((scan[1] as string).toLowerCase())) return true;
      if (!/USE TEMP B-TREE FOR (?:LAST TERM OF |RIGHT PART OF )?ORDER BY/.test(line.detail)) return false;
      return !perRow(plan, line) && !sortsEmailMatches(plan, line);
    });
    // The e-mail half of a search finds its matches by their share and address, whatever the
    // statistics say: walking the name index instead reads the whole organisation to find a few.
    const emailHalf = /"members"\."email_key" >= \?/.test(statement.sql);
    if (emailHalf && !plan.some((line) => sortsEmailMatches(plan, line))) bad.push(...plan);
    if (bad.length > 0) findings.push({ route, sql: statement.sql.replace(/\s+/g, " "), plan: plan.map((l) => l.detail) });
  }
  return findings;
}

async function hotRoutes(t: TestApp, data: Seeded) {
  const someone = data.memberIds[Math.floor(memberCount / 2)] as string;
  const member = await memberToken(t, someone);
  const base = `/v1/orgs/${t.org}`;
  const group = data.localGroupIds[3] as string;
  const district = data.districtIds[2];
  const reads: [string, string, string | null | undefined][] = [
    ["member by id", `${base}/members/${someone}`, undefined],
    ["members, first page", `${base}/members?limit=50`, undefined],
    ["name-prefix search", `${base}/members?q=karin%20ni`, undefined],
    ["everyone, first page", `${base}/contacts?limit=50`, undefined],
    ["contacts who are not members", `${base}/contacts?member=false&limit=50`, undefined],
    ["a search of everyone", `${base}/contacts?q=karin%20ni`, undefined],
    ["a group's roster page", `${base}/groups/${group}/members?limit=50`, undefined],
    ["a group's membership history", `${base}/groups/${group}/membership-history?limit=50`, undefined],
    ["events for a month", `${base}/events?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z`, undefined],
    ["a member's events for a month", `${base}/me/calendar?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z`, member],
    ["/me", `${base}/me`, member],
    ["the public calendar feed", `${base}/calendar.ics`, null],
    ["a member's groups", `${base}/me/groups`, member],
    ["groups, first page", `${base}/groups?limit=50`, undefined],
    ["a group", `${base}/groups/${group}`, undefined],
    ["current members", `${base}/members?status=current&limit=50`, undefined],
  ];
  if (district !== undefined)
    reads.push(
      ["a district group's roster page", `${base}/groups/${district}/members?limit=50`, undefined],
      ["a district's membership history", `${base}/groups/${district}/membership-history?limit=50`, undefined],
      ["a district group", `${base}/groups/${district}`, undefined],
      ["members of an area", `${base}/members?areaId=${data.areaIds[1]}&limit=50`, undefined],
    );
  return { reads, member, base };
}

async function findingsOfHotPaths(t: TestApp, data: Seeded): Promise<Finding[]> {
  const recorder = record(t);
  const { reads, base } = await hotRoutes(t, data);
  const findings: Finding[] = [];
  for (const [route, path, key] of reads) {
    recorder.take();
    const response = await t.request("GET", path, key === undefined ? {} : { key });
    expect(response.status, `${route}: ${await response.clone().text()}`).toBe(200);
    findings.push(...(await problemsOf(t, route, recorder.take())));
  }
  if (data.areaIds.length === 0) return findings;
  // Area reassignment: one postal code moves to another area; only the members concerned are touched.
  const [from, to] = [data.areaIds[0] as string, data.areaIds[1] as string];
  recorder.take();
  const moved = await t.request("POST", `${base}/areas/${to}/postal-codes`, { body: { postalCodes: ["10003"] } });
  const movedText = await moved.clone().text();
  expect([200, 201, 409], movedText).toContain(moved.status);
  if (moved.status === 409) {
    // The code is held by another area: take it away there first, as an operator would.
    await t.request("DELETE", `${base}/areas/${from}/postal-codes/10003`);
    recorder.take();
    const again = await t.request("POST", `${base}/areas/${to}/postal-codes`, { body: { postalCodes: ["10003"] } });
    expect(again.status, await again.clone().text()).toBeLessThan(300);
  }
  findings.push(...(await problemsOf(t, "area reassignment", recorder.take())));
  return findings;
}

const report = (findings: Finding[]) => findings.map((f) => `${f.route}:\n  ${f.sql}\n    ${f.plan.join("\n    ")}`).join("\n\n");

describe("query plans of the hot paths", () => {
  it("walk no watched table whole and sort nothing in a temporary B-tree, on a new database", async () => {
    const t = await testApp();
    const data = await seed(t);
    const findings = await findingsOfHotPaths(t, data);
    expect(findings, report(findings)).toEqual([]);
  }, 60_000);

  it("keep to their indexes once the daily job has gathered statistics", async () => {
    const t = await testApp();
    const data = await seed(t);
    await gatherStatistics(t);
    const findings = await findingsOfHotPaths(t, data);
    expect(findings, report(findings)).toEqual([]);
  }, 60_000);

  it("keep to their indexes in an organisation without districts, with the daily job's statistics and with a full ANALYZE", async () => {
    const t = await testApp();
    const data = await seed(t, { districts: false });
    await gatherStatistics(t);
    const sampled = await findingsOfHotPaths(t, data);
    expect(sampled, report(sampled)).toEqual([]);
    // What an operator may run by hand: every row counted, where the job samples about a thousand.
    await t.database.client.execute("ANALYZE");
    const counted = await findingsOfHotPaths(t, data);
    expect(counted, report(counted)).toEqual([]);
  }, 60_000);
});

/** The daily job's statistics, which must describe the seeded members, not the empty tables migrations saw. */
async function gatherStatistics(t: TestApp) {
  const reports = await runScheduled("23 3 * * *", new Date(at), { db: t.db, mailer: t.mailer, clock: t.clock });
  expect(
    reports.every((r) => r.ok),
    JSON.stringify(reports),
  ).toBe(true);
  const stats = await t.database.client.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'members_org_name_idx'");
  expect(Number(String(stats.rows[0]?.stat).split(" ")[0])).toBeGreaterThanOrEqual(memberCount);
}
