import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { camelToSnake } from "../tally/methods.ts";
import { type CountRunner, inlineCounter } from "../tally/runner.ts";
import { applyGenderRule, type GenderRule } from "../voting/gender.ts";
import { INLINE_WORK, planCount } from "../voting/limits.ts";
import type { CountInput, CountResult, MethodName, RankEntry } from "../voting/types.ts";
import type { ElectionRow } from "./elections.service.ts";

/** What is stored as an election's result; status and publication come from the election row. */
export interface StoredResult {
  /** Declared elected without a ballot (no more candidates than seats); absent in results stored before it existed. */
  byAcclamation?: boolean;
  /** Elected by the meeting accepting the committee's proposal as a whole, with the vote's totals. */
  byProposal?: boolean;
  proposalVote?: { yes: number; no: number; abstain: number };
  candidates: { id: string; memberId: string; name: string | null }[];
  elected: { id: string; memberId: string; name: string | null; place: number }[];
  /** Absent in results stored before reserves existed. */
  reserves?: { id: string; memberId: string; name: string | null; rank: number }[];
  vacantSeats: number;
  count: CountResult | null;
  genderRule: {
    rule: GenderRule;
    order: string[];
    moves: { candidate: string; from: number; to: number; reason: string }[];
    ranOutAt: number | null;
  } | null;
  turnout: {
    electorate: number;
    votedOnline: number;
    paperBallots: number;
    ballots: number;
    valid: number;
    blank: number;
    invalid: number;
    percentOnline: number | null;
  };
  receipts: { count: number; digest: string };
}

const c = schema.electionCandidates;
const b = schema.ballots;
const v = schema.electionVoters;

/** Candidates on the ballot, in the order they were nominated (which is also the order the lot is drawn over). */
export async function standingCandidates(db: Db, electionId: string) {
  return db
    .select({ id: c.id, memberId: c.memberId, name: schema.members.name, gender: c.gender })
    .from(c)
    .innerJoin(schema.members, eq(schema.members.id, c.memberId))
    .where(and(eq(c.electionId, electionId), eq(c.status, "accepted")))
    .orderBy(asc(c.id));
}

/**
 * The count's input: identical ballots are summed in SQL, which also leaves nothing of
 * the order in which they were stored. Candidates are named by their candidate ids, which
 * are unique where names need not be.
 */
export async function countInputOf(db: Db, row: ElectionRow, candidateIds: string[]): Promise<CountInput> {
  const grouped = await db
    .select({ ranking: b.ranking, weight: sql<number>`sum(${b.weight})` })
    .from(b)
    .where(eq(b.electionId, row.id))
    .groupBy(b.ranking)
    .orderBy(asc(b.ranking));
  return {
    method: row.method as MethodName,
    seats: Math.min(row.seats, candidateIds.length),
    candidates: candidateIds,
    withdrawn: [],
    tieBreakOrder: null,
    seed: row.seed,
    ballots: grouped.map((g) => ({ weight: Number(g.weight), ranking: JSON.parse(g.ranking) as RankEntry[] })),
    options: JSON.parse(row.options) as Record<string, unknown>,
  };
}

async function turnoutOf(db: Db, electionId: string) {
  const [voters] = await db
    // Voters marked as voting on paper at the meeting are counted with the paper ballots, not online.
    .select({ electorate: sql<number>`count(*)`, voted: sql<number>`coalesce(sum(${v.hasVoted} AND NOT ${v.votedOnPaper}), 0)` })
    .from(v)
    .where(eq(v.electionId, electionId));
  const [papers] = await db
    .select({ paper: sql<number>`coalesce(sum(CASE WHEN ${b.source} = 'paper' THEN ${b.weight} ELSE 0 END), 0)` })
    .from(b)
    .where(eq(b.electionId, electionId));
  return { electorate: Number(voters?.electorate ?? 0), voted: Number(voters?.voted ?? 0), paper: Number(papers?.paper ?? 0) };
}

/** The sorted receipt hashes, and a digest of them that the published result commits to. */
export async function receiptsOf(db: Db, electionId: string) {
  const rows = await db
    .select({ hash: b.receiptHash })
    .from(b)
    .where(and(eq(b.electionId, electionId), isNotNull(b.receiptHash)))
    .orderBy(asc(b.receiptHash));
  const hashes = rows.map((r) => r.hash as string);
  return { count: hashes.length, digest: await sha256Hex(hashes.join("\n")) };
}

/**
 * How a stored count may run where it is asked for. A request waits for its answer: on a
 * runner that counts in line (Workers) it runs only small counts and leaves larger ones
 * to the scheduled job, which has a whole invocation for them. A job spends at most its
 * tick's budget; what is left over is counted on the next tick.
 */
export interface CountPolicy {
  runner: CountRunner;
  request: boolean;
  /** Work units (limits.ts) the caller may still spend; a count that needs more waits. Absent: no budget. */
  budget?: { remaining: number };
}

