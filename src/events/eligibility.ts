/**
 * Who may register for an event beyond the membership rule: holders of a current mandate
 * on given positions (a training for the board) or members of given groups.
 */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { conflict, invalid } from "../lib/problems.ts";

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
