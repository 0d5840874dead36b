/**
 * Where a count runs. Handlers and jobs count through a CountRunner from their
 * dependencies rather than calling the engine, so that the runtime decides:
 *
 * - On Node (src/server.ts) a count estimated above INLINE_WORK (about 50 ms) runs in a
 *   worker thread (thread-runner.ts), and the event loop that serves every organisation
 *   keeps answering meanwhile.
 * - On Workers, and wherever no runner is given, counts run in line: every accepted
 *   count fits within the CPU limit of one invocation (limits.ts), and the elections
 *   leave large stored counts to the scheduled job rather than to a request
 *   (src/elections/lifecycle.ts).
 *
 * This module is runtime-neutral; node:worker_threads is reached only through
 * thread-runner.ts, which the Worker bundle never imports.
 */
import { count } from "../voting/index.ts";
import { INLINE_WORK, planCount } from "../voting/limits.ts";
import type { CountInput, CountResult } from "../voting/types.ts";
import type { TallyJsonReading } from "./json-body.ts";

/** A tally body counted, or why it could not be read (its count's own errors are thrown, as by `count`). */
export type TallyJsonOutcome = { result: CountResult } | Exclude<TallyJsonReading, { input: CountInput }>;

export interface CountRunner {
  /**
   * Counts `input`. Refuses, as the engine does, input it cannot count (CountInputError)
   * and counts over the limits (CountLimitError), the latter before any work starts.
   */
  count(input: CountInput): Promise<CountResult>;
  /**
   * Reads a POST /v1/tally JSON body (json-body.ts) and counts it, the reading too away from
   * the event loop. Runners without it leave the reading to the caller.
   */
  countTallyJson?(text: string, detail: CountInput["detail"]): Promise<TallyJsonOutcome>;
  /** The same for a BLT body, with the query that names its method and options (input.ts). */
  countTallyBlt?(text: string, query: Record<string, string>, detail: CountInput["detail"]): Promise<CountResult>;
  /** Whether large counts run off the event loop, so a request may wait for one. */
  readonly offThread: boolean;
}

/** Counts in line, on the caller's event loop. */
export const inlineCounter: CountRunner = {
  offThread: false,
  count: async (input) => count(input),
};

/** Whether a count is small enough to run in line on a shared event loop (refuses one over the limits). */
export function isSmallCount(input: CountInput): boolean {
  return planCount(input).work <= INLINE_WORK;
}
