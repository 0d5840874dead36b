import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { notFound } from "../lib/problems.ts";
import {
  type ListedMember,
  listPeopleRows,
  type PeopleConditions,
  type PeriodRow,
  personFields,
  recordFields,
  standingPerson,
} from "../members/members.queries.ts";
import type { ContactFilter } from "./contacts.schemas.ts";

/**
 * Reading people as contacts: every person of the organisation, members and contacts alike,
 * in the same (name_key, id) order and with the same index strategy as the member list.
 */

const m = schema.members;

/**
 * Whether the caller sees the statistics fields (gender, birth year): staff and admin keys,
 * and the person themselves. Readonly keys, other members and webhooks never do.
 */
export function seesStatistics(ctx: Ctx, personId: string): boolean {
  const { principal } = ctx;
  if (principal.kind === "api_key") return principal.role === "staff" || principal.role === "admin";
  return principal.kind === "member" && principal.memberId === personId;
}

export function toContactPublic(row: ListedMember, membership: PeriodRow | undefined, options: { statistics: boolean }) {
  const { id, ...person } = personFields(row, membership);
  return {
    id,
    isMember: row.enrolled,
    ...person,
    source: row.source,
    partnerId: row.partnerId,
    ...(options.statistics && { gender: row.gender, birthYear: row.birthYear }),
    ...recordFields(row),
  };
}

export type ContactView = ReturnType<typeof toContactPublic>;

/** One person of the organisation (member or contact), not erased, as a contact; 404 otherwise. */
export async function contactView(ctx: Ctx, id: string, options: { statistics?: boolean } = {}) {
  const row = await standingPerson(ctx, id, "people");
  if (!row) throw notFound("Contact");
  const statistics = options.statistics ?? seesStatistics(ctx, id);
  return { row, view: toContactPublic(row, row.membership, { statistics }) };
}

function contactConditions(orgId: string, filter: ContactFilter): PeopleConditions {
  return {
    shape: `contacts ${filter.member ?? ""} ${filter.source === undefined ? "" : "source"}`,
    where: () =>
      and(
        eq(m.orgId, sql.placeholder("orgId")),
        isNull(m.erasedAt),
        filter.member === undefined ? undefined : eq(m.enrolled, filter.member),
        filter.source === undefined ? undefined : eq(m.source, sql.placeholder("source")),
      ) as SQL,
    values: { orgId, source: filter.source },
  };
}

export async function listContacts(ctx: Ctx, query: ContactFilter & { limit: number; cursor?: string }) {
  const after = query.cursor ? decodeCursor(query.cursor, ["string", "string"]) : undefined;
  const rows = await listPeopleRows(ctx, { conditions: contactConditions(ctx.org.id, query), q: query.q, limit: query.limit, after });
  const statistics = seesStatistics(ctx, "");
  return page(
    rows,
    query.limit,
    (row) => toContactPublic(row, row.membership, { statistics }),
    (row) => [row.nameKey ?? "", row.id],
  );
}

/** Rows of people for the contacts CSV, a page at a time. */
export function contactRowsPage(ctx: Ctx, options: { filter: ContactFilter; limit: number; after?: [string, string] }) {
  const { filter, limit, after } = options;
  return listPeopleRows(ctx, { conditions: contactConditions(ctx.org.id, filter), q: filter.q, limit, after });
}
