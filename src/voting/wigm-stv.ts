/**
 * Weighted inclusive Gregory method (WIGM) as Droop's generic `wigm` rule
 * counts it (jklundell/droop, droop/rules/wigm.py).
 *
 * Same count as Scottish STV (see stv/gregory.ts: largest surplus first, all
 * papers transferred at value × surplus / total, lowest excluded, last
 * vacancies filled by the continuing candidates), with these differences:
 *
 * - `options.arithmetic: "exact"` (default): rational arithmetic, nothing
 *   rounded; quota = valid / (seats + 1) unrounded, and a candidate is elected
 *   only on EXCEEDING it (with an unrounded Droop quota, reaching it is not
 *   enough to exclude a further winner). This is Droop's default for the
 *   reference transcripts (`wigm-rational`) and reproduces them, including
 *   the quota 4003/4 = 1000.75 that makes X win Voting Matters 12 where the
 *   Scottish integer quota 1001 gives Z.
 *   `options.display` (default 12) sets the decimals shown in the record.
 * - `options.arithmetic: "fixed"`: fixed point at `options.precision`
 *   decimals (default 9), quota = valid / (seats + 1) truncated plus one unit
 *   in the last place, elected on REACHING it; transfer values truncated.
 * - Ties go straight to the tie order/lot, as Droop's wigm rule does;
 *   `options.lookBack: true` first consults the most recent earlier stage at
 *   which the tied candidates differed, as the Scottish rules do.
 *   `tieBreakOrder` lists candidates from most to least favoured (the latest
 *   listed is excluded, the earliest transferred first; a Droop `[tie]` line
 *   is the reverse); without it the seeded lot decides. See stv/ties.ts.
 *
 * Candidates elected at one stage are listed by votes, highest first; those
 * filling the last vacancies in ballot-paper order. Equal rankings split a
 * paper evenly across the continuing candidates of the rank.
 */

import { Fraction } from "./common/rational.ts";
import { formatFixed, scaleOf } from "./stv/fixed.ts";
import { countGregory, exactArithmetic, fixedArithmetic } from "./stv/gregory.ts";
import { flag, oneOf, readOptions, setupStv, wholeNumber } from "./stv/setup.ts";
import { TieBreaker } from "./stv/ties.ts";
import type { CountInput, CountMethod, CountResult } from "./types.ts";

export const countWigmStv: CountMethod = (input: CountInput): CountResult => {
  const setup = setupStv(input);
  const options = readOptions(input, {
    arithmetic: oneOf("exact", "fixed"),
    precision: wholeNumber(1, 30),
    display: wholeNumber(0, 30),
    lookBack: flag,
  });
  const ties = new TieBreaker(setup.names, input);
  const arithmetic = options.arithmetic ?? "exact";
  const lookBack = options.lookBack ?? false;
  const valid = BigInt(setup.prepared.summary.valid);
  const divisor = BigInt(setup.seats + 1);
  let count: { elected: string[]; rounds: CountResult["rounds"] };
  let quotaText: string;
  let numeric: Record<string, unknown>;

  if (arithmetic === "exact") {
    const display = options.display ?? 12;
    const quota = Fraction.of(valid, divisor);
    quotaText = quota.toFixed(display);
    numeric = { arithmetic, display, electOn: "exceeding the quota", quota: "valid / (seats + 1), unrounded" };
    count = countGregory(
      setup,
      {
        arithmetic: exactArithmetic(display),
        quota,
        reaches: (votes, q) => votes.cmp(q) > 0,
        validVotes: Fraction.of(valid),
        lookBack,
        meterHint: 'count with arithmetic "fixed"',
      },
      ties,
    );
  } else {
    const precision = options.precision ?? 9;
    const scale = scaleOf(precision);
    const quota = (valid * scale) / divisor + 1n;
    quotaText = formatFixed(quota, precision);
    numeric = {
      arithmetic,
      precision,
      rounding: "transfer values truncated",
      electOn: "reaching the quota",
      quota: "valid / (seats + 1) truncated, plus one unit in the last place",
    };
    count = countGregory(
      setup,
      { arithmetic: fixedArithmetic(precision), quota, reaches: (votes, q) => votes >= q, validVotes: valid * scale, lookBack },
      ties,
    );
  }

  return {
    method: "wigm_stv",
    seats: setup.seats,
    parameters: {
      rules: "Droop generic WIGM",
      ...numeric,
      quotaValue: quotaText,
      transfer: "weighted inclusive Gregory, largest surplus first",
      lookBack,
      tieRule: lookBack ? "most recent earlier stage with unequal votes, then tie-break order or lot" : "tie-break order or lot",
      tieBreakOrder: ties.tieBreakOrder,
      tieBreakSemantics: "tieBreakOrder lists candidates from most to least favoured; unlisted ones follow in the seeded lot",
      seed: ties.seed,
      withdrawn: setup.prepared.withdrawn,
    },
    elected: count.elected,
    rounds: count.rounds,
    ties: ties.ties,
    ballots: setup.prepared.summary,
  };
};
