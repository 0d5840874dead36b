import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { allLong } from "../db/long-reads.ts";
import { endOfLocalDay, startOfLocalDay } from "../lib/dates.ts";
import { invalid } from "../lib/problems.ts";
import { dayMs } from "../lib/zone.ts";
import { participationSettings } from "./participation-settings.ts";

/**
 * The figures funders ask for, from recorded attendance: who attended an event
 * (`event_registrations` with status `attended`), a session of a course registered for as a
 * whole (`event_session_attendance`, which then stands for that person's registration), or
 * checked in at a member meeting (`meeting_attendance`), the same person at the same session
 * counted once. An activity is an event, or one session of a series registered for session
 * by session, with attendance in the period; it happens at the session's start (a series
 * registered for as a whole without attendance per session: its first session). Every figure is one SQL aggregate over those attendances; nothing but one
 * row per cell reaches JavaScript. Counts of people below the organisation's minimum are
 * suppressed (null), so no cell points at one or two people.
 */

/** The widest period a report covers: five years. */
export const maxReportDays = 1830;

const genders = [
  ["woman", "women"],
  ["man", "men"],
  ["other", "other"],
  ["unknown", "unknown"],
] as const;

export interface Period {
  from: string;
  to: string;
  fromAt: string;
  toAt: string;
}

/** Checks a report's local days and turns them into instants: [start of `from`, end of `to`). */
export function periodOf(ctx: Ctx, query: { from: string; to: string }): Period {
  if (query.to < query.from) throw invalid("query.to", "must not be before from");
  if (Date.parse(query.to) - Date.parse(query.from) > maxReportDays * dayMs)
    throw invalid("query.to", `must be at most ${maxReportDays} days after from`);
  return {
    from: query.from,
    to: query.to,
    fromAt: startOfLocalDay(query.from, ctx.org.timeZone).toISOString(),
    toAt: endOfLocalDay(query.to, ctx.org.timeZone).toISOString(),
  };
}

/** A query's `programmeArea` or `partner`: one of the organisation's, or a 422 naming the parameter. */
async function requireOwn(ctx: Ctx, table: typeof schema.programmeAreas | typeof schema.partners, id: string | undefined, field: string) {
  if (id === undefined) return;
  const [found] = await ctx.db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.orgId, ctx.org.id), eq(table.id, id)))
    .limit(1);
  if (!found) throw invalid(field, "is not one of this organisation's");
}

export interface AgeBand {
  key: string;
  band: string;
  minAge: number | null;
  maxAge: number | null;
}

/** The bands the limits cut ages into: [30] is "under 30" and "30 and over". */
export function ageBandsOf(limits: number[]): AgeBand[] {
  if (limits.length === 0) return [{ key: "b0", band: "all ages", minAge: null, maxAge: null }];
  return [...limits, null].map((limit, index) => {
    const from = index === 0 ? null : (limits[index - 1] as number);
    const band = from === null ? `under ${limit}` : limit === null ? `${from} and over` : `${from}–${limit - 1}`;
    return { key: `b${index}`, band, minAge: from, maxAge: limit === null ? null : limit - 1 };
  });
}

function bandExpression(limits: number[]): SQL {
  if (limits.length === 0) return sql`CASE WHEN age IS NULL THEN 'unknown' ELSE 'b0' END`;
  const whens = limits.map((limit, index) => sql`WHEN age < ${limit} THEN ${`b${index}`}`);
  return sql`CASE WHEN age IS NULL THEN 'unknown' ${sql.join(whens, sql` `)} ELSE ${`b${limits.length}`} END`;
}

interface Cell {
  dim: "total" | "gender" | "age" | "country" | "area" | "partner";
  key: string;
  activities: number;
  participants: number;
  attendances: number;
}

/** When an attendance happened: the session's start, or the event's first start for a registration covering every session. */
const atText = (alias: "r" | "a") => `CASE WHEN ${alias}.occurrence_start = '' THEN h.starts_at ELSE ${alias}.occurrence_start END`;
const atOf = (alias: "r" | "a") => sql.raw(atText(alias));
/** What identifies an activity: the event's row number, with the session's start for a session of its own. */
const activityOf = (alias: "r" | "a") =>
  sql.raw(`CASE WHEN ${alias}.occurrence_start = '' THEN h.ev ELSE h.ev || '@' || ${alias}.occurrence_start END`);
/** The activity's year (UTC), for ages. */
const yearOf = (alias: "r" | "a") => sql.raw(`CAST(substr(${atText(alias)}, 1, 4) AS INTEGER)`);

/**
 * One statement: the attendances of the period (filtered), then each breakdown grouped over
 * them. Activities are counted by the event's row number (with the session's start for a
 * session of its own), which compares faster than ids. Gender and age come from the people
 * once per person and year, not once per attendance: the attendances are first summed per
 * person, and only those sums are joined to the people. Someone registered as attended and
 * also checked in at the same session counts once.
 */
