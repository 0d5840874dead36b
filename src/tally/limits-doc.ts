/**
 * The counting limits in words and as a table, for the OpenAPI description of
 * POST /v1/tally: written from the limits themselves, so the document cannot drift
 * from what the engine enforces. The README holds the same table.
 */
import {
  MAX_BALLOT_ROWS,
  MAX_MATRIX_CELLS,
  MAX_PARTY_LIST_CELLS,
  MAX_SCHULZE_STV_COMPARISONS,
  MAX_SEAT_CELLS,
  MAX_WORK,
  METHOD_LIMITS,
} from "../voting/limits.ts";
import type { MethodName } from "../voting/types.ts";

const n = (value: number) => value.toLocaleString("en-GB");

/** What besides the caps bounds a method's work. */
const seatCells = `seats × candidates at most ${n(MAX_SEAT_CELLS)}`;
const alsoBounded: Partial<Record<MethodName, string>> = {
  plurality: seatCells,
  approval: seatCells,
  majority_runoff: seatCells,
  schulze: seatCells,
  irv: "one seat",
  meek_stv: "iterations metered as they run",
  schulze_stv: `at most ${n(MAX_SCHULZE_STV_COMPARISONS)} set comparisons; completions metered`,
  schulze_proportional_ranking: "completions metered",
  dhondt: `seats × lists at most ${n(MAX_PARTY_LIST_CELLS)}`,
  sainte_lague: `seats × lists at most ${n(MAX_PARTY_LIST_CELLS)}`,
};

export function limitsDescription(): string {
  const rows = (Object.keys(METHOD_LIMITS) as MethodName[]).map((method) => {
    const limit = METHOD_LIMITS[method];
    return `| ${method} | ${n(limit.candidates)} | ${n(limit.seats)} | ${n(limit.rankings)} | ${alsoBounded[method] ?? ""} |`;
  });
  return [
    "**Limits.** Every count is sized before it starts and refused with 422 (`validation_failed`, with `limit` naming the limit " +
      "and `errors` the field) when it exceeds a limit of its method: candidates standing, seats (places), distinct rankings " +
      `(identical ballots count once; at most ${n(MAX_BALLOT_ROWS)} ballot rows in all), and an estimate of its work, at most ` +
      `${n(MAX_WORK)} units (about a nanosecond each: a few seconds of CPU). Work that the input's shape does not fix is metered as ` +
      "it runs and stops the count with the same 422. Large counts run off the event loop, so other requests are not held up. " +
      `Matrices are in the answer only with \`?detail=pairwise\`, at most ${n(MAX_MATRIX_CELLS)} entries.`,
    "",
    "| method | candidates | seats | distinct rankings | also |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
