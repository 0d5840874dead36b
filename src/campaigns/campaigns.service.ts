import { and, asc, eq, gt, or, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { runBatch } from "../db/sql.ts";
import { type Expected, requireVersion, staleVersion, versionIs, versionMatches } from "../db/versions.ts";
import { candidatesIn } from "../events/candidates.ts";
import { overridesFor } from "../events/occurrences.ts";
import { iso } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { invalid, notFound } from "../lib/problems.ts";
import { localToUtc } from "../lib/zone.ts";
import { checkLinks, inProgrammeArea, type Links, linkStatements, linksOf, linksOfOne } from "../programmes/links.ts";
import type { CampaignCreateInput, CampaignUpdateInput } from "./campaigns.schemas.ts";

const cp = schema.campaigns;
const ev = schema.events;
const reg = schema.eventRegistrations;
type CampaignRow = typeof cp.$inferSelect;

export function toCampaignPublic(row: CampaignRow, links: Links) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    focus: row.focus,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    materials: JSON.parse(row.materials) as { title: string; url: string }[],
    ...links,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The campaign as the API shows it, with its programme areas and partners. */
export async function campaignView(ctx: Ctx, row: CampaignRow) {
  return toCampaignPublic(row, await linksOfOne(ctx.db, "campaign", row.id));
}

function checkPeriod(startsOn: string, endsOn: string) {
  if (endsOn < startsOn) throw invalid("body.endsOn", "must not be before startsOn");
}

/** The campaign's local days as an instant range in the organisation's time zone. */
export function periodOf(row: Pick<CampaignRow, "startsOn" | "endsOn">, timeZone: string) {
  const [sy, sm, sd] = row.startsOn.split("-").map(Number) as [number, number, number];
  const [ey, em, ed] = row.endsOn.split("-").map(Number) as [number, number, number];
  return { from: localToUtc(timeZone, Date.UTC(sy, sm - 1, sd)), to: localToUtc(timeZone, Date.UTC(ey, em - 1, ed + 1)) };
}

export async function createCampaign(ctx: Ctx, options: { input: CampaignCreateInput }): Promise<CampaignRow> {
  const { db, org, now } = ctx;
  const { input } = options;
  checkPeriod(input.startsOn, input.endsOn);
  await checkLinks(ctx, input);
  const row: CampaignRow = {
    id: newId(now),
    orgId: org.id,
    name: input.name,
    description: input.description ?? null,
    focus: input.focus ?? null,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    materials: JSON.stringify(input.materials ?? []),
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await runBatch(db, [db.insert(cp).values(row), ...linkStatements(db, { subject: "campaign", id: row.id, input })]);
  return row;
}

export async function getCampaign(ctx: Ctx, id: string): Promise<CampaignRow> {
  const row = await ctx.db.query.campaigns.findFirst({ where: and(eq(cp.orgId, ctx.org.id), eq(cp.id, id)) });
  if (!row) throw notFound("Campaign");
  return row;
}

export async function listCampaigns(ctx: Ctx, options: { limit: number; cursor?: string; programmeArea?: string | undefined }) {
  const { limit, cursor } = options;
  const after = cursor ? decodeCursor(cursor, ["string", "string"]) : undefined;
  const rows = await ctx.db
    .select()
    .from(cp)
    .where(
      and(
        eq(cp.orgId, ctx.org.id),
        await inProgrammeArea(ctx, "campaign", cp.id, options.programmeArea),
        after
          ? or(gt(cp.startsOn, after[0] as string), and(eq(cp.startsOn, after[0] as string), gt(cp.id, after[1] as string)))
          : undefined,
      ),
    )
    .orderBy(asc(cp.startsOn), asc(cp.id))
    .limit(limit + 1);
  const links = await linksOf(
    ctx.db,
    "campaign",
    rows.slice(0, limit).map((row) => row.id),
  );
  return page(
    rows,
    limit,
    (row) => toCampaignPublic(row, links.get(row.id) as Links),
    (row) => [row.startsOn, row.id],
  );
}

export async function updateCampaign(ctx: Ctx, options: { id: string; input: CampaignUpdateInput; expected: Expected }) {
  const { db, now } = ctx;
  const { id, input, expected } = options;
  const current = await getCampaign(ctx, id);
  requireVersion(expected, current.version);
  checkPeriod(input.startsOn ?? current.startsOn, input.endsOn ?? current.endsOn);
  await checkLinks(ctx, input);
  const update = db
    .update(cp)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.focus !== undefined && { focus: input.focus }),
      ...(input.startsOn !== undefined && { startsOn: input.startsOn }),
      ...(input.endsOn !== undefined && { endsOn: input.endsOn }),
      ...(input.materials !== undefined && { materials: JSON.stringify(input.materials) }),
      version: sql`${cp.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(cp.id, id), eq(cp.version, current.version)))
    .returning();
  // Links change only if the update took: the version it leaves behind.
  const guard = versionIs(sql`${cp}`, id, [current.version + 1]);
  const [rows] = await runBatch(db, [update, ...linkStatements(db, { subject: "campaign", id, input, guard })]);
  const [row] = rows as CampaignRow[];
  if (!row) throw staleVersion();
  return row;
}

/** Events keep existing when their campaign goes; they just no longer belong to one. */
export async function deleteCampaign(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { id, expected } = options;
  requireVersion(expected, (await getCampaign(ctx, id)).version);
  const deleted = await ctx.db
    .delete(cp)
    .where(and(eq(cp.id, id), versionMatches(cp.version, expected)))
    .returning({ id: cp.id });
  if (deleted.length === 0 && expected !== undefined) throw staleVersion();
}

const statusKeys = {
  applied: "applied",
  accepted: "accepted",
  waitlisted: "waitlisted",
  declined: "declined",
  cancelled: "cancelled",
  attended: "attended",
  no_show: "noShow",
} as const;

/** Events, occurrences within the period, registrations and attendance of a campaign. */
export async function campaignFigures(ctx: Ctx, id: string) {
  const { db, org } = ctx;
  const campaign = await getCampaign(ctx, id);
  const period = periodOf(campaign, org.timeZone);
  const events = await db
    .select()
    .from(ev)
    .where(and(eq(ev.orgId, org.id), eq(ev.campaignId, id)));
  const byKind: Record<string, number> = {};
  for (const e of events) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;

  const overrides = await overridesFor(
    db,
    events.filter((e) => e.recurring).map((e) => e.id),
    period.from - 31 * 86_400_000,
    period.to,
  );
  const occurrences = { scheduled: 0, cancelled: 0 };
  for (const e of events) {
    for (const o of candidatesIn(e, overrides.get(e.id) ?? [], { from: period.from, to: period.to })) occurrences[o.status]++;
  }

  const counts = await db
    .select({ status: reg.status, n: sql<number>`count(*)` })
    .from(reg)
    .where(sql`${reg.eventId} IN (SELECT ${ev.id} FROM ${ev} WHERE ${ev.orgId} = ${org.id} AND ${ev.campaignId} = ${id})`)
    .groupBy(reg.status);
  const registrations = { applied: 0, accepted: 0, waitlisted: 0, declined: 0, cancelled: 0, attended: 0, noShow: 0 };
  for (const { status, n } of counts) registrations[statusKeys[status]] += Number(n);
  const recorded = registrations.attended + registrations.noShow;
  return {
    campaignId: id,
    period: { from: iso(period.from), to: iso(period.to) },
    events: { total: events.length, cancelled: events.filter((e) => e.status === "cancelled").length, byKind },
    occurrences,
    registrations,
    attendance: {
      attended: registrations.attended,
      noShow: registrations.noShow,
      rate: recorded === 0 ? null : Math.round((registrations.attended / recorded) * 1000) / 1000,
    },
  };
}
