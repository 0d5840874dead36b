/**
 * Status changes, persisted. Each is one conditional write (on status and version), so
 * two requests, or a request and the scheduler, that try the same change at once make
 * it once; the loser reads the election again. The clock's changes are applied lazily
 * whenever an election is read or written, and by the scheduler for elections nobody
 * touches, so the time an election opens never depends on traffic.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { rowsAffected, runLongBatch } from "../db/sql.ts";
import { type Expected, lostRace, requireVersion } from "../db/versions.ts";
import { termEnd } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { conflict } from "../lib/problems.ts";
import { CountInputError } from "../voting/types.ts";
import { webhookEvent } from "../webhooks/events.ts";
import { sealBallots, truncateLocalLog } from "./ballot-storage.ts";
import { sendElectionCall } from "./calls.ts";
import { type CountPolicy, countElection, inlineRequestPolicy, type StoredResult } from "./counting.ts";
import type { ElectionRow } from "./elections.service.ts";
import { electorateStatements } from "./electorate.ts";
import { advance, type ElectionStatus, statusIndex, transitionRefusal } from "./machine.ts";
import { refuseBallotsBesideProposal, refuseDuringProposalVote } from "./proposal-vote-state.ts";

const e = schema.elections;

/**
 * What a status change needs of its context: the database, the organisation, the instant and
 * its local day. A request passes its Ctx; the scheduled job builds one per organisation.
 */
export type ElectionClock = Pick<Ctx, "db" | "org" | "now" | "day">;

async function reload(db: Db, id: string): Promise<ElectionRow> {
  const row = await db.query.elections.findFirst({ where: eq(e.id, id) });
  if (!row) throw conflict("The election was deleted meanwhile.");
  return row;
}

/** A status change: the election after it, and whether this request's conditional write made it (rather than a concurrent one). */
interface Moved {
  row: ElectionRow;
  applied: boolean;
}

/** Tells webhooks of a status change, recorded only if the write right before it in the batch took. */
function statusChanged(ctx: ElectionClock, row: ElectionRow, to: ElectionStatus) {
  return webhookEvent({ db: ctx.db, orgId: row.orgId, now: ctx.now }, "election.status_changed", row.id, {
    detail: { from: row.status, to },
    ifChanged: true,
  });
}

/** The earlier of two ISO instants (text compares as time does). */
const earlier = (a: string, b: string) => [a, b].sort()[0] as string;

/** Opens voting and writes the electorate, both or neither. `early`: staff open it before its time, which moves the times. */
async function openVoting(ctx: ElectionClock, row: ElectionRow, early: boolean): Promise<Moved> {
  const { db, now } = ctx;
  const at = now.toISOString();
  const times = early
    ? {
        votingOpensAt: at,
        nominationClosesAt: earlier(row.nominationClosesAt, at),
        nominationOpensAt: earlier(row.nominationOpensAt, at),
      }
    : {};
  const [opening] = await runLongBatch(db, [
    db
      .update(e)
      .set({ status: "voting", ...times, version: row.version + 1, updatedAt: at })
      .where(and(eq(e.id, row.id), eq(e.status, row.status), eq(e.version, row.version))),
    ...statusChanged(ctx, row, "voting"),
    ...(await electorateStatements(db, row, ctx.org.timeZone, row.version + 1)),
  ]);
  const opened = await reload(db, row.id);
  // A meeting's poll is called in the room, not by mail.
  if (opened.status === "voting" && opened.electorateSource !== "meeting") await sendElectionCall(ctx, opened, "voting_open");
  return { row: opened, applied: rowsAffected(opening) > 0 };
}

/** Closes the poll and rewrites its ballots in random order (ballot-storage.ts), both or neither. */
async function closeVoting(ctx: ElectionClock, row: ElectionRow, early: boolean): Promise<Moved> {
  const { db, now } = ctx;
  const at = now.toISOString();
  const closed = sql`EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${row.id} AND ${e.status} = 'closed' AND ${e.version} = ${row.version + 1})`;
  const [closing] = await db.batch([
    db
      .update(e)
      .set({ status: "closed", ...(early ? { votingClosesAt: at } : {}), version: row.version + 1, updatedAt: at })
      .where(and(eq(e.id, row.id), eq(e.status, "voting"), eq(e.version, row.version))),
    ...statusChanged(ctx, row, "closed"),
    ...sealBallots(db, row.id, closed),
  ]);
  const applied = rowsAffected(closing) > 0;
  if (applied) await truncateLocalLog(db);
  return { row: await reload(db, row.id), applied };
}

/**
 * Counts and stores the result (closed → counted; a counted election is counted again,
 * after paper ballots were added or removed). A count the method refuses leaves the
 * election closed with the reason, for staff to see. A count the policy leaves for the
 * scheduled job (a large one asked for by a request on Workers) leaves the election
 * closed with no reason, which is what the job looks for: a counted election's result
 * is withdrawn then, as it no longer matches its ballots.
 */
