/**
 * Meek's method of STV, in fixed-point decimal arithmetic (BigInt scaled
 * integers), following Droop's `meek` rule (jklundell/droop) and stv-rs,
 * which reproduces it.
 *
 * A round iterates: every ballot gives each candidate in turn the candidate's
 * keep factor of what is left of it (hopeful: 1, defeated: 0); the quota is
 * the votes credited to candidates / (seats + 1), truncated, plus one unit in
 * the last place; hopeful candidates reaching it are elected (which ends the
 * round); otherwise elected candidates' keep factors become
 * kf × quota / votes (each step rounded up) until the total surplus is at
 * most omega or stops falling. A round that elects nobody defeats the lowest
 * hopeful candidate; candidates within the total surplus of the lowest count
 * as tied with it. When the hopeful candidates equal the vacancies left, they
 * are elected.
 *
 * Options (all echoed, with defaults, in `result.parameters`):
 * - `precision` (default 12; 9 for the PRF variant): decimal places of every
 *   value.
 * - `omega` (a decimal string or number; default 10^-(2/3 of the precision),
 *   Droop's rule for fixed point: 10^-8 at 12 places, 10^-6 at 9): iteration
 *   stops once the total surplus is within it.
 *   Why 12 places by default: 9 places with omega 10^-6 (Droop's fixed
 *   default, stv-rs `fixed9`, the PRF rule) cannot separate X, Y and Z in
 *   Voting Matters issue 12, which finish within 1.3 × 10^-7 of each other, and
 *   elects Y where exact Meek elects X. `{ precision: 9 }` gives that setup.
 * - `variant`:
 *   - "droop" (default): keep = w × kf and remainder = w × (1 − kf), both
 *     truncated; iteration stops when surplus ≤ omega.
 *   - "prf_reference": the Proportional Representation Foundation's
 *     reference rule (prfound.org, as Meeks-PRF-js and Droop's meek-prf count
 *     it): keep = w × kf rounded up, remainder = w − keep; stops when
 *     surplus < omega; a negative total surplus counts as 0. The PRF rule
 *     fixes precision 9 and omega 0.000001, the defaults above.
 *   Neither defeats candidates in batches.
 *
 * Ties for defeat go to the order of favour (stv/ties.ts): `tieBreakOrder`
 * lists candidates from most to least favoured and the tied candidate listed
 * LATEST is defeated; unlisted candidates follow in the seeded lot, which
 * alone decides when there is no order. Droop's BLT `[tie]` line, stv-rs and
 * the Meeks-PRF `tieBreaker` defeat the candidate listed FIRST, so their
 * order is passed reversed. There is no look-back: the rules have none.
 * Candidates elected in the same iteration, or together at the end, are
 * listed in ballot-paper order, as Droop and stv-rs list them.
 *
 * Equal rankings split the weight evenly over the rank's candidates (Droop's
 * recursion); a rank whose candidates are all defeated is skipped.
 */

import { MAX_WORK, meekCostFactor, WorkMeter } from "./limits.ts";
import { divUp, formatFixed, mulUp, parseFixed, scaleOf } from "./stv/fixed.ts";
import { DEFEATED, ELECTED, HOPEFUL, type KeepRule, RoundBallots } from "./stv/meek-ballots.ts";
import { oneOf, readOptions, setupStv, tallies, wholeNumber } from "./stv/setup.ts";
import { TieBreaker } from "./stv/ties.ts";
import { type CountInput, CountInputError, type CountMethod, type CountResult, type Round } from "./types.ts";

/** A round stops iterating at this many iterations at the latest; the stable-surplus test normally ends it long before. */
const MAX_ITERATIONS = 100_000;

/** Work units charged per prefix node and iteration: about the nanoseconds one takes at 12 places (limits.ts). */
const NODE_COST = 60;

