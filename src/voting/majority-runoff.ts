/**
 * Block vote with an absolute-majority requirement and a runoff
 * (Vänsterpartiet's stadgar § 22: "mer än hälften av vid valet avgivna
 * godkända röster … omval mellan de ej valda som fått flest röster. I omvalet
 * deltar högst dubbelt så många kandidater som skall väljas. De som i omvalet
 * fått flest röster förklaras valda.").
 *
 * Round 1: each ballot marks up to `options.maxMarks` candidates (default:
 * the number of seats); a candidate is elected with MORE than half of the
 * valid ballots (blank and invalid ballots are not "godkända röster"). If more
 * candidates pass than there are seats, the highest are elected.
 *
 * Runoff: if seats remain, the highest unelected candidates go on, at most
 * twice as many as the open seats. Equal votes at that cut-off are decided
 * like every other tie (tieBreakOrder, else seeded lot) and reported with
 * `decides: "runoff"`: the statute caps the number ("högst"), so including
 * every tied candidate could break it, and lot is the statute's own answer to
 * equal votes (§ 23).
 *
 * The runoff round is final and elects the highest vote-getters (plurality).
 * `options.majorityRounds` (default 1, as in § 22) makes the first N rounds
 * require a majority before the final plurality round.
 *
 * Ballots of a runoff: the engine cannot poll voters again. If the runoff was
 * held, pass its ballots as `options.rounds[i]` (ballots of the i-th round
 * after the first; marks limited to the open seats; naming a candidate not in
 * that round is an input error). Without `options.rounds` the original
 * ballots are recounted restricted to the runoff candidates: marks for others
 * are ignored, a ballot left with no mark does not count in that round, and a
 * ballot keeps all its remaining marks even if they exceed the open seats
 * (the voter could not have said which to drop). The choice is echoed as
 * `parameters.runoffBallots`.
 */
import { type PreparedBallot, prepareBallots, requireSeats } from "./ballots.ts";
import { talliesRecord, tallyMarks } from "./common/marks.ts";
import { orderByScore } from "./common/order.ts";
import { formatCount } from "./common/rational.ts";
import { TieBreaker } from "./common/tiebreak.ts";
import { type Ballot, type BallotSummary, type CountInput, CountInputError, type CountResult, type Round } from "./types.ts";