export async function countAndStore(ctx: ElectionClock, options: { row: ElectionRow; policy?: CountPolicy }): Promise<ElectionRow> {
  return (await count(ctx, options.row, options.policy ?? inlineRequestPolicy)).row;
}

/** POST …/count: counts again, with If-Match only the version read. */
export async function recount(
  ctx: ElectionClock,
  options: { row: ElectionRow; expected: Expected; policy: CountPolicy },
): Promise<ElectionRow> {
  const { row, expected, policy } = options;
  requireVersion(expected, row.version);
  const counted = await count(ctx, row, policy);
  if (awaitsCount(counted.row)) throw countPending();
  if (!counted.applied) throw lostRace(expected, () => conflict("The election changed meanwhile; read it again and retry."));
  return counted.row;
}

/** Whether the election waits for the scheduled job to count it. */
export const awaitsCount = (row: ElectionRow) => row.status === "closed" && row.countError === null;

async function count(ctx: ElectionClock, row: ElectionRow, policy: CountPolicy): Promise<Moved> {
  const { db, now } = ctx;
  refuseBallotsBesideProposal(row);
  if (row.status !== "closed" && row.status !== "counted") {
    throw conflict(`The election is ${row.status}; it is counted once voting has closed, and not again once published.`);
  }
  let result: StoredResult | null = null;
  let error: string | null = null;
  try {
    result = await countElection(db, row, policy);
  } catch (thrown) {
    if (!(thrown instanceof CountInputError)) throw thrown;
    error = thrown.message;
  }
  // Already waiting for the job: nothing to store.
  if (!result && error === null && row.status === "closed" && row.countError === null) return { row, applied: false };
  const at = now.toISOString();
  const to = result ? "counted" : "closed";
  const [stored] = await db.batch([
    db
      .update(e)
      .set(
        result
          ? { status: "counted", result: JSON.stringify(result), countError: null, countedAt: at, version: row.version + 1, updatedAt: at }
          : { status: "closed", result: null, countError: error, countedAt: null, version: row.version + 1, updatedAt: at },
      )
      .where(and(eq(e.id, row.id), inArray(e.status, ["closed", "counted"]), eq(e.version, row.version))),
    // A recount that leaves the status as it was is no status change.
    ...(to === row.status ? [] : statusChanged(ctx, row, to)),
  ]);
  return { row: await reload(db, row.id), applied: rowsAffected(stored) > 0 };
}

/** Publishes the result and creates the mandates of the elected, both or neither. */
async function publish(ctx: ElectionClock, row: ElectionRow, termStartsOn: string | undefined): Promise<Moved> {
  const { db, now } = ctx;
  if (row.status !== "counted" || !row.result) throw conflict("Only a counted election can be published; count it first.");
  const result = JSON.parse(row.result) as StoredResult;
  const position = await db.query.positions.findFirst({ where: eq(schema.positions.id, row.positionId) });
  if (!position) throw conflict("The election's position no longer exists.");
  const startsOn = termStartsOn ?? ctx.day;
  const endsOn = termEnd(startsOn, position.termMonths);
  const at = now.toISOString();
  const md = schema.mandates;
  const published = sql`EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${row.id} AND ${e.status} = 'published' AND ${e.version} = ${row.version + 1})`;
  const [publishing] = await db.batch([
    db
      .update(e)
      .set({ status: "published", publishedAt: at, version: row.version + 1, updatedAt: at })
      .where(and(eq(e.id, row.id), eq(e.status, "counted"), eq(e.version, row.version))),
    ...webhookEvent({ db, orgId: row.orgId, now }, "election.status_changed", row.id, {
      detail: { from: row.status, to: "published" },
      when: published,
    }),
    ...webhookEvent({ db, orgId: row.orgId, now }, "election.result_published", row.id, { when: published }),
    ...result.elected.map((elected) =>
      db.run(sql`INSERT OR IGNORE INTO ${md} (id, org_id, position_id, member_id, election_id, place, starts_on, ends_on, created_at)
        SELECT ${newId(now)}, ${row.orgId}, ${row.positionId}, ${elected.memberId}, ${row.id}, ${elected.place}, ${startsOn}, ${endsOn}, ${at}
        WHERE ${published}`),
    ),
    ...(result.reserves ?? []).map((reserve) =>
      db.run(sql`INSERT OR IGNORE INTO ${md} (id, org_id, position_id, member_id, election_id, place, reserve_rank, starts_on, ends_on, created_at)
        SELECT ${newId(now)}, ${row.orgId}, ${row.positionId}, ${reserve.memberId}, ${row.id}, NULL, ${reserve.rank}, ${startsOn}, ${endsOn}, ${at}
        WHERE ${published}`),
    ),
  ]);
  return { row: await reload(db, row.id), applied: rowsAffected(publishing) > 0 };
}

