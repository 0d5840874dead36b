/**
 * Instant-runoff voting (alternativröstning), single seat, and sequential IRV
 * for ordering a list (Miljöpartiet's EU list: IRV for place 1, remove the
 * winner, repeat).
 *
 * - Each ballot counts for its highest-ranked continuing candidate. A
 *   candidate with MORE than half of the continuing (non-exhausted) ballots
 *   is elected; `quota` in the round details is the smallest whole number of
 *   votes that is more than half.
 * - Otherwise the candidate with fewest votes is excluded, one at a time.
 *   Equal lowest votes: look back to the most recent earlier round in which
 *   the tied candidates had different votes and exclude the one lowest there
 *   (repeating among any still tied); if no earlier round separates them, the
 *   one latest in tieBreakOrder is excluded, else the loser of the seeded lot.
 * - Equal rankings ("a=b") cannot be followed by IRV: such a ballot is
 *   invalid and counted apart. Withdrawn candidates are skipped.
 */
import { mergeIdentical, type PreparedBallot, prepareBallots, requireSeats } from "./ballots.ts";
import { formatCount } from "./common/rational.ts";
import { TieBreaker } from "./common/tiebreak.ts";
import { type CountInput, CountInputError, type CountResult, type Round } from "./types.ts";

interface IrvOutcome {
  winner: string;
  rounds: Round[];
}

/**
 * One IRV count over `standing`; round numbers continue from `firstRound`. Each ballot
 * sits on the pile of its highest-ranked continuing candidate, and only the excluded
 * candidate's pile moves on: the ballots are read once in all, not once per round.
 */
function runIrv(
  ballots: readonly PreparedBallot[],
  standing: readonly string[],
  tieBreaker: TieBreaker,
  firstRound: number,
  label: string,
): IrvOutcome {
  const index = new Map(standing.map((name, c) => [name, c]));
  const continuing = new Uint8Array(standing.length).fill(1);
  const votes = new Float64Array(standing.length);
  const piles: number[][] = standing.map(() => []);
  const at = new Int32Array(ballots.length);
  let remaining = standing.length;
  // Moves ballot b to the first continuing candidate from position `from` on; past the end it is exhausted.
  const place = (b: number, from: number) => {
    const { ranking, weight } = ballots[b] as PreparedBallot;
    for (let k = from; k < ranking.length; k++) {
      const c = index.get((ranking[k] as string[])[0] as string);
      if (c !== undefined && continuing[c] === 1) {
        at[b] = k;
        (piles[c] as number[]).push(b);
        votes[c] = (votes[c] as number) + weight;
        return;
      }
    }
  };
  ballots.forEach((_, b) => {
    place(b, 0);
  });

  const history: Map<string, number>[] = [];
  const rounds: Round[] = [];
  const total = ballots.reduce((sum, ballot) => sum + ballot.weight, 0);
  for (let number = firstRound; ; number++) {
    const tally = new Map<string, number>();
    standing.forEach((name, c) => {
      if (continuing[c] === 1) tally.set(name, votes[c] as number);
    });
    history.push(tally);
    const live = [...tally.values()].reduce((a, b) => a + b, 0);
    const record = {
      number,
      tallies: Object.fromEntries([...tally].map(([name, count]) => [name, formatCount(count)])),
      exhausted: formatCount(total - live),
      details: { continuingBallots: formatCount(live), quota: formatCount(Math.floor(live / 2) + 1) },
    };
    const leader = [...tally].find(([, count]) => 2 * count > live);
    if (leader || remaining === 1) {
      const winner = leader ? leader[0] : ([...tally.keys()][0] as string);
      const action = leader
        ? `${label}${winner} has more than half of the continuing ballots and is elected.`
        : `${label}${winner} is the only candidate left and is elected.`;
      rounds.push({ ...record, action, elected: [winner], excluded: [] });
      return { winner, rounds };
    }
    const loser = lowest(tally, history, tieBreaker, number);
    const c = index.get(loser) as number;
    continuing[c] = 0;
    remaining--;
    votes[c] = 0;
    const pile = piles[c] as number[];
    piles[c] = [];
    for (const b of pile) place(b, (at[b] as number) + 1);
    rounds.push({ ...record, action: `${label}No majority; ${loser} has fewest votes and is excluded.`, elected: [], excluded: [loser] });
  }
}