export const countMeekStv: CountMethod = (input: CountInput): CountResult => {
  const setup = setupStv(input);
  const options = readOptions(input, {
    variant: oneOf("droop", "prf_reference"),
    precision: wholeNumber(1, 30),
    omega: (value: unknown) => value,
  });
  const variant = options.variant ?? "droop";
  const prf = variant === "prf_reference";
  const precision = options.precision ?? (prf ? 9 : 12);
  const scale = scaleOf(precision);
  // Droop's fixed-point default: omega = 10^-(2/3 of the precision), 10^-6 at 9 places.
  const omega =
    options.omega === undefined
      ? 10n ** BigInt(precision - Math.floor((2 * precision) / 3))
      : parseFixed(options.omega, precision, "options.omega");
  if (omega <= 0n) throw new CountInputError("options.omega must be greater than zero at the chosen precision", "options.omega");
  const fmt = (value: bigint) => formatFixed(value, precision);

  const { names, seats, ranked } = setup;
  const n = names.length;
  const ties = new TieBreaker(names, input);
  const rule: KeepRule = { scale, roundUp: prf };
  // How many iterations a round takes depends on the votes, not on the input's size: metered.
  const meter = new WorkMeter(MAX_WORK, "use a lower precision");
  const cost = NODE_COST * meekCostFactor(precision);
  const status = new Int8Array(n);
  const kf: bigint[] = names.map(() => scale);
  const votes: bigint[] = names.map(() => 0n);
  const totalVotes = BigInt(setup.prepared.summary.valid) * scale;
  const divisor = BigInt(seats + 1);
  const elected: number[] = [];
  const rounds: Round[] = [];
  let hopeful = n;

  const inBallotOrder = (list: number[]) => list.sort((a, b) => a - b);
  const record = (action: string, newly: number[], defeated: number[], details: Record<string, unknown>) => {
    let counted = 0n;
    for (const v of votes) counted += v;
    const keepFactors: Record<string, string> = {};
    names.forEach((name, c) => {
      if (status[c] !== DEFEATED) keepFactors[name] = fmt(kf[c] as bigint);
    });
    rounds.push({
      number: rounds.length + 1,
      action,
      tallies: tallies(names, votes, fmt),
      exhausted: fmt(totalVotes - counted),
      elected: newly.map((c) => names[c] as string),
      excluded: defeated.map((c) => names[c] as string),
      details: { ...details, keepFactors },
    });
  };

  while (hopeful > seats - elected.length && elected.length < seats) {
    const number = rounds.length + 1;
    const ballots = new RoundBallots(ranked, status);
    let lastSurplus: bigint | null = prf ? null : totalVotes;
    let quota = 0n;
    let surplus = 0n;
    let iterations = 0;
    let stop = "";
    const newly: number[] = [];
    while (stop === "") {
      iterations++;
      votes.fill(0n);
      ballots.distribute(kf, votes, rule, meter, cost);
      let counted = 0n;
      for (let c = 0; c < n; c++) if (status[c] !== DEFEATED) counted += votes[c] as bigint;
      quota = counted / divisor + 1n;
      for (let c = 0; c < n; c++) {
        if (status[c] === HOPEFUL && (votes[c] as bigint) >= quota && elected.length + newly.length < seats) newly.push(c);
      }
      for (const c of newly) status[c] = ELECTED;
      surplus = 0n;
      for (let c = 0; c < n; c++) if (status[c] === ELECTED) surplus += (votes[c] as bigint) - quota;
      if (prf && surplus < 0n) surplus = 0n;
      if (newly.length > 0) stop = "elected";
      else if (prf ? surplus < omega : surplus <= omega) stop = "omega";
      else if ((lastSurplus !== null && surplus >= lastSurplus) || iterations >= MAX_ITERATIONS) stop = "stable";
      else {
        lastSurplus = surplus;
        for (let c = 0; c < n; c++) {
          const v = votes[c] as bigint;
          // Capped at 1: an elected candidate below the quota cannot keep more than the whole vote.
          if (status[c] === ELECTED && v > 0n) kf[c] = min(divUp(mulUp(kf[c] as bigint, quota, scale), v, scale), scale);
        }
      }
    }
    const details = { quota: fmt(quota), surplus: fmt(surplus), iterations, stoppedBy: stop };
    if (newly.length > 0) {
      inBallotOrder(newly);
      elected.push(...newly);
      hopeful -= newly.length;
      record(`Iterated ${iterations} times; elected with quota: ${newly.map((c) => names[c]).join(", ")}`, newly, [], details);
      continue;
    }
    const standing: number[] = [];
    for (let c = 0; c < n; c++) if (status[c] === HOPEFUL) standing.push(c);
    const low = standing.reduce((a, b) => ((votes[b] as bigint) < (votes[a] as bigint) ? b : a));
    // A negative total surplus (an elected candidate slipped below the quota) must not
    // leave even the lowest candidate out of the tie: Droop.py crashes there, stv-rs clamps.
    const threshold = (votes[low] as bigint) + (surplus > 0n ? surplus : 0n);
    const tied = standing.filter((c) => (votes[c] as bigint) <= threshold);
    const loser = ties.pick(tied, "lowest", number, "exclude");
    const why = stop === "omega" ? `surplus ${fmt(surplus)} within omega` : `surplus stable at ${fmt(surplus)}`;
    record(`Iterated ${iterations} times (${why}); lowest candidate ${names[loser]} defeated`, [], [loser], details);
    status[loser] = DEFEATED;
    kf[loser] = 0n;
    hopeful--;
  }

  if (rounds.length === 0) {
    // Nothing to decide (no more candidates than seats): still show the first preferences.
    votes.fill(0n);
    new RoundBallots(ranked, status).distribute(kf, votes, rule);
    record("First preferences counted", [], [], {});
  }
  if (elected.length < seats) {
    const rest: number[] = [];
    for (let c = 0; c < n; c++) if (status[c] === HOPEFUL) rest.push(c);
    for (const c of rest) status[c] = ELECTED;
    elected.push(...rest);
    const last = rounds[rounds.length - 1] as Round;
    last.elected.push(...rest.map((c) => names[c] as string));
    last.action += `; hopeful candidates equal the vacancies, elected: ${rest.map((c) => names[c]).join(", ")}`;
  }

  return {
    method: "meek_stv",
    seats,
    parameters: {
      variant,
      precision,
      omega: fmt(omega),
      arithmetic: "fixed-point decimal",
      quota: "votes credited / (seats + 1), truncated, plus one unit in the last place; recomputed every iteration",
      electOn: "reaching the quota",
      keepRounding: prf ? "keep rounded up, remainder = weight - keep" : "keep and remainder both truncated",
      keepFactorUpdate: "kf * quota / votes, each step rounded up, at most 1",
      convergence: prf ? "total surplus < omega, or not falling" : "total surplus <= omega, or not falling",
      defeatBatch: "none",
      tieRule: "candidates within the total surplus of the lowest are tied; tie-break order or lot, no look-back",
      tieBreakOrder: ties.tieBreakOrder,
      tieBreakSemantics:
        "tieBreakOrder lists candidates from most to least favoured (the latest listed is defeated); unlisted ones follow in the seeded lot",
      seed: ties.seed,
      withdrawn: setup.prepared.withdrawn,
    },
    elected: elected.map((c) => names[c] as string),
    rounds,
    ties: ties.ties,
    ballots: setup.prepared.summary,
  };
};

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
