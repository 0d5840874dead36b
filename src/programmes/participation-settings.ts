import { eq, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { type Expected, lostRace, requireVersion, versionMatches } from "../db/versions.ts";
import { conflict, invalid } from "../lib/problems.ts";

/**
 * How an organisation's participation report is cut: the ages where its bands begin and
 * the smallest count it shows. Until an admin sets them, the defaults the funders of a
 * forum usually ask for: under 30 and 30 and over, counts below 3 suppressed.
 */

const ps = schema.participationSettings;

export const defaultAgeLimits = [30];
export const defaultMinimumCount = 3;

export interface ParticipationSettings {
  ageLimits: number[];
  minimumCount: number;
  /** 0 while the defaults apply: the first PUT makes version 1. */
  version: number;
}

export async function participationSettings(ctx: Pick<Ctx, "db" | "org">): Promise<ParticipationSettings> {
  const row = await ctx.db.query.participationSettings.findFirst({ where: eq(ps.orgId, ctx.org.id) });
  if (!row) return { ageLimits: defaultAgeLimits, minimumCount: defaultMinimumCount, version: 0 };
  return { ageLimits: JSON.parse(row.ageLimits) as number[], minimumCount: row.minimumCount, version: row.version };
}

export async function putParticipationSettings(
  ctx: Ctx,
  options: { input: { ageLimits: number[]; minimumCount: number }; expected: Expected },
): Promise<ParticipationSettings> {
  const { db, org, now } = ctx;
  const { input, expected } = options;
  input.ageLimits.forEach((limit, index) => {
    if (index > 0 && limit <= (input.ageLimits[index - 1] as number))
      throw invalid(`body.ageLimits.${index}`, "must be above the age before it");
  });
  const current = await participationSettings(ctx);
  requireVersion(expected, current.version);
  const at = now.toISOString();
  const ageLimits = JSON.stringify(input.ageLimits);
  const rows =
    current.version === 0
      ? await db
          .insert(ps)
          .values({ orgId: org.id, ageLimits, minimumCount: input.minimumCount, version: 1, updatedAt: at })
          .onConflictDoNothing()
          .returning()
      : await db
          .update(ps)
          .set({ ageLimits, minimumCount: input.minimumCount, version: sql`${ps.version} + 1`, updatedAt: at })
          .where(sql`${ps.orgId} = ${org.id} AND ${versionMatches(ps.version, [current.version])}`)
          .returning();
  const [row] = rows;
  if (!row) throw lostRace(expected, () => conflict("The settings were changed at the same moment; read them again and retry."));
  return { ageLimits: JSON.parse(row.ageLimits) as number[], minimumCount: row.minimumCount, version: row.version };
}
