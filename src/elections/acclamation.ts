/**
 * Election by acclamation: when no more candidates stand than there are seats, the meeting
 * declares them elected without a ballot. The result says so, and publishing it creates
 * the mandates as for any counted election.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { rowsAffected } from "../db/sql.ts";
import { type Expected, lostRace, requireVersion } from "../db/versions.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { conflict } from "../lib/problems.ts";
import { type StoredResult, standingCandidates } from "./counting.ts";
import type { ElectionRow } from "./elections.service.ts";
import { proposalOf } from "./proposals.service.ts";

const e = schema.elections;
const c = schema.electionCandidates;

export async function declareByAcclamation(ctx: Ctx, options: { row: ElectionRow; expected: Expected }): Promise<ElectionRow> {
  const { db, now } = ctx;
  const { row, expected } = options;
  requireVersion(expected, row.version);
  if (row.status !== "nominating") {
    throw conflict(`The election is ${row.status}; acclamation is declared after nominations and before any poll opens.`, {
      reason: row.status === "draft" ? "not_announced" : "voting_opened",
    });
  }
  const standing = await standingCandidates(db, row.id);
  if (standing.length === 0) throw conflict("Nobody stands; there is no one to declare elected.", { reason: "no_candidates" });
  if (standing.length > row.seats) {
    throw conflict(`${standing.length} candidates stand for ${row.seats} seat(s): the election needs a ballot.`, { reason: "contested" });
  }
  // The committee's order first where it gave one, then the order of nomination.
  const proposed = new Map((await proposalOf(ctx, row.id)).map((p) => [p.memberId, p.place]));
  const ordered = [...standing].sort(
    (a, b) => (proposed.get(a.memberId) ?? Number.MAX_SAFE_INTEGER) - (proposed.get(b.memberId) ?? Number.MAX_SAFE_INTEGER),
  );
  const refs = standing.map(({ id, memberId, name }) => ({ id, memberId, name }));
  const result: StoredResult = {
    byAcclamation: true,
    candidates: refs,
    elected: ordered.map(({ id, memberId, name }, i) => ({ id, memberId, name, place: i + 1 })),
    reserves: [],
    vacantSeats: row.seats - ordered.length,
    count: null,
    genderRule: null,
    turnout: { electorate: 0, votedOnline: 0, paperBallots: 0, ballots: 0, valid: 0, blank: 0, invalid: 0, percentOnline: null },
    receipts: { count: 0, digest: await sha256Hex("") },
  };
  const at = now.toISOString();
  // Only on the candidates read: someone standing meanwhile makes it contested again.
  const declared = await db.run(sql`UPDATE ${e} SET status = 'counted', result = ${JSON.stringify(result)}, count_error = NULL,
      counted_at = ${at}, nomination_closes_at = min(${e.nominationClosesAt}, ${at}), version = version + 1, updated_at = ${at}
    WHERE ${e.id} = ${row.id} AND ${e.status} = 'nominating' AND ${e.version} = ${row.version}
      AND (SELECT count(*) FROM ${c} WHERE ${c.electionId} = ${row.id} AND ${c.status} = 'accepted') = ${standing.length}`);
  if (rowsAffected(declared) === 0) throw lostRace(expected, () => conflict("The election changed meanwhile; read it again and retry."));
  return (await db.query.elections.findFirst({ where: and(eq(e.id, row.id)) })) as ElectionRow;
}
