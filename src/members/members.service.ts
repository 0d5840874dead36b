import { and, eq, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { conflict } from "../lib/problems.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { postalCodeKey, reassignStatements } from "./district.ts";
import { listMemberRows, type MemberRow, memberRow, type Reach, searchKey, toMemberPublic } from "./members.queries.ts";
import type { MemberCreateInput, MemberFilter, MemberUpdateInput } from "./members.schemas.ts";

const m = schema.members;

/**
 * The next member number, as SQL evaluated inside the INSERT itself: SQLite runs one
 * writer at a time, so two concurrent creations cannot both read the same maximum. Only
 * purely numeric numbers count; `offset` numbers several new members in one statement.
 */
export function nextMemberNumberSql(orgId: string, floor = 0, offset: number | SQL = 1): SQL<string> {
  // Bound numbers arrive as REAL from JavaScript; the casts keep the result an integer ("12", not "12.0").
  return sql<string>`(SELECT CAST(max(COALESCE(max(CAST(n.member_number AS INTEGER)), 0), CAST(${floor} AS INTEGER)) + CAST(${offset} AS INTEGER) AS TEXT)
    FROM members AS n WHERE n.org_id = ${orgId} AND n.member_number GLOB '[0-9]*' AND n.member_number NOT GLOB '*[^0-9]*')`;
}

/**
 * 409 naming what is taken: e-mail addresses and member numbers are unique in an
 * organisation. An e-mail belongs to one person, member or contact: the problem carries
 * that person's id (`existingId`), so a client can offer them instead of a duplicate.
 */
export async function assertUnique(db: Db, orgId: string, wanted: { emailKey?: string | null; memberNumber?: string }, exceptId?: string) {
  const clauses = [
    wanted.emailKey ? eq(m.emailKey, wanted.emailKey) : undefined,
    wanted.memberNumber !== undefined ? eq(m.memberNumber, wanted.memberNumber) : undefined,
  ].filter((clause) => clause !== undefined);
  if (clauses.length === 0) return;
  const taken = await db
    .select({ id: m.id, emailKey: m.emailKey, memberNumber: m.memberNumber, enrolled: m.enrolled })
    .from(m)
    .where(and(eq(m.orgId, orgId), or(...clauses), exceptId ? ne(m.id, exceptId) : undefined))
    .limit(2);
  const owner = taken.find((row) => wanted.emailKey && row.emailKey === wanted.emailKey);
  if (owner) {
    const who = owner.enrolled ? "Another member" : "A contact";
    throw conflict(`${who} already has this e-mail address.`, { field: "email", existingId: owner.id });
  }
  if (taken.length > 0) throw conflict(`Member number ${wanted.memberNumber} is already taken.`, { field: "memberNumber" });
}

type Personal = Omit<MemberUpdateInput, "memberNumber"> & {
  gender?: MemberRow["gender"];
  birthYear?: number | null;
};

/** The columns a change of personal fields sets; keys and postal-code key follow their fields. */
export function personalColumns(input: Personal): Partial<MemberRow> {
  return {
    ...(input.name !== undefined && { name: input.name, nameKey: searchKey(input.name) }),
    ...(input.email !== undefined && { email: input.email, emailKey: input.email === null ? null : searchKey(input.email) }),
    ...(input.phone !== undefined && { phone: input.phone }),
    ...(input.street !== undefined && { street: input.street }),
    ...(input.postalCode !== undefined && { postalCode: input.postalCode, postalCodeKey: postalCodeKey(input.postalCode) }),
    ...(input.city !== undefined && { city: input.city }),
    ...(input.country !== undefined && { country: input.country }),
    ...(input.preferredLanguage !== undefined && { preferredLanguage: input.preferredLanguage }),
    ...(input.gender !== undefined && { gender: input.gender }),
    ...(input.birthYear !== undefined && { birthYear: input.birthYear }),
    ...(input.consents?.newsletters !== undefined && { consentNewsletters: input.consents.newsletters }),
    ...(input.consents?.meetingSummons !== undefined && { consentMeetingSummons: input.consents.meetingSummons }),
    ...(input.consents?.campaignNews !== undefined && { consentCampaignNews: input.consents.campaignNews }),
  };
}

/** The optional contact columns, empty: a new member's defaults, and what erasure leaves of them. */
export const noContactDetails = {
  email: null,
  emailKey: null,
  phone: null,
  street: null,
  postalCode: null,
  postalCodeKey: null,
  city: null,
  country: null,
  preferredLanguage: null,
} satisfies Partial<MemberRow>;

/** The organisation's default of a consent (its `consentDefaults` setting), as SQL read inside the INSERT. */
const consentDefault = (orgId: string, column: string) =>
  sql<boolean>`(SELECT ${sql.identifier(column)} FROM ${schema.organisations} WHERE ${schema.organisations.id} = ${orgId})`;

/** The consent columns a new person starts with: those given, else the organisation's defaults. */
export function consentDefaultColumns(orgId: string) {
  return {
    consentNewsletters: consentDefault(orgId, "consent_default_newsletters"),
    consentMeetingSummons: consentDefault(orgId, "consent_default_meeting_summons"),
    consentCampaignNews: consentDefault(orgId, "consent_default_campaign_news"),
  };
}

/**
 * The statements that add a person, member or contact, with their first district
 * assignment, for one batch. A contact (not enrolled) has no member number of their own:
 * the column holds their id (see the schema). Consents not given take the organisation's
 * defaults. Only members are assigned to districts: a contact stays in no district group.
 */
export function personInsertStatements(
  ctx: Ctx,
  options: { id: string; enrolled: boolean; source: MemberRow["source"]; columns: Partial<MemberRow>; memberNumber?: string },
) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { id, enrolled } = options;
  const insert = db.insert(m).values({
    id,
    orgId,
    enrolled,
    memberNumber: enrolled ? (options.memberNumber ?? nextMemberNumberSql(orgId)) : id,
    source: options.source,
    ...noContactDetails,
    ...consentDefaultColumns(orgId),
    ...options.columns,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  });
  return [
    insert,
    ...(enrolled ? reassignStatements(db, { orgId, scope: { memberIds: [id] }, reason: "created", now, newMembers: true }) : []),
  ] as const;
}

