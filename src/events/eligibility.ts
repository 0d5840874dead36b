/**
 * Who may register for an event beyond the membership rule: holders of a current mandate
 * on given positions (a training for the board) or members of given groups.
 */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { conflict, invalid } from "../lib/problems.ts";
import { inGoodStanding, standingOf } from "../members/status.ts";

interface Rule {
  positionIds: string[];
  groupIds: string[];
}

/** Every id must be one of the organisation's rows of `table`; the first that is not is a 422 on its place. */
export async function requireOwnIds(ctx: Ctx, table: typeof schema.positions | typeof schema.groups, ids: string[], field: string) {
  if (ids.length === 0) return;
  const found = await ctx.db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.orgId, ctx.org.id), inArray(table.id, ids)));
  const known = new Set(found.map((row) => row.id));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) throw invalid(`${field}.${missing}`, "is not one of this organisation's");
}

/** 409 `not_eligible` unless the member holds a current mandate on a position of the rule or belongs to one of its groups. */
export async function requireEligible(ctx: Ctx, options: { eligibility: string | null; memberId: string }) {
  if (!options.eligibility) return;
  const rule = JSON.parse(options.eligibility) as Rule;
  const md = schema.mandates;
  const gm = schema.groupMemberships;
  const [holds] =
    rule.positionIds.length > 0
      ? await ctx.db
          .select({ id: md.id })
          .from(md)
          .where(
            and(
              eq(md.memberId, options.memberId),
              inArray(md.positionId, rule.positionIds),
              isNull(md.reserveRank),
              sql`${md.startsOn} <= ${ctx.day} AND ${md.endsOn} >= ${ctx.day}`,
            ),
          )
          .limit(1)
      : [];
  if (holds) return;
  const [belongs] =
    rule.groupIds.length > 0
      ? await ctx.db
          .select({ id: gm.memberId })
          .from(gm)
          .where(
            and(
              eq(gm.memberId, options.memberId),
              inArray(gm.groupId, rule.groupIds),
              sql`${gm.joinedOn} <= ${ctx.day}`,
              or(isNull(gm.leftOn), sql`${gm.leftOn} > ${ctx.day}`),
            ),
          )
          .limit(1)
      : [];
  if (belongs) return;
  throw conflict("This event is open only to holders of given positions or members of given groups.", { reason: "not_eligible" });
}

/**
 * Contacts — people who were never enrolled as members — are guests: whoever registers them
 * (themselves, their confirmed sign-up, or staff), they may register for events open to the
 * public only. Members' and group events refuse them with the reason their standing gives
 * (`membership_none`). A person not stored yet (a sign-up being confirmed) is a contact.
 * Enrolled members keep the rules they had: staff may register any of them.
 */
export async function requireOpenToPerson(ctx: Ctx, options: { visibility: string; memberId: string }) {
  if (options.visibility === "public") return;
  const person = await ctx.db.query.members.findFirst({
    columns: { enrolled: true },
    where: eq(schema.members.id, options.memberId),
  });
  if (person?.enrolled) return;
  const { status } = await standingOf(ctx.db, options.memberId, ctx.day);
  if (inGoodStanding(status)) return;
  throw conflict("This event is open to members only; guests who are not members may register for public events.", {
    reason: `membership_${status}`,
  });
}