async function cells(
  ctx: Ctx,
  period: Period,
  filter: { programmeArea?: string | undefined; partner?: string | undefined },
  limits: number[],
) {
  const inArea = filter.programmeArea
    ? sql`AND e.id IN (SELECT event_id FROM event_programme_areas WHERE programme_area_id = ${filter.programmeArea})`
    : sql``;
  const withPartner = filter.partner ? sql`AND e.id IN (SELECT event_id FROM event_partners WHERE partner_id = ${filter.partner})` : sql``;
  const inPeriod = (alias: "r" | "a") => sql`${atOf(alias)} >= ${period.fromAt} AND ${atOf(alias)} < ${period.toAt}`;
  const figures = sql`count(DISTINCT activity) AS activities, count(DISTINCT person) AS participants, count(*) AS attendances`;
  const perPerson = sql`0, count(DISTINCT person), sum(n)`;
  // A year of a large organisation's attendances is half a second of work: off the event loop where it can be.
  return allLong<Cell>(
    ctx.db,
    sql`
    WITH held AS MATERIALIZED (
      SELECT e.rowid AS ev, e.id AS event_id, e.starts_at, coalesce(e.country, '') AS country FROM events AS e
      WHERE e.org_id = ${ctx.org.id} AND e.span_start < ${period.toAt} AND e.span_end > ${period.fromAt} ${inArea} ${withPartner}
    ),
    facts AS MATERIALIZED (
      SELECT h.event_id, ${activityOf("r")} AS activity, r.member_id AS person, h.country, ${yearOf("r")} AS year
      FROM held AS h JOIN event_registrations AS r ON r.event_id = h.event_id AND r.status = 'attended'
      WHERE ${inPeriod("r")} AND NOT (r.occurrence_start = '' AND EXISTS (SELECT 1 FROM event_session_attendance AS s
        WHERE s.event_id = r.event_id AND s.member_id = r.member_id))
      UNION ALL
      SELECT h.event_id, h.ev, s.member_id, h.country, CAST(substr(s.session_start, 1, 4) AS INTEGER)
      FROM held AS h JOIN event_session_attendance AS s ON s.event_id = h.event_id AND s.attended = 1
      WHERE s.session_start >= ${period.fromAt} AND s.session_start < ${period.toAt}
      UNION ALL
      SELECT h.event_id, ${activityOf("a")}, a.member_id, h.country, ${yearOf("a")}
      FROM held AS h JOIN meeting_attendance AS a ON a.event_id = h.event_id
      WHERE ${inPeriod("a")} AND NOT EXISTS (SELECT 1 FROM event_registrations AS d WHERE d.event_id = a.event_id
        AND d.occurrence_start = a.occurrence_start AND d.member_id = a.member_id AND d.status = 'attended')
    ),
    persons AS MATERIALIZED (
      SELECT f.person, f.n, coalesce(m.gender, 'unknown') AS gender,
        CASE WHEN m.birth_year IS NULL THEN NULL ELSE f.year - m.birth_year END AS age
      FROM (SELECT person, year, count(*) AS n FROM facts GROUP BY 1, 2) AS f JOIN members AS m ON m.id = f.person
    )
    SELECT 'total' AS dim, '' AS key, ${figures} FROM facts
    UNION ALL SELECT 'gender', gender, ${perPerson} FROM persons GROUP BY 2
    UNION ALL SELECT 'age', ${bandExpression(limits)}, ${perPerson} FROM persons GROUP BY 2
    UNION ALL SELECT 'country', country, ${figures} FROM facts GROUP BY 2
    UNION ALL SELECT 'area', l.programme_area_id, ${figures}
      FROM facts JOIN event_programme_areas AS l ON l.event_id = facts.event_id GROUP BY 2
    UNION ALL SELECT 'partner', l.partner_id, ${figures}
      FROM facts JOIN event_partners AS l ON l.event_id = facts.event_id GROUP BY 2`,
  );
}

function readCell(row: Cell): Cell {
  return {
    dim: row.dim,
    key: String(row.key ?? ""),
    activities: Number(row.activities),
    participants: Number(row.participants),
    attendances: Number(row.attendances),
  };
}

/** Counts of people as shown: below the minimum (but not none) they are withheld. */
interface Shown {
  participants: number | null;
  attendances: number | null;
}

function suppressed(cell: Pick<Cell, "participants" | "attendances">, minimum: number, tally: { cells: number }): Shown {
  const hide = (n: number) => {
    if (n > 0 && n < minimum) {
      tally.cells += 1;
      return null;
    }
    return n;
  };
  return { participants: hide(cell.participants), attendances: hide(cell.attendances) };
}

/**
 * In a breakdown whose rows add up to the total (gender, age band, country), one withheld
 * cell could be worked out by subtracting the others from the total; so when exactly one
 * is withheld, the smallest other count is withheld too.
 */
