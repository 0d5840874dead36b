import type { z } from "@hono/zod-openapi";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { isKey, type Viewer } from "../access/viewer.ts";
import { decodeCursor } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Expected, lostRace, requireVersion } from "../db/versions.ts";
import { randomToken } from "../lib/crypto.ts";
import { localDay } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { conflict, type FieldError, invalid, invalidFields, notFound } from "../lib/problems.ts";
import { methodOptions, optionOutOfBounds, rankingMethods } from "../tally/methods.ts";
import { count } from "../voting/index.ts";
import { CountInputError, type MethodName } from "../voting/types.ts";
import type { ElectionCreate, ElectionUpdate, GenderRule } from "./elections.schemas.ts";
import { editable } from "./machine.ts";
import { electorateSettings, shownTime } from "./meeting-electorate.ts";
import { getPosition, requireGroup } from "./positions.service.ts";
import { proposalVoteOf } from "./proposal-vote-state.ts";

const e = schema.elections;
export type ElectionRow = typeof e.$inferSelect;
type GenderRuleValue = z.infer<typeof GenderRule>;

export function toElectionPublic(row: ElectionRow, timeZone: string, viewer: Viewer) {
  return {
    id: row.id,
    positionId: row.positionId,
    title: row.title,
    description: row.description,
    seats: row.seats,
    method: row.method,
    options: JSON.parse(row.options) as Record<string, unknown>,
    genderRule: row.genderRule ? (JSON.parse(row.genderRule) as GenderRuleValue) : null,
    eventId: row.eventId,
    committeeGroupId: row.committeeGroupId,
    electorate: {
      source: row.electorateSource,
      groupId: row.electorateGroupId,
      cutoffOn: row.electorateCutoffOn,
      eventId: row.electorateSource === "meeting" ? row.eventId : null,
      occurrenceStart: row.electorateSource === "meeting" ? row.meetingOccurrenceStart || null : null,
    },
    nomination: { opensAt: row.nominationOpensAt, closesAt: row.nominationClosesAt },
    voting: { opensAt: shownTime(row.votingOpensAt), closesAt: shownTime(row.votingClosesAt) },
    timeZone,
    onlineVoting: row.onlineVoting,
    reserves: row.reserves,
    proposalVote: proposalVoteOf(row),
    status: row.status,
    // Knowing the lot before the vote is of no use to anyone but a tactician; members see it with the result.
    seed: isKey(viewer) || row.status === "published" ? row.seed : null,
    countError: isKey(viewer) ? row.countError : null,
    countedAt: isKey(viewer) || row.status === "published" ? row.countedAt : null,
    publishedAt: row.publishedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The stored electorate as an input, for a change of the voting times alone. */
function storedElectorate(row: ElectionRow) {
  return row.electorateSource === "meeting"
    ? {
        source: "meeting" as const,
        ...(row.eventId ? { eventId: row.eventId } : {}),
        ...(row.meetingOccurrenceStart ? { occurrenceStart: row.meetingOccurrenceStart } : {}),
      }
    : { source: "memberships" as const, groupId: row.electorateGroupId, cutoffOn: row.electorateCutoffOn };
}

/** Members never see drafts: an unannounced election does not exist for them. */
export async function getElectionRow(ctx: Ctx, id: string): Promise<ElectionRow> {
  const row = await ctx.db.query.elections.findFirst({ where: and(eq(e.orgId, ctx.org.id), eq(e.id, id)) });
  if (!row || (!isKey(ctx.viewer) && row.status === "draft")) throw notFound("Election");
  return row;
}

interface Settings {
  electorateSource: "memberships" | "meeting";
  meetingOccurrenceStart: string | null;
  seats: number;
  method: MethodName;
  options: Record<string, unknown>;
  genderRule: GenderRuleValue | null;
  eventId: string | null;
  committeeGroupId: string | null;
  electorateGroupId: string | null;
  electorateCutoffOn: string;
  nominationOpensAt: string;
  nominationClosesAt: string;
  votingOpensAt: string;
  votingClosesAt: string;
}

/** Method, options and seats are checked by counting a one-ballot election with them: the engine is the authority. */
function checkMethod(settings: Settings): FieldError[] {
  const errors: FieldError[] = [];
  const known = methodOptions[settings.method];
  for (const [key, value] of Object.entries(settings.options)) {
    if (!(key in known)) errors.push({ field: `body.options.${key}`, message: `${settings.method} has no option "${key}"` });
    const outOfBounds = optionOutOfBounds(key, value);
    if (outOfBounds) errors.push({ field: `body.options.${key}`, message: outOfBounds });
  }
  if (errors.length > 0) return errors;
  const candidates = Array.from({ length: settings.seats + 1 }, (_, i) => `c${i + 1}`);
  try {
    count({
      method: settings.method,
      seats: settings.seats,
      candidates,
      ballots: [{ weight: 1, ranking: ["c1"] }],
      options: settings.options,
    });
  } catch (error) {
    if (!(error instanceof CountInputError)) throw error;
    if (error.field === "seats") errors.push({ field: "body.seats", message: error.message });
    else if (error.field?.startsWith("options")) errors.push({ field: `body.${error.field}`, message: error.message });
  }
  if (settings.genderRule && !rankingMethods.includes(settings.method)) {
    errors.push({ field: "body.genderRule", message: `applies to methods that order a list: ${rankingMethods.join(", ")}` });
  }
  return errors;
}

function checkTimes(settings: Settings, timeZone: string): FieldError[] {
  const errors: FieldError[] = [];
  const s = settings;
  if (s.nominationOpensAt >= s.nominationClosesAt)
    errors.push({ field: "body.nomination.closesAt", message: "must be after nomination.opensAt" });
  if (s.electorateSource === "meeting") return errors;
  if (s.nominationClosesAt > s.votingOpensAt)
    errors.push({ field: "body.voting.opensAt", message: "must not be before nomination.closesAt" });
  if (s.votingOpensAt >= s.votingClosesAt) errors.push({ field: "body.voting.closesAt", message: "must be after voting.opensAt" });
  const openingDay = localDay(new Date(s.votingOpensAt), timeZone);
  if (s.electorateCutoffOn > openingDay) {
    errors.push({ field: "body.electorate.cutoffOn", message: `must not be after the day voting opens (${openingDay})` });
  }
  return errors;
}

async function checkReferences(db: Db, orgId: string, s: Settings) {
  if (s.electorateGroupId) await requireGroup(db, orgId, s.electorateGroupId, "body.electorate.groupId");
  if (s.committeeGroupId) await requireGroup(db, orgId, s.committeeGroupId, "body.committeeGroupId");
  if (s.eventId) {
    const event = await db.query.events.findFirst({
      columns: { id: true },
      where: and(eq(schema.events.orgId, orgId), eq(schema.events.id, s.eventId)),
    });
    if (!event) throw invalid("body.eventId", "is not an event of this organisation");
  }
}

async function validate(db: Db, orgId: string, settings: Settings, timeZone: string) {
  const errors = [...checkMethod(settings), ...checkTimes(settings, timeZone)];
  if (errors.length > 0) {
    throw invalidFields(errors, "The election is not valid");
  }
  await checkReferences(db, orgId, settings);
}

export async function createElection(ctx: Ctx, options: { input: z.infer<typeof ElectionCreate> }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { input } = options;
  const position = await getPosition(ctx, input.positionId).catch(() => {
    throw invalid("body.positionId", "is not a position of this organisation");
  });
  const { eventId: meetingId, ...electorate } = await electorateSettings(ctx, {
    electorate: input.electorate,
    voting: input.voting,
    eventId: input.eventId,
  });
  const settings: Settings = {
    seats: input.seats ?? position.seats,
    method: input.method as MethodName,
    options: input.options ?? {},
    genderRule: input.genderRule ?? null,
    eventId: meetingId ?? input.eventId ?? null,
    committeeGroupId: input.committeeGroupId ?? null,
    ...electorate,
    nominationOpensAt: input.nomination.opensAt,
    nominationClosesAt: input.nomination.closesAt,
  };
  await validate(db, orgId, settings, ctx.org.timeZone);
  const at = now.toISOString();
  const row: ElectionRow = {
    id: newId(now),
    orgId,
    positionId: position.id,
    title: input.title ?? position.title,
    description: input.description ?? null,
    ...settings,
    options: JSON.stringify(settings.options),
    genderRule: settings.genderRule ? JSON.stringify(settings.genderRule) : null,
    onlineVoting: input.onlineVoting ?? true,
    reserves: input.reserves ?? 0,
    status: "draft",
    seed: randomToken(32),
    result: null,
    countError: null,
    countedAt: null,
    publishedAt: null,
    version: 1,
    proposalVersion: 1,
    proposalVote: null,
    createdAt: at,
    updatedAt: at,
  };
  await db.insert(e).values(row);
  return row;
}

export async function updateElection(ctx: Ctx, options: { row: ElectionRow; input: z.infer<typeof ElectionUpdate>; expected: Expected }) {
  const { db, now } = ctx;
  const { row, input, expected } = options;
  requireVersion(expected, row.version);
  if (!editable(row.status)) throw conflict(`The election is ${row.status}: its settings are fixed once voting has opened.`);
  // A new electorate or new voting times are read whole, as on creation; otherwise the stored ones stand.
  const electorate =
    input.electorate !== undefined || input.voting !== undefined
      ? await electorateSettings(ctx, {
          electorate: input.electorate ?? storedElectorate(row),
          voting: input.voting,
          eventId: input.eventId === undefined ? row.eventId : input.eventId,
        })
      : undefined;
  const settings: Settings = {
    electorateSource: electorate?.electorateSource ?? row.electorateSource,
    meetingOccurrenceStart: electorate ? electorate.meetingOccurrenceStart : row.meetingOccurrenceStart,
    seats: input.seats ?? row.seats,
    method: (input.method ?? row.method) as MethodName,
    options: input.options ?? (input.method && input.method !== row.method ? {} : JSON.parse(row.options)),
    genderRule: input.genderRule === undefined ? (row.genderRule ? JSON.parse(row.genderRule) : null) : input.genderRule,
    eventId: electorate?.eventId ?? (input.eventId === undefined ? row.eventId : input.eventId),
    committeeGroupId: input.committeeGroupId === undefined ? row.committeeGroupId : input.committeeGroupId,
    electorateGroupId: electorate ? electorate.electorateGroupId : row.electorateGroupId,
    electorateCutoffOn: electorate?.electorateCutoffOn ?? row.electorateCutoffOn,
    nominationOpensAt: input.nomination?.opensAt ?? row.nominationOpensAt,
    nominationClosesAt: input.nomination?.closesAt ?? row.nominationClosesAt,
    votingOpensAt: electorate?.votingOpensAt ?? row.votingOpensAt,
    votingClosesAt: electorate?.votingClosesAt ?? row.votingClosesAt,
  };
  if (settings.electorateSource === "meeting" && settings.eventId !== row.eventId && input.electorate === undefined)
    throw invalid("body.eventId", "the meeting of the electorate is changed through electorate.eventId");
  await validate(db, row.orgId, settings, ctx.org.timeZone);
  if (settings.genderRule) await requireGenders(db, row.id);
  const [updated] = await db
    .update(e)
    .set({
      ...settings,
      options: JSON.stringify(settings.options),
      genderRule: settings.genderRule ? JSON.stringify(settings.genderRule) : null,
      ...(input.title !== undefined && { title: input.title }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.onlineVoting !== undefined && { onlineVoting: input.onlineVoting }),
      ...(input.reserves !== undefined && { reserves: input.reserves }),
      version: sql`${e.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(e.id, row.id), sql`${e.status} IN ('draft', 'nominating')`, eq(e.version, row.version)))
    .returning();
  if (!updated) throw lostRace(expected, () => conflict("The election changed while it was being updated; read it again and retry."));
  return updated;
}

/** A gender rule needs the gender of everyone who may end up on the list. */
async function requireGenders(db: Db, electionId: string) {
  const c = schema.electionCandidates;
  const [missing] = await db
    .select({ id: c.id })
    .from(c)
    .where(and(eq(c.electionId, electionId), sql`${c.status} IN ('proposed', 'accepted')`, sql`${c.gender} IS NULL`))
    .limit(1);
  if (missing) throw conflict("A gender rule needs every candidate's gender; some candidates have none yet (PATCH the candidates first).");
}

export async function deleteElection(ctx: Ctx, options: { row: ElectionRow; expected: Expected }) {
  const { db } = ctx;
  const { row, expected } = options;
  requireVersion(expected, row.version);
  if (row.status !== "draft") throw conflict(`Only a draft can be deleted; this election is ${row.status}.`);
  const deleted = await db
    .delete(e)
    .where(and(eq(e.id, row.id), eq(e.status, "draft"), eq(e.version, row.version)))
    .returning({ id: e.id });
  if (deleted.length === 0) throw lostRace(expected, () => conflict("The election changed meanwhile; read it again and retry."));
}

export async function listElectionRows(
  ctx: Ctx,
  options: { status?: ElectionRow["status"] | undefined; positionId?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const { db, viewer } = ctx;
  const orgId = ctx.org.id;
  const { limit, cursor, ...filter } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  return db
    .select()
    .from(e)
    .where(
      and(
        eq(e.orgId, orgId),
        filter.status ? eq(e.status, filter.status) : undefined,
        filter.positionId ? eq(e.positionId, filter.positionId) : undefined,
        isKey(viewer) ? undefined : sql`${e.status} != 'draft'`,
        after ? gt(e.id, after) : undefined,
      ),
    )
    .orderBy(asc(e.id))
    .limit(limit + 1);
}
