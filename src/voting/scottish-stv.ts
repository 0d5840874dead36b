/**
 * Scottish STV: The Scottish Local Government Elections Order 2007
 * (SSI 2007/42), schedule 1, rules 45–52.
 *
 * - Quota (r.46): floor(valid ballots / (seats + 1)) + 1; fixed for the count.
 * - Elected on reaching the quota (r.47).
 * - Surplus (r.48): ALL of the candidate's papers pass on, each at
 *   surplus × (value of the paper) / (candidate's total), truncated to five
 *   decimals. All arithmetic is five-decimal fixed point (BigInt, never
 *   floats). A candidate exactly at the quota has no surplus and nothing is
 *   transferred (r.48(1): "exceeds").
 * - Largest surplus first (r.49); an exclusion takes the lowest candidate (r.50).
 *   Ties in either are broken by the most recent earlier stage at which the
 *   tied candidates had unequal votes, then by lot (r.49(2)–(3), r.51). The
 *   lot is `tieBreakOrder` when given (most favoured first: the latest listed
 *   is excluded, the earliest transferred first), otherwise the seeded lot of
 *   lot.ts; see stv/ties.ts. (A Droop BLT `[tie]` line is the reverse.)
 * - Continuing candidates equal to the vacancies left are elected (r.52).
 *
 * Candidates elected at the same stage are listed by votes, highest first;
 * equal votes are ordered like any other tie (look back, then lot).
 * Equal rankings (not on Scottish papers, but accepted) split a paper's value
 * evenly across the continuing candidates of that rank, truncated to five
 * decimals; each share then moves on from the rank after the group.
 *
 * Options: none — the Order fixes every parameter; they are echoed in
 * `result.parameters`.
 */

import { formatFixed, scaleOf } from "./stv/fixed.ts";
import { countGregory, fixedArithmetic } from "./stv/gregory.ts";
import { readOptions, setupStv } from "./stv/setup.ts";
import { TieBreaker } from "./stv/ties.ts";
import type { CountInput, CountMethod, CountResult } from "./types.ts";

const PRECISION = 5;
const SCALE = scaleOf(PRECISION);

/** Five decimals, truncating as r.48(3) requires ("any remainder being ignored"). */
const fivePlaces = fixedArithmetic(PRECISION);

export const countScottishStv: CountMethod = (input: CountInput): CountResult => {
  const setup = setupStv(input);
  readOptions(input, {});
  const ties = new TieBreaker(setup.names, input);
  const valid = setup.prepared.summary.valid;
  const quota = (BigInt(valid) / BigInt(setup.seats + 1) + 1n) * SCALE;
  const { elected, rounds } = countGregory(
    setup,
    {
      arithmetic: fivePlaces,
      quota,
      reaches: (votes, q) => votes >= q,
      validVotes: BigInt(valid) * SCALE,
      lookBack: true,
    },
    ties,
  );
  return {
    method: "scottish_stv",
    seats: setup.seats,
    parameters: {
      rules: "SSI 2007/42 rules 45-52",
      quota: "floor(valid / (seats + 1)) + 1",
      quotaValue: formatFixed(quota, PRECISION),
      electOn: "reaching the quota",
      precision: PRECISION,
      rounding: "transfer values truncated",
      transfer: "weighted inclusive Gregory, largest surplus first",
      tieRule: "most recent earlier stage with unequal votes, then tie-break order or lot",
      tieBreakOrder: ties.tieBreakOrder,
      tieBreakSemantics: "tieBreakOrder lists candidates from most to least favoured; unlisted ones follow in the seeded lot",
      seed: ties.seed,
      withdrawn: setup.prepared.withdrawn,
    },
    elected,
    rounds,
    ties: ties.ties,
    ballots: setup.prepared.summary,
  };
};
