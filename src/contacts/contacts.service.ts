import { and, eq, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { newId } from "../lib/ids.ts";
import { conflict } from "../lib/problems.ts";
import { reassignStatements } from "../members/district.ts";
import { memberRow, searchKey } from "../members/members.queries.ts";
import { assertUnique, nextMemberNumberSql, personalColumns, personInsertStatements, updateMember } from "../members/members.service.ts";
import { webhookEvent } from "../webhooks/events.ts";
import type { ContactCreateInput, ContactUpdateInput } from "./contacts.schemas.ts";

/**
 * People who are not members, kept in the one person table with `enrolled` false: a contact
 * is created here, changed and erased like a member, and enrolled as a member under the same
 * id, so their registrations, consents and mail history stay theirs.
 */

const m = schema.members;

/** Creates a contact (not enrolled); returns the new id. 409 with `existingId` when the e-mail is anyone's. */
export async function createContact(ctx: Ctx, options: { input: ContactCreateInput }): Promise<string> {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { source, ...fields } = options.input;
  await assertUnique(db, orgId, { emailKey: fields.email ? searchKey(fields.email) : null });
  const id = newId(now);
  await db.batch([
    ...personInsertStatements(ctx, { id, enrolled: false, source, columns: personalColumns(fields) }),
    ...webhookEvent({ db, orgId, now }, "contact.created", id),
  ]);
  return id;
}

/** A partial update of any person through the contacts; the same rules as a member's update. */
export async function updateContact(ctx: Ctx, options: { id: string; input: ContactUpdateInput; expected: Expected }) {
  await updateMember(ctx, { ...options, reach: "people" });
}

/**
 * Puts a contact on the member register under the same id: the given member number or the
 * next one, and the district their postal code gives. 409 when already a member. The person
 * has no membership period yet (status `none`) until one is added.
 */
export async function enrolContact(ctx: Ctx, options: { id: string; memberNumber?: string; expected: Expected }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { id, memberNumber, expected } = options;
  const current = await memberRow(ctx, id, "people");
  // A stale If-Match is told first, as on every write: the client's copy is out of date.
  requireVersion(expected, current.version);
  if (current.enrolled) throw conflict("This person is already a member.", { reason: "already_member" });
  if (memberNumber !== undefined) await assertUnique(db, orgId, { memberNumber }, id);
  const enrol = db
    .update(m)
    .set({
      enrolled: true,
      memberNumber: memberNumber ?? nextMemberNumberSql(orgId),
      version: sql`${m.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(m.orgId, orgId), eq(m.id, id), isNull(m.erasedAt), eq(m.enrolled, false), versionMatches(m.version, expected)))
    .returning({ id: m.id });
  const [enrolled] = await db.batch([
    enrol,
    ...webhookEvent({ db, orgId, now }, "member.created", id, { ifChanged: true }),
    ...reassignStatements(db, { orgId, scope: { memberIds: [id] }, reason: "created", now }),
  ]);
  if (enrolled.length === 0) {
    // Changed (or enrolled) meanwhile: a stale If-Match, or without one the enrolment that won.
    if (expected !== undefined) throw staleVersion();
    throw conflict("This person is already a member.", { reason: "already_member" });
  }
}
