import type { Client } from "@libsql/client";
import { newId } from "../src/lib/ids.ts";
import { insertInChunks } from "../test/helpers/rows.ts";
import { withReportBench } from "./report-bench.ts";

const attendanceCount = Number(process.argv[2] ?? 100_000);
const peopleCount = Math.max(1_000, Math.round(attendanceCount / 5));
const eventCount = Math.max(100, Math.round(attendanceCount / 50));
const partnerCount = 30;
const now = new Date("2027-01-15T10:00:00.000Z");
const at = now.toISOString();
const countries = ["GT", "SV", "NI", "KE", "ZA", "PS", "CO", "BO", "PH", "MZ"];

/** mulberry32: repeatable, and without the short cycles of a plain linear congruence in its low bits. */
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
};
const below = (n: number) => Math.floor(random() * n);
const dayOf2026 = (offset: number) => new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10);

async function seedDatabase(client: Client, orgId: string) {
  const genders = ["woman", "man", "other", null];
  const people: string[] = [];
  const rows: unknown[][] = [];
  for (let n = 0; n < peopleCount; n++) {
    const id = newId(new Date(now.getTime() - (peopleCount - n) * 1000));
    people.push(id);
    // Half women, four in ten men, a few other, some unknown; ages 15–80, a tenth unknown.
    const roll = random();
    const gender = roll < 0.5 ? genders[0] : roll < 0.9 ? genders[1] : roll < 0.93 ? genders[2] : genders[3];
    const birthYear = random() < 0.1 ? null : 1946 + below(66);
    // A third are contacts, never enrolled (their member number is their own id).
    const enrolled = random() < 0.67;
    rows.push([id, orgId, enrolled ? String(n + 1) : id, enrolled ? 1 : 0, `Person ${n}`, `person ${n}`, gender, birthYear, at, at]);
  }
  await insertInChunks(
    client,
    "members",
    ["id", "org_id", "member_number", "enrolled", "name", "name_key", "gender", "birth_year", "created_at", "updated_at"],
    rows,
  );

  const areas = ["Extended democracy", "Women, youth and marginalised groups", "Capacity building"].map((name) => [
    newId(now),
    orgId,
    name,
    1,
    at,
    at,
  ]);
  await insertInChunks(client, "programme_areas", ["id", "org_id", "name", "version", "created_at", "updated_at"], areas);
  const partners = Array.from({ length: partnerCount }, (_, i) => [
    newId(now),
    orgId,
    `Partner ${String(i + 1).padStart(2, "0")}`,
    "party",
    countries[i % countries.length],
    "[]",
    1,
    at,
    at,
  ]);
  await insertInChunks(
    client,
    "partners",
    ["id", "org_id", "name", "kind", "country", "relations", "version", "created_at", "updated_at"],
    partners,
  );

  const events: unknown[][] = [];
  const areaLinks: unknown[][] = [];
  const partnerLinks: unknown[][] = [];
  const registrations: unknown[][] = [];
  const checkIns: unknown[][] = [];
  const perEvent = Math.ceil(attendanceCount / eventCount);
  let attendances = 0;
  for (let e = 0; e < eventCount && attendances < attendanceCount; e++) {
    const id = newId(now);
    const day = dayOf2026(below(360));
    const startsAt = `${day}T14:00:00.000Z`;
    const endsAt = `${day}T18:00:00.000Z`;
    const meeting = e % 10 === 0;
    const abroad = !meeting && random() < 0.2;
    events.push([
      id,
      orgId,
      meeting ? "member_meeting" : "training",
      "Activity",
      startsAt,
      endsAt,
      "Europe/Stockholm",
      abroad ? countries[below(countries.length)] : null,
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
    const inArea = below(areas.length);
    areaLinks.push([id, areas[inArea]?.[0]]);
    if (random() < 0.1) areaLinks.push([id, areas[(inArea + 1) % areas.length]?.[0]]);
    if (abroad || random() < 0.3) partnerLinks.push([id, partners[below(partnerCount)]?.[0]]);
    const present = new Set<string>();
    while (present.size < Math.min(perEvent, attendanceCount - attendances)) present.add(people[below(peopleCount)] as string);
    for (const person of present) {
      if (meeting) checkIns.push([id, "", person, startsAt, null]);
      else registrations.push([newId(now), orgId, id, "", person, "attended", 1, at, at]);
    }
    attendances += present.size;
  }
  await insertInChunks(
    client,
    "events",
    [
      "id",
      "org_id",
      "kind",
      "title",
      "starts_at",
      "ends_at",
      "time_zone",
      "country",
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
  await insertInChunks(client, "event_programme_areas", ["event_id", "programme_area_id"], areaLinks);
  await insertInChunks(client, "event_partners", ["event_id", "partner_id"], partnerLinks);
  await insertInChunks(
    client,
    "event_registrations",
    ["id", "org_id", "event_id", "occurrence_start", "member_id", "status", "version", "created_at", "updated_at"],
    registrations,
  );
  await insertInChunks(
    client,
    "meeting_attendance",
    ["event_id", "occurrence_start", "member_id", "checked_in_at", "checked_out_at"],
    checkIns,
  );
  return {
    people: people.length,
    events: events.length,
    registrations: registrations.length,
    checkIns: checkIns.length,
    area: areas[0]?.[0] as string,
    partner: partners[0]?.[0] as string,
  };
}

await withReportBench(
  {
    now,
    seed: async (client, org) => {
      const { area: _, partner: __, ...counts } = await seedDatabase(client, org);
      return `${attendanceCount} attendances (${JSON.stringify(counts)})`;
    },
  },
  async ({ client, call, time, runs }) => {
    const area = (await client.execute("SELECT id FROM programme_areas ORDER BY name LIMIT 1")).rows[0]?.id as string;
    const partner = (await client.execute("SELECT id FROM partners ORDER BY name LIMIT 1")).rows[0]?.id as string;
    const year = "from=2026-01-01&to=2026-12-31";
    const report = JSON.parse(await call(`/v1/orgs/demo/reports/participation?${year}`)) as Record<string, unknown>;
    console.log("\nthe year's totals:", report.totals, "by gender:", report.byGender);
    console.log(`\nmedian of ${runs} runs, through the app (routing, auth, validation, JSON):`);
    await time("participation report, the year, JSON", () => call(`/v1/orgs/demo/reports/participation?${year}`));
    await time("participation report, the year, CSV", () => call(`/v1/orgs/demo/reports/participation.csv?${year}`));
    await time("participation report, one programme area", () => call(`/v1/orgs/demo/reports/participation?${year}&programmeArea=${area}`));
    await time("participation report, one partner", () => call(`/v1/orgs/demo/reports/participation?${year}&partner=${partner}`));
    await time("participation report, one month", () => call("/v1/orgs/demo/reports/participation?from=2026-03-01&to=2026-03-31"));
    await time("partner report, the year", () => call(`/v1/orgs/demo/reports/partners?${year}`));
  },
);