/** A request's policy without an injected runner: in line, small counts only. */
export const inlineRequestPolicy: CountPolicy = { runner: inlineCounter, request: true };

/** Whether this count runs here and now; spends the budget when it does. Throws CountLimitError for one over the limits. */
function runsHere(input: CountInput, policy: CountPolicy): boolean {
  const { work } = planCount(input);
  if (policy.request && !policy.runner.offThread && work > INLINE_WORK) return false;
  if (policy.budget) {
    if (policy.budget.remaining <= 0) return false;
    policy.budget.remaining -= work;
  }
  return true;
}

/**
 * Counts an election's ballots; null when the count is left for the scheduled job (see
 * CountPolicy). Throws CountInputError when the method cannot count them, or when the
 * count is over its limits (the caller records why).
 */
export async function countElection(db: Db, row: ElectionRow, policy: CountPolicy = inlineRequestPolicy): Promise<StoredResult | null> {
  const standing = await standingCandidates(db, row.id);
  const refs = standing.map(({ id, memberId, name }) => ({ id, memberId, name }));
  const byId = new Map(refs.map((ref) => [ref.id, ref]));
  const input = await countInputOf(
    db,
    row,
    standing.map((s) => s.id),
  );
  if (standing.length > 0 && !runsHere(input, policy)) return null;
  const result = standing.length > 0 ? await policy.runner.count(input) : null;

  let order = result?.elected ?? [];
  let gender: StoredResult["genderRule"] = null;
  if (result && row.genderRule) {
    const rule = JSON.parse(row.genderRule) as GenderRule;
    const genders = Object.fromEntries(standing.map((s) => [s.id, s.gender ?? ""]));
    const applied = applyGenderRule(result.ranking ?? result.elected, genders, rule);
    gender = { rule: applied.rule, order: applied.order, moves: applied.moves, ranOutAt: applied.ranOutAt };
    order = applied.order.slice(0, result.elected.length);
  }

  const reserveIds = result && row.reserves > 0 ? await reservesOf(input, result, order, row.reserves, policy) : [];
  const turnout = await turnoutOf(db, row.id);
  const summary = result?.ballots ?? { total: input.ballots.reduce((sum, x) => sum + x.weight, 0), valid: 0, blank: 0, invalid: 0 };
  return {
    candidates: refs,
    elected: order.map((id, i) => ({ ...(byId.get(id) as { id: string; memberId: string; name: string | null }), place: i + 1 })),
    reserves: reserveIds.map((id, i) => ({ ...(byId.get(id) as { id: string; memberId: string; name: string | null }), rank: i + 1 })),
    vacantSeats: row.seats - order.length,
    count: result,
    genderRule: gender,
    turnout: {
      electorate: turnout.electorate,
      votedOnline: turnout.voted,
      paperBallots: turnout.paper,
      ballots: summary.total,
      valid: summary.valid,
      blank: summary.blank,
      invalid: summary.invalid,
      percentOnline: turnout.electorate > 0 ? Math.round((turnout.voted / turnout.electorate) * 1000) / 10 : null,
    },
    receipts: await receiptsOf(db, row.id),
  };
}

/**
 * Reserves from the non-elected, in order: the method's full order where it gives one
 * (Schulze proportional ranking and the other ranking methods); otherwise the same count
 * repeated for one seat with everyone already placed withdrawn, so each reserve is who the
 * voters' preferences put next.
 */
async function reservesOf(input: CountInput, result: CountResult, elected: string[], wanted: number, policy: CountPolicy) {
  const placed = new Set(elected);
  if (result.ranking) return result.ranking.filter((id) => !placed.has(id)).slice(0, wanted);
  const reserves: string[] = [];
  while (reserves.length < wanted && placed.size < input.candidates.length) {
    const next = (await policy.runner.count({ ...input, seats: 1, withdrawn: [...placed] })).elected[0];
    if (next === undefined) break;
    reserves.push(next);
    placed.add(next);
  }
  return reserves;
}

/**
 * The count's input in the shape POST /v1/tally takes, for auditors: with the election's
 * seed and no tie order, /v1/tally counts exactly as the election was counted. Candidates
 * are named by candidate id, as in the stored count; `candidate_names` maps them.
 */
export async function tallyInputOf(ctx: Pick<Ctx, "db">, row: ElectionRow) {
  const { db } = ctx;
  const standing = await standingCandidates(db, row.id);
  const input = await countInputOf(
    db,
    row,
    standing.map((s) => s.id),
  );
  const options = Object.fromEntries(Object.entries(input.options ?? {}).map(([key, value]) => [camelToSnake(key), value]));
  return {
    method: input.method,
    seats: input.seats ?? null,
    candidates: input.candidates,
    withdrawn: [],
    seed: row.seed,
    ...options,
    ballots: input.ballots.map((ballot) => ({ weight: ballot.weight, ranking: ballot.ranking })),
    candidate_names: Object.fromEntries(standing.map((s) => [s.id, s.name])),
  };
}
