import { and, asc, eq, getTableColumns, inArray, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/sqlite-core";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { preparedQuery } from "../db/prepared-queries.ts";
import { allRows, columnsBut, nestedRows, queryShapes, rowShape } from "../db/rows.ts";
import { notFound } from "../lib/problems.ts";
import type { MemberFilter } from "./members.schemas.ts";
import { type DayValue, type MemberStatus, relevantPeriod, standingFrom, statusSql } from "./status.ts";

/**
 * Reading members: one query shape behind the list, the search and the CSV export, and
 * the same with the whole row for the single read; both read each person's periods with
 * them. Every read excludes erased members; every list walks an index in
 * (name_key, id) order with a cursor and a limit, so no request loads a whole table.
 */

const m = schema.members;
const ms = schema.memberships;
export type MemberRow = typeof m.$inferSelect;

/**
 * Whom a read reaches: `members` are people on the member register (enrolled), what every
 * member route means; `people` are everyone of the organisation, contacts included, for the
 * contacts, the person's own routes (/me) and what is keyed by a person.
 */
export type Reach = "members" | "people";

/** The condition a reach adds: none for people, enrolment for members. */
export const reachCondition = (reach: Reach): SQL | undefined => (reach === "members" ? eq(m.enrolled, true) : undefined);

/**
 * How many of the first characters (up to `nameEmailShareMax`) a person's name key and e-mail
 * key share. A search text no longer than that matches both keys or neither, so the e-mail
 * half of a search looks only among people whose share is shorter than the text: in most
 * organisations addresses begin with the name, and a common first name no longer makes it
 * read (and sort) a tenth of the organisation. Indexed as it stands, in the expression index
 * members_org_share_email_idx (migration 0019): keep the two texts the same.
 */
const nameEmailShareMax = 8;
const nameEmailShare = sql.raw(
  `(CASE ${Array.from({ length: nameEmailShareMax }, (_, i) => nameEmailShareMax - i)
    .map((k) => `WHEN substr(name_key, 1, ${k}) = substr(email_key, 1, ${k}) THEN ${k}`)
    .join(" ")} ELSE 0 END)`,
);

/** How many shares are below the length of the search text `key` (in characters, as SQLite's substr counts them). */
const sharesBelow = (key: string) => Math.max(1, Math.min([...key].length, nameEmailShareMax + 1));

/** The shares below the length of the search text `key`. */
const sharesShorterThan = (key: string): SQL => sql.raw(Array.from({ length: sharesBelow(key) }, (_, share) => share).join(", "));

/** Lower-cased keys for prefix search; JavaScript lower-cases all of Unicode, SQLite's lower() only ASCII. */
export const searchKey = (text: string) => text.trim().toLowerCase();

/**
 * The type of the membership that describes a member today, as SQL over `members`, for the
 * `typeId` filter: the one covering the day (an active one first), else the most recent that
 * has started, else the next. relevantPeriod (status.ts) states the same order for reads.
 */
function relevantMembershipType(day: DayValue): SQL<string | null> {
  // Qualified by hand: drizzle prints columns of a single-table query unqualified, which
  // inside this subquery would bind "id" to memberships instead of the outer members.
  const covers = sql`(ms.starts_on <= ${day} AND ms.ends_on >= ${day})`;
  return sql<string | null>`(SELECT ms.type_id FROM memberships AS ms WHERE ms.member_id = "members"."id"
    ORDER BY ${covers} DESC, CASE WHEN ${covers} THEN ms.kind = 'active' ELSE 0 END DESC,
      (ms.starts_on <= ${day}) DESC, ms.ends_on DESC, ms.id DESC LIMIT 1)`;
}

/**
 * Which people a list reads, as a query built once per shape needs it: `shape` names the
 * conditions given (and any value the text itself depends on), `where` builds them with
 * placeholders, and `values` fills those per request.
 */
export interface PeopleConditions {
  shape: string;
  where: () => SQL;
  values: Record<string, unknown>;
}

const value = (name: string) => sql.placeholder(name);

/** The filters other than `q`, which listPeopleRows turns into index ranges of its own. */
export function filterConditions(orgId: string, day: string, filter: MemberFilter): PeopleConditions {
  const { memberNumber, areaId, districtGroupId, unassigned, status, typeId } = filter;
  const given = (name: string, condition: () => SQL) => (filter[name as keyof MemberFilter] === undefined ? undefined : condition());
  return {
    shape: `members ${[memberNumber, areaId, districtGroupId, status, typeId].map((v) => (v === undefined ? 0 : 1)).join("")} ${unassigned ?? ""}`,
    where: () =>
      and(
        eq(m.orgId, value("orgId")),
        isNull(m.erasedAt),
        eq(m.enrolled, true),
        given("memberNumber", () => eq(m.memberNumber, value("memberNumber"))),
        given("areaId", () => eq(m.areaId, value("areaId"))),
        given("districtGroupId", () => eq(m.districtGroupId, value("districtGroupId"))),
        unassigned === undefined ? undefined : unassigned ? isNull(m.areaId) : isNotNull(m.areaId),
        given("status", () => sql`(${statusSql(value("day"))}) = ${value("status")}`),
        given("typeId", () => sql`${relevantMembershipType(value("day"))} = ${value("typeId")}`),
      ) as SQL,
    values: { ...filter, memberNumber: memberNumber?.trim(), orgId, day },
  };
}

/**
 * What no page of people shows, nor orders by: the organisation (a page is of one), the
 * lower-cased keys the searches use, the erasure (an erased person is never read) and the
 * record's version (for a conditional write to one person, which reads them whole).
 */
const unlisted = ["orgId", "emailKey", "postalCodeKey", "erasedAt", "version"] as const;

/** A person as a page of people reads them (members, contacts, the CSV export). */
export type ListedRow = Omit<MemberRow, (typeof unlisted)[number]>;

export type ListedMember = ListedRow & { status: MemberStatus };

/** A person of a page with their status on the day and the membership that describes them. */
export type PagedMember = ListedMember & { membership: PeriodRow | undefined };

/** One person read whole, with their status and membership as a page has them. */
export type StandingMember = MemberRow & PagedMember;

export type MembershipRow = typeof ms.$inferSelect;

/**
 * What a read of people takes of each membership period: what their standing is worked out
 * from, the summary each view shows and the CSV's payment columns. Each field more is one
 * more value per period of every person of a page, in SQL, in its JSON and in the reading.
 */
const periodColumns = {
  id: ms.id,
  typeId: ms.typeId,
  kind: ms.kind,
  startsOn: ms.startsOn,
  endsOn: ms.endsOn,
  graceUntil: ms.graceUntil,
  paidAt: ms.paidAt,
  paymentReference: ms.paymentReference,
};
export type PeriodRow = Pick<MembershipRow, keyof typeof periodColumns>;

const periodRow = rowShape<PeriodRow>(periodColumns);
const periods = nestedRows(periodRow, sql`FROM ${ms} WHERE ${ms.memberId} = ${m.id}`);
const memberColumns = getTableColumns(m);

/** A listed person's row with all their membership periods, read in the same statement (withStandings). */
const listedRowShape = rowShape<ListedRow & { periods: PeriodRow[] }>(
  { ...columnsBut(memberColumns, unlisted), periods },
  { filledLater: ["status", "membership"] },
);
/** The same for one person read whole. */
const wholeRowShape = rowShape<MemberRow & { periods: PeriodRow[] }>(
  { ...memberColumns, periods },
  { filledLater: ["status", "membership"] },
);
const qb = new QueryBuilder();
/** The list's queries, one per shape (see PeopleConditions). */
const peopleQueries = queryShapes();

/** SQLite compares text as UTF-8 bytes, which is code point order; JavaScript's < compares UTF-16 units. */
function compareText(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const difference = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
}

const byNameThenId = (a: ListedRow, b: ListedRow) => compareText(a.nameKey ?? "", b.nameKey ?? "") || compareText(a.id, b.id);

/** One page of members in (name_key, id) order after the cursor position; fetches limit + 1 rows. */
export async function listMemberRows(
  ctx: Ctx,
  options: { filter: MemberFilter; limit: number; after?: [string, string] },
): Promise<PagedMember[]> {
  const { filter, ...rest } = options;
  return listPeopleRows(ctx, { ...rest, conditions: filterConditions(ctx.org.id, ctx.day, filter), q: filter.q });
}

/**
 * One page of people matching `where` in (name_key, id) order after the cursor position;
 * fetches limit + 1 rows. A search `q` runs as two queries, one per index (name_key,
 * email_key), each limited, merged here: as one query with an OR, SQLite would walk the
 * whole organisation in name order testing each person against both prefixes. The e-mail
 * half must sort its matches into name order (no index holds e-mail prefixes in name
 * order); it sorts their ids alone and reads whole rows for the page's people only, not
 * for every person whose address starts with what was typed.
 */
export async function listPeopleRows(
  ctx: Ctx,
  options: { conditions: PeopleConditions; q?: string; limit: number; after?: [string, string] },
): Promise<PagedMember[]> {
  const { db } = ctx;
  const { conditions, limit, after } = options;
  const key = options.q === undefined ? undefined : searchKey(options.q);
  const values = {
    ...conditions.values,
    afterName: after?.[0],
    afterId: after?.[1],
    key,
    upTo: `${key}\uffff`,
    limit: limit + 1,
  };
  const shape = `${conditions.shape}|${after ? "after" : ""}|${key === undefined ? "" : sharesBelow(key)}`;
  const matching = (range?: SQL) =>
    and(conditions.where(), range, after ? sql`(${m.nameKey}, ${m.id}) > (${value("afterName")}, ${value("afterId")})` : undefined);
  const nameMatches = sql`${m.nameKey} >= ${value("key")} AND ${m.nameKey} < ${value("upTo")}`;
  const byName = peopleQueries(`name ${shape}`, () =>
    qb
      .select(listedRowShape.selection)
      .from(m)
      .where(matching(key === undefined ? undefined : nameMatches))
      .orderBy(asc(m.nameKey), asc(m.id))
      .limit(value("limit")),
  );
  if (key === undefined) return withStandings(ctx, await allRows(db, byName, listedRowShape, values));
  // Whoever the name matches too is left to the name half: past its page, they would come
  // after the page anyway. Most addresses start with the name, so this half then sorts few.
  // It sorts by the terms with a unary plus, which no index can give in order: without the
  // planner's statistics (a new database, a large import since the daily job) SQLite would
  // otherwise walk the whole organisation by name to find a few addresses.
  const byEmail = peopleQueries(`email ${shape}`, () => {
    const emailPage = qb
      .select({ id: m.id })
      .from(m)
      .where(
        matching(
          sql`${nameEmailShare} IN (${sharesShorterThan(key)}) AND ${m.emailKey} >= ${value("key")} AND ${m.emailKey} < ${value("upTo")} AND NOT coalesce(${nameMatches}, 0)`,
        ),
      )
      .orderBy(sql`+${m.nameKey}`, sql`+${m.id}`)
      .limit(value("limit"));
    return qb.select(listedRowShape.selection).from(m).where(inArray(m.id, emailPage));
  });
  const [named, emailed] = await Promise.all([allRows(db, byName, listedRowShape, values), allRows(db, byEmail, listedRowShape, values)]);
  // Mostly the e-mail half finds no one: the name half is then the page, already in order.
  if (emailed.length === 0) return withStandings(ctx, named);
  const seen = new Set(named.map((row) => row.id));
  return withStandings(ctx, [...named, ...emailed.filter((row) => !seen.has(row.id))].sort(byNameThenId).slice(0, limit + 1));
}

/**
 * Each person's status on the day and the membership that describes them, worked out from
 * their periods (read with them) by the rules statusSql and relevantMembershipType state in
 * SQL: as columns of the page's query those were four correlated subqueries per row.
 */
function withStandings<Row extends ListedRow>(ctx: Ctx, rows: (Row & { periods: PeriodRow[] })[]): (Row & PagedMember)[] {
  return rows.map((row) => withStanding(row, ctx.day));
}

/**
 * A person with their status on `day` and the membership that describes them, from all
 * their periods: set on the row read (whose shape keeps places for them), not a copy.
 */
function withStanding<Row extends ListedRow>(row: Row & { periods: PeriodRow[] }, day: string): Row & PagedMember {
  const paged = row as Row & PagedMember & { periods: PeriodRow[] };
  paged.status = standingFrom(row.periods, day).status;
  paged.membership = relevantPeriod(row.periods, day);
  return paged;
}

/**
 * One person of the organisation who has not been erased, by id, in a reach, with all their
 * periods, in one statement built once per reach: their whole row, with the periods a page
 * reads, so status and membership follow by the same rule (withStandings).
 */
const personInReach = (reach: Reach) =>
  qb
    .select(wholeRowShape.selection)
    .from(m)
    .where(and(eq(m.orgId, value("orgId")), eq(m.id, value("id")), isNull(m.erasedAt), reachCondition(reach)))
    .toSQL();
const personWithPeriods = { members: personInReach("members"), people: personInReach("people") };

/** A person of the organisation who has not been erased, in a reach, with today's status and membership; undefined otherwise. */
export async function standingPerson(ctx: Ctx, id: string, reach: Reach): Promise<StandingMember | undefined> {
  return withStandings(ctx, await allRows(ctx.db, personWithPeriods[reach], wholeRowShape, { orgId: ctx.org.id, id }))[0];
}

/**
 * The id of a person of the organisation who has not been erased, or none: built once, as
 * every request with a member token asks it, and every registration staff make.
 */
export const livePersonId = preparedQuery((db) =>
  db
    .select({ id: m.id })
    .from(m)
    .where(and(eq(m.id, sql.placeholder("id")), eq(m.orgId, sql.placeholder("orgId")), isNull(m.erasedAt)))
    .limit(1)
    .prepare(),
);

/** A member of the organisation that has not been erased, with today's status; 404 otherwise. */
export async function findMember(ctx: Ctx, id: string, reach: Reach = "members"): Promise<StandingMember> {
  const row = await standingPerson(ctx, id, reach);
  if (!row) throw notFound("Member");
  return row;
}

/** The stored row of a member of the organisation that has not been erased (with their standing, as read with it); 404 otherwise. */
export const memberRow: (ctx: Ctx, id: string, reach?: Reach) => Promise<MemberRow> = findMember;

/** 404 unless the member exists; for routes on what a member has. */
export async function assertMember(ctx: Ctx, id: string): Promise<void> {
  await findMember(ctx, id);
}

export function toMembershipSummary(row: PeriodRow | undefined) {
  if (!row) return null;
  return { id: row.id, typeId: row.typeId, kind: row.kind, startsOn: row.startsOn, endsOn: row.endsOn, graceUntil: row.graceUntil };
}

/** What every full view of a person shows, member or contact: who they are, how to reach them, their consents and status today. */
export function personFields(row: ListedMember, membership: PeriodRow | undefined) {
  return {
    id: row.id,
    // A contact's stored number is their own id, a placeholder never shown.
    memberNumber: row.enrolled ? row.memberNumber : null,
    name: row.name ?? "",
    email: row.email,
    phone: row.phone,
    street: row.street,
    postalCode: row.postalCode,
    city: row.city,
    country: row.country,
    preferredLanguage: row.preferredLanguage,
    consents: {
      newsletters: row.consentNewsletters,
      meetingSummons: row.consentMeetingSummons,
      campaignNews: row.consentCampaignNews,
    },
    status: row.status,
    membership: toMembershipSummary(membership),
  };
}

/** The place and the record's times, which follow the fields of each full view. */
export function recordFields(row: ListedRow) {
  return { areaId: row.areaId, districtGroupId: row.districtGroupId, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export function toMemberPublic(row: ListedMember, membership: PeriodRow | undefined) {
  return { view: "full" as const, ...personFields(row, membership), ...recordFields(row) };
}

export function toMemberContact(row: ListedRow) {
  return { view: "contact" as const, id: row.id, memberNumber: row.memberNumber, name: row.name ?? "", email: row.email, phone: row.phone };
}

/** The full view of one member, status and membership included, in one statement. */
export async function memberView(ctx: Ctx, id: string, reach: Reach = "members") {
  const row = await findMember(ctx, id, reach);
  return { row, view: toMemberPublic(row, row.membership) };
}
