import type { mailingKinds } from "../../drizzle/mailings.ts";
import type { FieldError } from "../lib/problems.ts";
import { unknownVariables } from "../mail/template.ts";

type Kind = (typeof mailingKinds)[number];

/** The names every mailing may use to address the member, the organisation and the member's group (filled by render.ts recipientVariables). */
export const recipientVariableNames = [
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
  "event.dateTime",
  "event.startsAt",
  "event.location",
  "event.timeZone",
  "event.url",
] as const;

const byKind: Record<Kind, readonly string[]> = {
  manual: [],
  monthly_group: [
    "month",
    "instructions",
    "campaigns",
    "events",
    "lastMonth",
    "figures",
    "figures.letters",
    "figures.signatures",
    "figures.raised",
    "figures.recruited",
    "actions",
  ],
  meeting_summons: eventVariables,
  member_meeting_notice: [...eventVariables, "elections"],
  event_reminder: eventVariables,
  training_announcement: eventVariables,
  election_call: [
    "election.title",
    "election.phase",
    "election.opensAt",
    "election.closesAt",
    "election.opensAtLocal",
    "election.closesAtLocal",
    "election.url",
    "elections",
  ],
  renewal_reminder: [
    "membership.endsOn",
    "membership.graceUntil",
    "membership.endsOnLocal",
    "membership.graceUntilLocal",
    "membership.stage",
  ],
};

/** The variables a template of this kind (and, for manual mailings, audience) may use; anything else is a 422. */
export function allowedVariables(kind: Kind, audienceType?: string): ReadonlySet<string> {
  const extra = kind === "manual" && audienceType === "event_registrants" ? eventVariables : byKind[kind];
  return new Set([...recipientVariableNames, ...extra]);
}

/** Template variables must be known for the mailing's kind: a typo is a 422 now, not a blank in 10,000 e-mails. */
export function templateErrors(
  kind: Kind,
  audienceType: string,
  templates: { subject?: string; text?: string; html?: string | null },
): FieldError[] {
  const allowed = allowedVariables(kind, audienceType);
  const errors: FieldError[] = [];
  for (const [field, template] of Object.entries(templates)) {
    if (!template) continue;
    const unknown = unknownVariables(template, allowed);
    if (unknown.length > 0) {
      errors.push({
        field: `body.${field}`,
        message: `unknown template variable${unknown.length > 1 ? "s" : ""} ${unknown.map((v) => `{{${v}}}`).join(", ")}; known: ${[...allowed].join(", ")}`,
      });
    }
  }
  return errors;
}
