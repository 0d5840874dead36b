import type { mailingKinds } from "../../drizzle/mailings.ts";

type Kind = (typeof mailingKinds)[number];

/** Every mailing can address the member, the organisation and the member's group. */
export const recipientVariables = [
  "member.name",
  "member.firstName",
  "member.email",
  "member.number",
  "org.name",
  "group.name",
  "unsubscribeUrl",
] as const;

export const eventVariables = [
  "event.title",
  "event.date",
  "event.time",
  "event.startsAt",
  "event.location",
  "event.timeZone",
  "event.url",
] as const;

const byKind: Record<Kind, readonly string[]> = {
  manual: [],
  monthly_group: ["month", "instructions", "campaigns", "events"],
  meeting_summons: eventVariables,
  member_meeting_notice: eventVariables,
  event_reminder: eventVariables,
  training_announcement: eventVariables,
  election_call: ["election.title", "election.phase", "election.opensAt", "election.closesAt", "election.url"],
  renewal_reminder: ["membership.endsOn", "membership.graceUntil", "membership.stage"],
};

/** The variables a template of this kind (and, for manual mailings, audience) may use; anything else is a 422. */
export function allowedVariables(kind: Kind, audienceType?: string): ReadonlySet<string> {
  const extra = kind === "manual" && audienceType === "event_registrants" ? eventVariables : byKind[kind];
  return new Set([...recipientVariables, ...extra]);
}