function lowest(tally: Map<string, number>, history: Map<string, number>[], tieBreaker: TieBreaker, round: number): string {
  const min = Math.min(...tally.values());
  let tied = [...tally.keys()].filter((name) => tally.get(name) === min);
  if (tied.length === 1) return tied[0] as string;
  const all = [...tied];
  // Backwards through earlier rounds, narrowing to those lowest where they differ.
  for (let r = history.length - 2; r >= 0 && tied.length > 1; r--) {
    const earlier = history[r] as Map<string, number>;
    const low = Math.min(...tied.map((name) => earlier.get(name) ?? 0));
    const narrowed = tied.filter((name) => (earlier.get(name) ?? 0) === low);
    if (narrowed.length < tied.length) tied = narrowed;
  }
  if (tied.length === 1) {
    const chosen = tied[0] as string;
    tieBreaker.ties.push({ round, decides: "exclude", candidates: all, resolvedBy: "earlier_round", chosen });
    return chosen;
  }
  const chosen = tieBreaker.pickLast(tied, round, "exclude");
  const report = tieBreaker.ties[tieBreaker.ties.length - 1];
  if (report) report.candidates = all;
  return chosen;
}

function prepareIrv(input: CountInput) {
  const prepared = prepareBallots(input, { allowEqualRanks: false });
  if (prepared.continuing.length === 0) throw new CountInputError("no candidates standing", "candidates");
  // Every round reads every ballot: identical ones are read once (limits.ts sizes the count by distinct rankings).
  return { ...prepared, ballots: mergeIdentical(prepared.ballots) };
}

export function countIrv(input: CountInput): CountResult {
  const prepared = prepareIrv(input);
  const seats = requireSeats(input, prepared.continuing.length, 1);
  if (seats !== 1) throw new CountInputError("IRV fills exactly one seat; use sequential_irv to rank a list", "seats");
  const tieBreaker = new TieBreaker(input);
  const { winner, rounds } = runIrv(prepared.ballots, prepared.continuing, tieBreaker, 1, "");
  return {
    method: "irv",
    seats,
    parameters: {
      ...tieBreaker.parameters(),
      majority: "more than half of the continuing ballots",
      exclusionTies: "earlier rounds, then tieBreakOrder, then lot",
    },
    elected: [winner],
    rounds,
    ties: tieBreaker.ties,
    ballots: prepared.summary,
  };
}

/**
 * Ranks a list: place 1 by IRV over everyone, then the winner is removed
 * (skipped on every ballot, as if withdrawn) and place 2 is counted by IRV
 * over the rest, and so on. `seats` is the list length (default: everyone).
 */
export function countSequentialIrv(input: CountInput): CountResult {
  const prepared = prepareIrv(input);
  const seats = requireSeats(input, prepared.continuing.length, prepared.continuing.length);
  const tieBreaker = new TieBreaker(input);
  const order: string[] = [];
  const rounds: Round[] = [];
  let standing = [...prepared.continuing];
  while (order.length < seats) {
    const place = order.length + 1;
    const outcome = runIrv(prepared.ballots, standing, tieBreaker, rounds.length + 1, `Place ${place}: `);
    for (const round of outcome.rounds) round.details = { ...round.details, place };
    rounds.push(...outcome.rounds);
    order.push(outcome.winner);
    standing = standing.filter((name) => name !== outcome.winner);
  }
  return {
    method: "sequential_irv",
    seats,
    parameters: {
      ...tieBreaker.parameters(),
      majority: "more than half of the continuing ballots",
      exclusionTies: "earlier rounds, then tieBreakOrder, then lot",
    },
    elected: order,
    ranking: order,
    rounds,
    ties: tieBreaker.ties,
    ballots: prepared.summary,
  };
}
