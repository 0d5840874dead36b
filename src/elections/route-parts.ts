import type { Context } from "hono";
import { viewerOf } from "../access/viewer.ts";
import { requireRole } from "../http/auth.ts";
import type { AppEnv } from "../http/env.ts";
import { IdSchema, OrgIdParams } from "../http/openapi.ts";
import { localDay } from "../lib/dates.ts";
import { inlineCounter } from "../tally/runner.ts";
import type { CountPolicy } from "./counting.ts";
import { type ElectionRow, getElectionRow } from "./elections.service.ts";
import { settle } from "./lifecycle.ts";

/** Staff only; a member is told that this is staff work rather than given the generic refusal. */
export const staffOnly = [requireRole("staff", "This is done by the organisation's staff, with an API key.")];

/** How a request may count: with the runtime's runner; large counts only where it runs them off the event loop. */
export const requestPolicy = (c: Context<AppEnv>): CountPolicy => ({ runner: c.get("deps").counter ?? inlineCounter, request: true });

/** The caller, as the election rules see them. */
export const viewer = (c: Context<AppEnv>) => viewerOf(c.get("principal"));

/** Every route of one election reads it through here: the clock's due changes are applied first (lazy advance). */
export async function settledElection(c: Context<AppEnv>, id: string): Promise<ElectionRow> {
  const { db, clock } = c.get("deps");
  const org = c.get("org");
  const row = await getElectionRow(db, org.id, id, viewer(c));
  return settle(db, row, org.timeZone, clock.now(), requestPolicy(c));
}

export const today = (c: Context<AppEnv>) => localDay(c.get("deps").clock.now(), c.get("org").timeZone);

export const ElectionCandidateParams = OrgIdParams.extend({
  candidateId: IdSchema.openapi({ param: { name: "candidateId", in: "path" } }),
});
