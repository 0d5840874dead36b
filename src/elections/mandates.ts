import { and, asc, eq, gt, gte, lte, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Expected, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import { termEnd } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { invalid, notFound } from "../lib/problems.ts";

const md = schema.mandates;
const mem = schema.members;
const pos = schema.positions;

const columns = {
  id: md.id,
  positionId: md.positionId,
  positionTitle: pos.title,
  memberId: md.memberId,
  name: mem.name,
  electionId: md.electionId,
  place: md.place,
  reserveRank: md.reserveRank,
  startsOn: md.startsOn,
  endsOn: md.endsOn,
  createdAt: md.createdAt,
};

const toMandatePublic =
  (today: string) =>
  <T extends { startsOn: string; endsOn: string }>(row: T) => ({ ...row, current: row.startsOn <= today && row.endsOn >= today });

/** A term covers `today` when it has started and not ended (both days inclusive). */
const coveringToday = (today: string) => and(lte(md.startsOn, today), gte(md.endsOn, today));

/** Mandates by one filter, newest term first within the id order; `current` keeps those covering today. */
export async function listMandates(
  ctx: Ctx,
  options: { positionId?: string; memberId?: string; current: boolean; limit: number; cursor?: string | undefined },
) {
  const { db, day: today } = ctx;
  const orgId = ctx.org.id;
  const { current, limit, cursor, ...filter } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const conditions: (SQL | undefined)[] = [
    eq(md.orgId, orgId),
    filter.positionId ? eq(md.positionId, filter.positionId) : undefined,
    filter.memberId ? eq(md.memberId, filter.memberId) : undefined,
    current ? coveringToday(today) : undefined,
    after ? gt(md.id, after) : undefined,
  ];
  const rows = await db
    .select(columns)
    .from(md)
    .innerJoin(pos, eq(pos.id, md.positionId))
    .innerJoin(mem, eq(mem.id, md.memberId))
    .where(and(...conditions))
    .orderBy(asc(md.id))
    .limit(limit + 1);
  return page(rows, limit, toMandatePublic(today), (row) => [row.id]);
}

/** The current representatives on a position, in order of election. */
export async function currentHolders(db: Db, positionId: string, today: string) {
  return db
    .select({ mandateId: md.id, memberId: md.memberId, name: mem.name, startsOn: md.startsOn, endsOn: md.endsOn })
    .from(md)
    .innerJoin(mem, eq(mem.id, md.memberId))
    .where(and(eq(md.positionId, positionId), coveringToday(today)))
    .orderBy(asc(md.startsOn), asc(md.place), asc(md.id));
}

/** A mandate as the API shows it, and its version (the ETag). */
export async function getMandate(ctx: Ctx, id: string) {
  const { db, day: today } = ctx;
  const orgId = ctx.org.id;
  const [found] = await db
    .select({ row: columns, version: md.version })
    .from(md)
    .innerJoin(pos, eq(pos.id, md.positionId))
    .innerJoin(mem, eq(mem.id, md.memberId))
    .where(and(eq(md.orgId, orgId), eq(md.id, id)));
  if (!found) throw notFound("Mandate");
  return { mandate: toMandatePublic(today)(found.row), version: found.version };
}

/** Staff record a mandate that no election here produced (an appointment, history from before Grasrot). */
export async function createMandate(
  ctx: Ctx,
  options: { position: { id: string; termMonths: number }; input: { memberId: string; startsOn: string; endsOn?: string } },
) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { input } = options;
  const { id: positionId, termMonths } = options.position;
  const member = await db.query.members.findFirst({ columns: { id: true }, where: and(eq(mem.orgId, orgId), eq(mem.id, input.memberId)) });
  if (!member) throw invalid("body.memberId", "is not a member of this organisation");
  const endsOn = input.endsOn ?? termEnd(input.startsOn, termMonths);
  if (endsOn < input.startsOn) throw invalid("body.endsOn", "must not be before startsOn");
  const id = newId(now);
  await db.insert(md).values({
    id,
    orgId,
    positionId,
    memberId: input.memberId,
    electionId: null,
    place: null,
    startsOn: input.startsOn,
    endsOn,
    createdAt: now.toISOString(),
  });
  return getMandate(ctx, id);
}

/** Ends a term early (or corrects its end); with If-Match, only on that version. */
export async function updateMandateEnd(ctx: Ctx, options: { id: string; endsOn: string; expected: Expected }) {
  const { db } = ctx;
  const orgId = ctx.org.id;
  const { id, endsOn, expected } = options;
  const { mandate, version } = await getMandate(ctx, id);
  requireVersion(expected, version);
  if (endsOn < mandate.startsOn) throw invalid("body.endsOn", `must not be before the term's start (${mandate.startsOn})`);
  const [updated] = await db
    .update(md)
    .set({ endsOn, version: sql`${md.version} + 1` })
    .where(and(eq(md.orgId, orgId), eq(md.id, id), versionMatches(md.version, expected)))
    .returning({ id: md.id });
  if (!updated) throw expected === undefined ? notFound("Mandate") : staleVersion();
  return getMandate(ctx, id);
}
