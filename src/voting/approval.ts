/**
 * Approval voting: a ballot marks any number of candidates, every mark is one
 * vote, the `seats` candidates with most votes are elected. Ties as in
 * plurality (tieBreakOrder, else seeded lot).
 */
import { countMarks } from "./plurality.ts";
import type { CountInput, CountResult } from "./types.ts";

export function countApproval(input: CountInput): CountResult {
  return countMarks(input, "approval");
}