/** Brings an election up to date with the clock: opens, closes and counts what is due (as the policy allows). */
export async function settle(ctx: ElectionClock, options: { row: ElectionRow; policy?: CountPolicy }): Promise<ElectionRow> {
  const policy = options.policy ?? inlineRequestPolicy;
  let current = options.row;
  // Each step either changes the status or reloads a row someone else changed; a few rounds always suffice.
  for (let step = 0; step < 6; step++) {
    const due = advance(current, ctx.now);
    if (current.status === "nominating" && due !== "nominating") current = (await openVoting(ctx, current, false)).row;
    else if (current.status === "voting" && due === "closed") current = (await closeVoting(ctx, current, false)).row;
    else if (awaitsCount(current)) {
      current = (await count(ctx, current, policy)).row;
      if (awaitsCount(current)) break; // left for the scheduled job
    } else break;
  }
  return current;
}

/**
 * A move asked for by staff: every step in between happens in order, early steps moving the
 * election's times. With If-Match the first step must be this request's own write on the
 * version the client read (each step is conditioned on the version it starts from).
 */
export async function transition(
  ctx: ElectionClock,
  options: { row: ElectionRow; to: ElectionStatus; termStartsOn?: string | undefined; expected?: Expected; policy?: CountPolicy },
): Promise<ElectionRow> {
  const { to, termStartsOn, expected } = options;
  const policy = options.policy ?? inlineRequestPolicy;
  let current = await settle(ctx, { row: options.row, policy });
  requireVersion(expected, current.version);
  refuseDuringProposalVote(current);
  const refusal = transitionRefusal(current.status, to);
  if (refusal) throw conflict(refusal);
  let first = true;
  // The clock may carry the election past `to` on the way (announcing one whose voting time has come): that is no error.
  while (statusIndex(current.status) < statusIndex(to)) {
    const before = current;
    let step: Moved;
    switch (current.status) {
      case "draft":
        step = await announce(ctx, current);
        step = { ...step, row: await settle(ctx, { row: step.row, policy }) };
        break;
      case "nominating":
        // The electorate is read from memberships on the cut-off day, which must have come.
        if (ctx.day < current.electorateCutoffOn) {
          throw conflict(`Voting cannot open before the electorate's cut-off day (${current.electorateCutoffOn}).`, {
            reason: "before_cutoff",
          });
        }
        if (current.electorateSource === "meeting") await requireRegisterFixed(ctx.db, current);
        step = await openVoting(ctx, current, true);
        break;
      case "voting":
        step = await closeVoting(ctx, current, true);
        break;
      case "closed":
        step = await count(ctx, current, policy);
        if (awaitsCount(step.row)) throw countPending();
        if (step.row.status === "closed") throw conflict(`The ballots could not be counted: ${step.row.countError}`);
        break;
      case "counted":
        step = await publish(ctx, current, termStartsOn);
        break;
      case "published":
        return current;
    }
    if (first && !step.applied && expected !== undefined) throw lostRace(expected, () => conflict("The election changed meanwhile."));
    first = false;
    current = step.row;
    if (current.version === before.version) throw conflict("The election changed meanwhile; read it again and retry.");
  }
  return current;
}

/** A meeting's poll opens on the meeting's voting register, which must have been fixed. */
export async function requireRegisterFixed(database: Db, row: ElectionRow) {
  const meeting = await database.query.meetings.findFirst({
    where: and(eq(schema.meetings.eventId, row.eventId ?? ""), eq(schema.meetings.occurrenceStart, row.meetingOccurrenceStart ?? "")),
  });
  if (!meeting?.registerFixedAt)
    throw conflict("The meeting's voting register has not been fixed yet; fix it before opening the poll.", {
      reason: "register_not_fixed",
    });
}

/** A large count left to the scheduled job: the caller asks again once it has run. */
export const countPending = () =>
  conflict("The count is large and is done by the scheduled job, within a minute; ask again then.", {
    reason: "count_pending",
  });

async function announce(ctx: ElectionClock, row: ElectionRow): Promise<Moved> {
  const { db, now } = ctx;
  const [announcing] = await db.batch([
    db
      .update(e)
      .set({ status: "nominating", version: row.version + 1, updatedAt: now.toISOString() })
      .where(and(eq(e.id, row.id), eq(e.status, "draft"), eq(e.version, row.version))),
    ...statusChanged(ctx, row, "nominating"),
  ]);
  const announced = await reload(db, row.id);
  if (announced.status === "nominating") await sendElectionCall(ctx, announced, "nominations_open");
  return { row: announced, applied: rowsAffected(announcing) > 0 };
}
