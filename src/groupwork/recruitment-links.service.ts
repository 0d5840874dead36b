import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { constraintViolation } from "../db/errors.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { randomToken } from "../lib/crypto.ts";
import { newId } from "../lib/ids.ts";
import { invalid, notFound } from "../lib/problems.ts";
import { groupToRead, groupToRecordFor } from "./group-rights.ts";
import type { RecruitmentLinkInput } from "./recruitment-links.schemas.ts";

/**
 * A group's recruitment links: short codes given out on a flyer, at a stall or in a post. A
 * sign-up that carries one, once confirmed, attributes the new contact to the group (and the
 * link's event or campaign) as a recruitment (src/groupwork/recruitment.service.ts), which
 * counts them as recruited by the group once they become members.
 */

const rl = schema.recruitmentLinks;
type LinkRow = typeof rl.$inferSelect;

export function toRecruitmentLinkPublic(row: LinkRow, orgSlug: string) {
  let url: string | null = null;
  if (row.signupUrl !== null) {
    const target = new URL(row.signupUrl);
    target.searchParams.set("ref", row.code);
    url = target.toString();
  }
  return {
    id: row.id,
    groupId: row.groupId,
    code: row.code,
    eventId: row.eventId,
    campaignId: row.campaignId,
    signupUrl: row.signupUrl,
    url,
    signupPath: `/v1/orgs/${orgSlug}/signups`,
    revokedAt: row.revokedAt,
    version: row.version,
    createdAt: row.createdAt,
  };
}

async function requireOwn(ctx: Ctx, table: typeof schema.events | typeof schema.campaigns, id: string, field: string, what: string) {
  const [found] = await ctx.db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.orgId, ctx.org.id), eq(table.id, id)))
    .limit(1);
  if (!found) throw invalid(field, `is not ${what} of this organisation`);
}

/** Creates a link for the group: staff, or the group's conveners and contact persons. */
export async function createRecruitmentLink(ctx: Ctx, options: { groupId: string; input: RecruitmentLinkInput }) {
  const { input } = options;
  const group = await groupToRecordFor(ctx, options.groupId, "make the group's recruitment links");
  if (input.eventId) await requireOwn(ctx, schema.events, input.eventId, "body.eventId", "an event");
  if (input.campaignId) await requireOwn(ctx, schema.campaigns, input.campaignId, "body.campaignId", "a campaign");
  for (let attempt = 0; ; attempt++) {
    const row: LinkRow = {
      id: newId(ctx.now),
      orgId: ctx.org.id,
      // Ten base62 characters: short enough to type from a flyer, too many to guess one.
      code: randomToken(10),
      groupId: group.id,
      eventId: input.eventId ?? null,
      campaignId: input.campaignId ?? null,
      signupUrl: input.signupUrl ?? null,
      revokedAt: null,
      version: 1,
      createdAt: ctx.now.toISOString(),
    };
    try {
      await ctx.db.insert(rl).values(row);
      return row;
    } catch (error) {
      // A code already taken in the organisation: draw another.
      if (constraintViolation(error) !== "unique" || attempt >= 2) throw error;
    }
  }
}

/** The group's links, revoked ones included, oldest first: for keys and the group's conveners. */
export async function listRecruitmentLinks(ctx: Ctx, options: { groupId: string; limit: number; cursor?: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's recruitment links", members: false });
  const after = options.cursor ? decodeCursor(options.cursor, ["string"])[0] : undefined;
  const rows = await ctx.db
    .select()
    .from(rl)
    .where(and(eq(rl.groupId, group.id), after ? gt(rl.id, after) : undefined))
    .orderBy(asc(rl.id))
    .limit(options.limit + 1);
  return page(
    rows,
    options.limit,
    (row) => toRecruitmentLinkPublic(row, ctx.org.slug),
    (row) => [row.id],
  );
}

async function linkOf(ctx: Ctx, groupId: string, id: string): Promise<LinkRow> {
  const row = await ctx.db.query.recruitmentLinks.findFirst({ where: and(eq(rl.groupId, groupId), eq(rl.id, id)) });
  if (!row) throw notFound("Recruitment link");
  return row;
}

export async function getRecruitmentLink(ctx: Ctx, options: { groupId: string; id: string }) {
  const group = await groupToRead(ctx, options.groupId, { what: "the group's recruitment links", members: false });
  return linkOf(ctx, group.id, options.id);
}

/**
 * Revokes a link: sign-ups with its code are refused from now on, and those pending are confirmed
 * without attribution. The row stays, as the code is the reference of the recruitments it made.
 */
export async function revokeRecruitmentLink(ctx: Ctx, options: { groupId: string; id: string; expected: Expected }) {
  const group = await groupToRecordFor(ctx, options.groupId, "revoke the group's recruitment links");
  const current = await linkOf(ctx, group.id, options.id);
  requireVersion(options.expected, current.version);
  if (current.revokedAt !== null) return;
  const [revoked] = await ctx.db
    .update(rl)
    .set({ revokedAt: ctx.now.toISOString(), version: sql`${rl.version} + 1` })
    .where(and(eq(rl.id, current.id), isNull(rl.revokedAt), versionMatches(rl.version, options.expected ?? [current.version])))
    .returning({ id: rl.id });
  if (!revoked) throw staleVersion();
}
