/**
 * Gender-balance rules applied to an already ordered list (the result of
 * sequential IRV, repeated Schulze, a vote-count ranking …) as a separate,
 * named step. The count itself is never changed; the rule only moves
 * candidates up, and every move is returned so the list can be audited.
 *
 * Each rule walks the list from the top. When the candidate at a place breaks
 * the rule, the best-placed candidate further down who satisfies it is moved
 * up to that place and everyone in between moves down one. Candidates are
 * classed as "of the named gender" or "not of it", so any gender values work
 * (the rules in Swedish party statutes are about women / not women).
 *
 * - zipper (S, "varannan"): strict alternation. Place 1 keeps its candidate
 *   and sets the starting gender, unless `start` names it (then place 1 must
 *   be of that gender).
 * - min_half (V): among the first k places at least half are of `gender`,
 *   for every k. For k = 1 this means place 1 is of `gender`.
 * - pairwise (MP, "parvis"): places 1–2, 3–4, 5–6 … each hold one of
 *   `gender` and one not, except that places 1 and 2 may both be of `gender`
 *   (two women may head the list; two men may not). Within a pair the vote
 *   order decides who comes first.
 *
 * When the candidates a place needs have run out, the rule stops there and
 * the rest keep their order (`ranOutAt` gives the place).
 */
import { CountInputError } from "./types.ts";

export type GenderRule = { rule: "zipper"; start?: string } | { rule: "min_half"; gender: string } | { rule: "pairwise"; gender: string };

export interface GenderMove {
  candidate: string;
  /** 1-based place before this move (in the list as it stood after earlier moves). */
  from: number;
  to: number;
  reason: string;
}

export interface GenderResult {
  order: string[];
  moves: GenderMove[];
  /** The rule as applied, defaults filled in. */
  rule: GenderRule;
  /** 1-based place at which the needed gender ran out, or null. */
  ranOutAt: number | null;
}

export function applyGenderRule(order: readonly string[], genders: Readonly<Record<string, string>>, rule: GenderRule): GenderResult {
  if (!Array.isArray(order) || new Set(order).size !== order.length)
    throw new CountInputError("order must list each candidate once", "order");
  for (const name of order) {
    const gender = genders[name];
    if (typeof gender !== "string" || gender.length === 0) throw new CountInputError(`no gender given for "${name}"`, "genders");
  }
  const resolved = resolveRule(order, genders, rule);
  const named = resolved.rule === "zipper" ? resolved.start : resolved.gender;
  const isNamed = (name: string) => genders[name] === named;

  const list = [...order];
  const moves: GenderMove[] = [];
  for (let place = 0; place < list.length; place++) {
    const need = required(resolved.rule, list, place, isNamed);
    if (need === null || isNamed(list[place] as string) === need) continue;
    const from = list.findIndex((name, at) => at > place && isNamed(name) === need);
    const reason = `${resolved.rule}: place ${place + 1} must be ${need ? "" : "not "}${named}`;
    if (from === -1) return { order: list, moves, rule: resolved, ranOutAt: place + 1 };
    const [candidate] = list.splice(from, 1) as [string];
    list.splice(place, 0, candidate);
    moves.push({ candidate, from: from + 1, to: place + 1, reason });
  }
  return { order: list, moves, rule: resolved, ranOutAt: null };
}

function resolveRule(order: readonly string[], genders: Readonly<Record<string, string>>, rule: GenderRule): GenderRule {
  switch (rule?.rule) {
    case "zipper": {
      const start = rule.start ?? (order[0] === undefined ? undefined : genders[order[0]]);
      if (rule.start !== undefined && (typeof rule.start !== "string" || rule.start.length === 0)) {
        throw new CountInputError("zipper start must be a gender", "rule.start");
      }
      return { rule: "zipper", start: start ?? "" };
    }
    case "min_half":
    case "pairwise":
      if (typeof rule.gender !== "string" || rule.gender.length === 0)
        throw new CountInputError(`${rule.rule} needs the gender it protects`, "rule.gender");
      return { rule: rule.rule, gender: rule.gender };
    default:
      throw new CountInputError("rule must be zipper, min_half or pairwise", "rule");
  }
}

/** Whether `place` must hold the named gender (true), must not (false), or is free (null), given the places above it. */
function required(rule: GenderRule["rule"], list: readonly string[], place: number, isNamed: (name: string) => boolean): boolean | null {
  switch (rule) {
    case "zipper":
      return place % 2 === 0;
    case "min_half": {
      const above = list.slice(0, place).filter(isNamed).length;
      // Placing someone not of the gender here must still leave it at half of place + 1.
      return 2 * above < place + 1 ? true : null;
    }
    case "pairwise": {
      if (place % 2 === 0) return null;
      const partner = isNamed(list[place - 1] as string);
      if (place === 1 && partner) return null; // Two of the named gender may head the list.
      return !partner;
    }
  }
}
