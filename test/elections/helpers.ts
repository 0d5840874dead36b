import { expect } from "vitest";
import { json, type TestApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";

export const hour = 60 * 60 * 1000;
export const day = 24 * hour;

export const base = (t: TestApp) => `/v1/orgs/${t.org}`;

/** Times relative to the test clock: nominations open now for two days, voting from day 3 to day 4. */
export function schedule(t: TestApp) {
  const at = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
  return {
    nomination: { opensAt: at(0), closesAt: at(2 * day) },
    voting: { opensAt: at(3 * day), closesAt: at(4 * day) },
  };
}

export async function createPosition(t: TestApp, fields: Record<string, unknown> = {}): Promise<string> {
  const body = await json<{ id: string }>(
    await t.request("POST", `${base(t)}/positions`, { body: { title: "Board", seats: 2, termMonths: 24, ...fields } }),
    201,
  );
  return body.id;
}

export interface ElectionBody {
  id: string;
  status: string;
  seed: string | null;
  version?: number;
  nomination: { opensAt: string; closesAt: string };
  voting: { opensAt: string; closesAt: string };
  [key: string]: unknown;
}

/** A draft election for a fresh position, nominations from now, voting on day 3, cut-off today. */
export async function createElection(t: TestApp, fields: Record<string, unknown> = {}): Promise<ElectionBody> {
  const positionId = (fields.positionId as string | undefined) ?? (await createPosition(t));
  const today = t.clock.now().toISOString().slice(0, 10);
  return json<ElectionBody>(
    await t.request("POST", `${base(t)}/elections`, {
      body: { positionId, method: "scottish_stv", electorate: { cutoffOn: today }, ...schedule(t), ...fields },
    }),
    201,
  );
}

export async function announce(t: TestApp, id: string) {
  return json<ElectionBody>(await t.request("POST", `${base(t)}/elections/${id}/transitions`, { body: { to: "nominating" } }), 200);
}

/** Active members (current, active kind) created now. */
export async function activeMembers(t: TestApp, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await createActiveMember(t));
  return ids;
}

/** Member tokens expire after an hour: make them at the time they are used. */
export const tokenOf = (t: TestApp, memberId: string) => memberToken(t, memberId);

export async function stand(t: TestApp, electionId: string, memberId: string, fields: Record<string, unknown> = {}): Promise<string> {
  const body = await json<{ id: string; status: string }>(
    await t.request("POST", `${base(t)}/elections/${electionId}/candidates`, { key: await tokenOf(t, memberId), body: fields }),
    201,
  );
  expect(body.status).toBe("accepted");
  return body.id;
}

export async function vote(t: TestApp, electionId: string, memberId: string, ranking: unknown[]) {
  return t.request("POST", `${base(t)}/elections/${electionId}/ballots`, { key: await tokenOf(t, memberId), body: { ranking } });
}

/** An election with `candidates` standing, moved by the clock into voting. */
export async function votingElection(t: TestApp, options: { candidates: number; voters: number; fields?: Record<string, unknown> }) {
  const election = await createElection(t, options.fields);
  await announce(t, election.id);
  const standing = await activeMembers(t, options.candidates);
  const candidateIds: string[] = [];
  for (const memberId of standing) candidateIds.push(await stand(t, election.id, memberId));
  const voters = await activeMembers(t, options.voters);
  t.clock.set(election.voting.opensAt);
  const opened = await json<ElectionBody>(await t.request("GET", `${base(t)}/elections/${election.id}`), 200);
  expect(opened.status).toBe("voting");
  return { election, candidateIds, candidateMembers: standing, voters };
}

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
