/**
 * The status of an election, as a pure function of its record and the time.
 *
 *   draft ──staff──▶ nominating ──votingOpensAt──▶ voting ──votingClosesAt──▶ closed ──count──▶ counted ──staff──▶ published
 *
 * - draft: being prepared, invisible to members; nothing happens by time, so a draft
 *   with dates in the past stays a draft. Staff announce it (→ nominating).
 * - nominating: announced. Nominations are taken between nominationOpensAt and
 *   nominationClosesAt; candidates may withdraw until voting opens.
 * - voting, closed: by time, or earlier by staff (the moved time is recorded).
 * - counted: the count runs as soon as voting closes (or on POST …/count).
 * - published: by staff; creates the mandates. Final.
 *
 * Every move goes forward. Staff may skip steps (announce straight into voting for an
 * election held in the room); the steps skipped still happen in order.
 */
import { electionStatuses } from "../../drizzle/elections.ts";

export type ElectionStatus = (typeof electionStatuses)[number];

export interface Timed {
  status: ElectionStatus;
  votingOpensAt: string;
  votingClosesAt: string;
}

export const statusIndex = (status: ElectionStatus) => electionStatuses.indexOf(status);

/** The status the clock has brought the election to; counting (closed → counted) is not the clock's doing. */
export function advance(election: Timed, now: Date): ElectionStatus {
  const at = now.toISOString();
  let status = election.status;
  if (status === "nominating" && at >= election.votingOpensAt) status = "voting";
  if (status === "voting" && at >= election.votingClosesAt) status = "closed";
  return status;
}

/** Why staff may not move the election to `to`, or null when they may. */
export function transitionRefusal(from: ElectionStatus, to: ElectionStatus): string | null {
  if (statusIndex(to) <= statusIndex(from))
    return `The election is ${from}; it can only move forward (${nextStatuses(from).join(", ") || "nothing"}).`;
  if (to === "published" && from !== "counted") return "Only a counted election can be published; count it first.";
  return null;
}

export const nextStatuses = (from: ElectionStatus) => electionStatuses.slice(statusIndex(from) + 1);

/** Statuses in which the election's settings may still change: no ballot exists yet. */
export const editable = (status: ElectionStatus) => status === "draft" || status === "nominating";