export function countMajorityRunoff(input: CountInput): CountResult {
  const seats = requireSeats(input, Number.MAX_SAFE_INTEGER);
  const options = input.options ?? {};
  const maxMarks = positiveInteger(options.maxMarks, seats, "options.maxMarks");
  // Statutes ask for a majority in one or two rounds; the bound keeps a typo from running away.
  const majorityRounds = positiveInteger(options.majorityRounds, 1, "options.majorityRounds", 20);
  const supplied = suppliedRounds(options.rounds);
  const prepared = prepareBallots(input, { allowEqualRanks: true, maxMarks });
  requireSeats(input, prepared.continuing.length);
  const tieBreaker = new TieBreaker(input);

  const elected: string[] = [];
  const rounds: Round[] = [];
  let candidates = prepared.continuing;
  let ballots = prepared.ballots;
  let summary: BallotSummary = prepared.summary;

  for (let number = 1; ; number++) {
    const open = seats - elected.length;
    const tally = tallyMarks(ballots, candidates);
    const votes = (name: string) => tally.get(name) ?? 0;
    const base = {
      number,
      tallies: talliesRecord(tally),
      details: { validBallots: formatCount(summary.valid) } as Record<string, unknown>,
    };

    if (number > majorityRounds) {
      const winners = orderByScore(candidates, { score: votes, tieBreaker, round: number, seats: open, reportRankTies: false }).slice(
        0,
        open,
      );
      elected.push(...winners);
      rounds.push({
        ...base,
        action: `Final round: the ${open} candidate(s) with most votes are elected.`,
        elected: winners,
        excluded: [],
      });
      break;
    }

    // More than half of the valid ballots: 2 × votes > valid, exact for whole-number weights.
    const passing = candidates.filter((name) => 2 * votes(name) > summary.valid);
    const winners = orderByScore(passing, { score: votes, tieBreaker, round: number, seats: open, reportRankTies: false }).slice(0, open);
    elected.push(...winners);
    base.details.majority = `more than ${formatCount(summary.valid / 2)}`;
    const stillOpen = seats - elected.length;
    if (stillOpen === 0) {
      rounds.push({ ...base, action: "Every seat filled by candidates with a majority.", elected: winners, excluded: [] });
      break;
    }

    const unelected = candidates.filter((name) => !elected.includes(name));
    const size = Math.min(2 * stillOpen, unelected.length);
    const next = orderByScore(unelected, {
      score: votes,
      tieBreaker,
      round: number,
      seats: size,
      decides: "runoff",
      reportRankTies: false,
    }).slice(0, size);
    base.details.runoffCandidates = next;
    rounds.push({
      ...base,
      action: `${winners.length} elected with a majority; runoff for ${stillOpen} seat(s) among ${next.length} candidate(s).`,
      elected: winners,
      excluded: unelected.filter((name) => !next.includes(name)),
    });

    const held = supplied?.[number - 1];
    if (supplied && !held) throw new CountInputError(`options.rounds has no ballots for round ${number + 1}`, "options.rounds");
    ({ ballots, summary } = held ? runoffBallots(input, held, next, stillOpen, number - 1) : restrictBallots(prepared.ballots, next));
    candidates = next;
  }

  const used = rounds.length - 1;
  if (supplied && supplied.length > used) {
    throw new CountInputError(`options.rounds has ${supplied.length} round(s) but the count used ${used}`, "options.rounds");
  }
  return {
    method: "majority_runoff",
    seats,
    parameters: {
      ...tieBreaker.parameters(),
      maxMarks,
      majorityRounds,
      runoffSize: "at most twice the open seats; ties at the cut-off by tieBreakOrder, else lot",
      runoffBallots: supplied ? "supplied" : "recount",
    },
    elected,
    rounds,
    ties: tieBreaker.ties,
    ballots: prepared.summary,
  };
}

function positiveInteger(value: unknown, fallback: number, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max)
    throw new CountInputError(`${field} must be a whole number from 1 to ${max}`, field);
  return value;
}

function suppliedRounds(value: unknown): Ballot[][] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((round) => Array.isArray(round))) {
    throw new CountInputError("options.rounds must be a list of ballot lists, one per runoff round", "options.rounds");
  }
  return value as Ballot[][];
}

/** Ballots actually cast in a runoff: validated against that round's candidates and open seats. */
function runoffBallots(input: CountInput, ballots: Ballot[], candidates: string[], open: number, index: number) {
  try {
    const prepared = prepareBallots({ ...input, candidates, withdrawn: [], ballots }, { allowEqualRanks: true, maxMarks: open });
    return { ballots: prepared.ballots, summary: prepared.summary };
  } catch (error) {
    if (error instanceof CountInputError) {
      throw new CountInputError(
        `runoff round ${index + 2}: ${error.message}`,
        `options.rounds[${index}]${error.field ? `.${error.field}` : ""}`,
      );
    }
    throw error;
  }
}

/** The original ballots read again with only the runoff candidates' marks. */
function restrictBallots(ballots: readonly PreparedBallot[], candidates: readonly string[]) {
  const keep = new Set(candidates);
  const restricted: PreparedBallot[] = [];
  const summary: BallotSummary = { total: 0, valid: 0, blank: 0, invalid: 0 };
  for (const ballot of ballots) {
    summary.total += ballot.weight;
    const ranking = ballot.ranking.map((group) => group.filter((name) => keep.has(name))).filter((group) => group.length > 0);
    if (ranking.length === 0) {
      summary.blank += ballot.weight;
      continue;
    }
    summary.valid += ballot.weight;
    restricted.push({ weight: ballot.weight, ranking });
  }
  return { ballots: restricted, summary };
}
