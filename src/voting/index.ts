/**
 * The counting engine's registry: one CountMethod per MethodName, and
 * `count` to dispatch on `input.method` once the count is known to be within the
 * limits of limits.ts. Everything here is pure.
 */
import { countApproval } from "./approval.ts";
import { countIrv, countSequentialIrv } from "./irv.ts";
import { planCount } from "./limits.ts";
import { countMajorityRunoff } from "./majority-runoff.ts";
import { countMeekStv } from "./meek-stv.ts";
import { countDhondt, countSainteLague } from "./party-list.ts";
import { countPlurality } from "./plurality.ts";
import { countSchulze, countSchulzeRepeated } from "./schulze.ts";
import { countSchulzeProportionalRanking } from "./schulze-pr.ts";
import { countSchulzeStv } from "./schulze-stv.ts";
import { countScottishStv } from "./scottish-stv.ts";
import { type CountInput, CountInputError, type CountMethod, type CountResult, type MethodName } from "./types.ts";
import { countWigmStv } from "./wigm-stv.ts";

export const methods: Record<MethodName, CountMethod> = {
  plurality: countPlurality,
  approval: countApproval,
  majority_runoff: countMajorityRunoff,
  irv: countIrv,
  sequential_irv: countSequentialIrv,
  scottish_stv: countScottishStv,
  meek_stv: countMeekStv,
  wigm_stv: countWigmStv,
  schulze: countSchulze,
  schulze_repeated: countSchulzeRepeated,
  schulze_stv: countSchulzeStv,
  schulze_proportional_ranking: countSchulzeProportionalRanking,
  dhondt: countDhondt,
  sainte_lague: countSainteLague,
};

export function count(input: CountInput): CountResult {
  const method = Object.hasOwn(methods, input?.method) ? methods[input.method] : undefined;
  if (!method) throw new CountInputError(`unknown counting method "${String(input?.method)}"`, "method");
  if (!Array.isArray(input.candidates)) throw new CountInputError("candidates must be a list", "candidates");
  if (!Array.isArray(input.ballots)) throw new CountInputError("ballots must be a list", "ballots");
  if (input.detail !== undefined && input.detail !== "pairwise") throw new CountInputError('detail must be "pairwise" or absent', "detail");
  // Sized first: a count over its method's limits is refused before any of its work starts.
  planCount(input);
  return method(input);
}