function protectPartition(rows: Shown[], raw: Pick<Cell, "participants" | "attendances">[], tally: { cells: number }) {
  for (const field of ["participants", "attendances"] as const) {
    const hidden = rows.filter((row) => row[field] === null).length;
    if (hidden !== 1) continue;
    let smallest = -1;
    rows.forEach((row, index) => {
      const n = raw[index]?.[field] ?? 0;
      if (row[field] !== null && n > 0 && (smallest < 0 || n < (raw[smallest]?.[field] ?? 0))) smallest = index;
    });
    const row = rows[smallest];
    if (row) {
      row[field] = null;
      tally.cells += 1;
    }
  }
}

export async function participationReport(
  ctx: Ctx,
  query: { from: string; to: string; programmeArea?: string | undefined; partner?: string | undefined },
) {
  const period = periodOf(ctx, query);
  await requireOwn(ctx, schema.programmeAreas, query.programmeArea, "query.programmeArea");
  await requireOwn(ctx, schema.partners, query.partner, "query.partner");
  const settings = await participationSettings(ctx);
  const minimum = settings.minimumCount;
  const rows = (await cells(ctx, period, query, settings.ageLimits)).map(readCell);
  const of = (dim: Cell["dim"]) => rows.filter((row) => row.dim === dim);
  const zero = { activities: 0, participants: 0, attendances: 0 };
  const find = (dim: Cell["dim"], key: string) => rows.find((row) => row.dim === dim && row.key === key) ?? { dim, key, ...zero };
  const tally = { cells: 0 };

  const total = find("total", "");
  const genderRaw = genders.map(([key]) => find("gender", key));
  const byGender = genderRaw.map((cell, index) => ({ gender: genders[index]?.[1] as string, ...suppressed(cell, minimum, tally) }));
  protectPartition(byGender, genderRaw, tally);

  const bands = [...ageBandsOf(settings.ageLimits), { key: "unknown", band: "unknown", minAge: null, maxAge: null }];
  const ageRaw = bands.map((band) => find("age", band.key));
  const byAgeBand = bands.map(({ key: _, ...band }, index) => ({ ...band, ...suppressed(ageRaw[index] as Cell, minimum, tally) }));
  protectPartition(byAgeBand, ageRaw, tally);

  const countryRaw = of("country").sort((a, b) => a.key.localeCompare(b.key));
  const byCountry = countryRaw.map((cell) => ({
    country: cell.key === "" ? null : cell.key,
    activities: cell.activities,
    ...suppressed(cell, minimum, tally),
  }));
  protectPartition(byCountry, countryRaw, tally);

  const areaCells = of("area");
  const partnerCells = of("partner");
  const areaNames = await namesOf(ctx, schema.programmeAreas, areaCells);
  const partnerNames = await namesOf(ctx, schema.partners, partnerCells);
  const byName = (names: Map<string, string>) => (a: Cell, b: Cell) =>
    (names.get(a.key) ?? "").localeCompare(names.get(b.key) ?? "") || a.key.localeCompare(b.key);
  const byProgrammeArea = areaCells.sort(byName(areaNames)).map((cell) => ({
    programmeAreaId: cell.key,
    name: areaNames.get(cell.key) ?? "",
    activities: cell.activities,
    ...suppressed(cell, minimum, tally),
  }));
  const byPartner = partnerCells.sort(byName(partnerNames)).map((cell) => ({
    partnerId: cell.key,
    name: partnerNames.get(cell.key) ?? "",
    activities: cell.activities,
    ...suppressed(cell, minimum, tally),
  }));
  const totals = { activities: total.activities, ...suppressed(total, minimum, tally) };

  return {
    from: period.from,
    to: period.to,
    programmeAreaId: query.programmeArea ?? null,
    partnerId: query.partner ?? null,
    totals,
    byGender,
    byAgeBand,
    byCountry,
    byProgrammeArea,
    byPartner,
    suppression: {
      minimumCount: minimum,
      suppressedCells: tally.cells,
      note:
        tally.cells === 0
          ? `No count was below ${minimum}.`
          : `${tally.cells} counts of people below ${minimum} (or that would reveal one) are withheld as null, so that no figure points at a single person.`,
    },
  };
}

async function namesOf(ctx: Ctx, table: typeof schema.programmeAreas | typeof schema.partners, cells: Cell[]) {
  const ids = cells.map((cell) => cell.key);
  if (ids.length === 0) return new Map<string, string>();
  const rows = await ctx.db
    .select({ id: table.id, name: table.name })
    .from(table)
    .where(and(eq(table.orgId, ctx.org.id), inArray(table.id, ids)));
  return new Map(rows.map((row) => [row.id, row.name]));
}

export type ParticipationReport = Awaited<ReturnType<typeof participationReport>>;
