import type { Context } from "hono";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import type { AppEnv } from "../http/env.ts";
import { IdSchema, OrgIdParams } from "../http/openapi.ts";
import { inlineCounter } from "../tally/runner.ts";
import type { CountPolicy } from "./counting.ts";
import { type ElectionRow, getElectionRow } from "./elections.service.ts";
import { settle } from "./lifecycle.ts";

/** Staff only; a member is told that this is staff work rather than given the generic refusal. */
export const staffOnly = [requireRole("staff", "This is done by the organisation's staff, with an API key.")];

/** How a request may count: with the runtime's runner; large counts only where it runs them off the event loop. */
export const requestPolicy = (c: Context<AppEnv>): CountPolicy => ({ runner: c.get("deps").counter ?? inlineCounter, request: true });

/** Every route of one election reads it through here: the clock's due changes are applied first (lazy advance). */
export async function settledElection(c: Context<AppEnv>, id: string): Promise<ElectionRow> {
  const ctx = ctxOf(c);
  return settle(ctx, { row: await getElectionRow(ctx, id), policy: requestPolicy(c) });
}

export const ElectionCandidateParams = OrgIdParams.extend({
  candidateId: IdSchema.openapi({ param: { name: "candidateId", in: "path" } }),
});
