/**
 * What a ballot may say under each method, checked before anything is stored, so a
 * voter learns at once what is wrong instead of having a spoilt ballot counted apart.
 * (The engine still classifies ballots, e.g. paper ballots from a BLT file, as it counts.)
 */
import type { FieldError } from "../lib/problems.ts";
import { invalidFields } from "../lib/problems.ts";
import type { MethodName, RankEntry } from "../voting/types.ts";

/** Methods on whose ballots candidates are marked, not ranked: order carries no meaning. */
const markMethods: readonly MethodName[] = ["plurality", "approval", "majority_runoff"];
/** Methods that can count equal rankings ("a=b"). */
const equalRanks: readonly MethodName[] = [
  "schulze",
  "schulze_repeated",
  "schulze_stv",
  "schulze_proportional_ranking",
  "meek_stv",
  "wigm_stv",
];

export interface BallotRules {
  method: MethodName;
  seats: number;
  options: Record<string, unknown>;
  /** Candidate id → its status; only "accepted" candidates are on the ballot. */
  candidates: ReadonlyMap<string, string>;
}

/** Most marks a ballot may carry, or undefined for no limit beyond naming each candidate once. */
export function maxMarks(rules: BallotRules): number | undefined {
  if (rules.method === "plurality") return rules.seats;
  if (rules.method === "majority_runoff") {
    const given = rules.options.maxMarks;
    return typeof given === "number" ? given : rules.seats;
  }
  return undefined;
}

/** The ballot normalised (single-name groups flattened), or a 422 listing every problem. */
export function checkBallot(rules: BallotRules, ranking: readonly RankEntry[], field: string): RankEntry[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const normalised: RankEntry[] = [];
  const marking = markMethods.includes(rules.method);
  let marks = 0;
  ranking.forEach((entry, index) => {
    const at = `${field}.${index}`;
    const group = typeof entry === "string" ? [entry] : entry;
    if (group.length > 1 && (marking || !equalRanks.includes(rules.method))) {
      errors.push({
        field: at,
        message: marking ? "marks are a plain list of candidates" : `${rules.method} does not allow equal rankings`,
      });
    }
    for (const id of group) {
      const status = rules.candidates.get(id);
      if (status === undefined) errors.push({ field: at, message: `${id} is not a candidate in this election` });
      else if (status !== "accepted") errors.push({ field: at, message: `${id} is not standing (${status})` });
      if (seen.has(id)) errors.push({ field: at, message: `${id} appears more than once on the ballot` });
      seen.add(id);
      marks += 1;
    }
    normalised.push(group.length === 1 ? (group[0] as string) : [...group]);
  });
  const limit = maxMarks(rules);
  if (limit !== undefined && marks > limit)
    errors.push({ field, message: `at most ${limit} candidate(s) may be marked; the ballot marks ${marks}` });
  if (errors.length > 0) {
    throw invalidFields(errors, "The ballot is not valid");
  }
  return normalised;
}