/** Creates a member and their first district assignment in one batch; returns the new id. */
export async function createMember(ctx: Ctx, options: { input: MemberCreateInput }): Promise<string> {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { input } = options;
  const emailKey = input.email ? searchKey(input.email) : null;
  await assertUnique(db, orgId, { emailKey, memberNumber: input.memberNumber });
  const id = newId(now);
  await db.batch([
    ...personInsertStatements(ctx, {
      id,
      enrolled: true,
      source: "staff",
      columns: personalColumns(input),
      memberNumber: input.memberNumber,
    }),
    ...webhookEvent({ db, orgId, now }, "member.created", id),
  ]);
  return id;
}

/**
 * A partial update by staff (memberNumber allowed) or by the member (not). A new postal
 * code reassigns the district in the same batch, so the address and the assignment
 * never disagree.
 */
export async function updateMember(
  ctx: Ctx,
  options: { id: string; input: Personal & { memberNumber?: string }; expected: Expected; reach?: Reach },
) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { id, input, expected } = options;
  const current = await memberRow(ctx, id, options.reach);
  requireVersion(expected, current.version);
  const columns = personalColumns(input);
  const emailKey = columns.emailKey !== undefined && columns.emailKey !== current.emailKey ? columns.emailKey : undefined;
  const memberNumber = input.memberNumber !== undefined && input.memberNumber !== current.memberNumber ? input.memberNumber : undefined;
  await assertUnique(db, orgId, { emailKey, memberNumber }, id);
  const update = db
    .update(m)
    .set({
      ...columns,
      ...(input.memberNumber !== undefined && { memberNumber: input.memberNumber }),
      version: sql`${m.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(m.orgId, orgId), eq(m.id, id), isNull(m.erasedAt), versionMatches(m.version, expected)))
    .returning({ id: m.id });
  // Whenever a postal code is written, not only when it differs from what was read: a
  // concurrent change may have moved the member meanwhile. Reassigning records a history
  // row only where the assignment actually changes.
  // The event right after the update, so it is recorded only if the update took.
  const [updated] = await db.batch([
    update,
    ...webhookEvent({ db, orgId, now }, current.enrolled ? "member.updated" : "contact.updated", id, { ifChanged: true }),
    ...(columns.postalCodeKey !== undefined
      ? reassignStatements(db, { orgId, scope: { memberIds: [id] }, reason: "address_changed", now })
      : []),
  ]);
  if (updated.length === 0) throw staleVersion();
}

export async function listMembers(ctx: Ctx, query: MemberFilter & { limit: number; cursor?: string }) {
  const after = query.cursor ? decodeCursor(query.cursor, ["string", "string"]) : undefined;
  const rows = await listMemberRows(ctx, { filter: query, limit: query.limit, after });
  return page(
    rows,
    query.limit,
    (row) => toMemberPublic(row, row.membership),
    (row) => [row.nameKey ?? "", row.id],
  );
}
