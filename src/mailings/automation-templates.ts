/** The kinds of automatic mailing, the templates and settings each starts with, and an organisation's choices over them. */
import { mailingKinds } from "../../drizzle/mailings.ts";
import type { schema } from "../db/index.ts";

type AutomationRow = typeof schema.mailingAutomations.$inferSelect;
type MailingRow = typeof schema.mailings.$inferSelect;
export type AutomationKind = Exclude<MailingRow["kind"], "manual">;

/** Every kind of mailing but the ones staff write by hand, in the order the API lists them. */
export const automationKinds = mailingKinds.filter((kind): kind is AutomationKind => kind !== "manual");

interface KindDefaults {
  schedule: string;
  leadDays: number;
  graceDays: number | null;
  category: MailingRow["category"];
  subject: string;
  text: string;
}

const eventText = "{{event.title}}\n{{event.date}} {{event.time}} ({{event.timeZone}})\n{{event.location}}\n\n{{event.url}}";

/** What each automatic mailing does until the organisation says otherwise. */
export const automationDefaults: Record<AutomationKind, KindDefaults> = {
  monthly_group: {
    schedule: "0 7 1 * *",
    leadDays: 35,
    graceDays: null,
    category: "statutory",
    subject: "{{org.name}}: {{month}} for {{group.name}}",
    text: "Hello {{member.firstName}},\n\n{{instructions}}\n\nComing campaigns:\n{{campaigns}}\n\nOpen actions:\n{{actions}}\n\nComing events:\n{{events}}\n\n{{group.name}} in {{lastMonth}}:\n{{figures}}\n",
  },
  meeting_summons: {
    schedule: "0 8 * * *",
    leadDays: 7,
    graceDays: null,
    category: "meeting_summons",
    subject: "Summons: {{event.title}}, {{event.date}}",
    text: `Hello {{member.firstName}},\n\nYou are summoned to the meeting of {{group.name}}:\n\n${eventText}\n\nUnsubscribe from summons: {{unsubscribeUrl}}\n`,
  },
  member_meeting_notice: {
    schedule: "0 8 * * *",
    leadDays: 21,
    graceDays: null,
    category: "statutory",
    subject: "Notice of the member meeting, {{event.date}}",
    text: `Hello {{member.firstName}},\n\nNotice is given of the member meeting of {{org.name}}:\n\n${eventText}\n\nElections on the agenda, with the nominating committee's proposal:\n{{elections}}\n`,
  },
  event_reminder: {
    schedule: "0 8 * * *",
    leadDays: 1,
    graceDays: null,
    category: "transactional",
    subject: "Reminder: {{event.title}}, {{event.date}}",
    text: `Hello {{member.firstName}},\n\nA reminder of what you registered for:\n\n${eventText}\n`,
  },
  training_announcement: {
    schedule: "0 8 * * 1",
    leadDays: 28,
    graceDays: null,
    category: "newsletters",
    subject: "Training: {{event.title}}",
    text: `Hello {{member.firstName}},\n\nA training you can apply for:\n\n${eventText}\n\nUnsubscribe from newsletters: {{unsubscribeUrl}}\n`,
  },
  election_call: {
    // Triggered by the elections module, not by a schedule; this one only keeps the row valid.
    schedule: "0 0 1 1 *",
    leadDays: 0,
    graceDays: null,
    category: "statutory",
    subject: "{{election.title}}: {{election.phase}}",
    text: "Hello {{member.firstName}},\n\n{{election.title}}: {{election.phase}} from {{election.opensAt}} to {{election.closesAt}}.\n\n{{election.url}}\n",
  },
  renewal_reminder: {
    schedule: "0 9 * * *",
    leadDays: 30,
    graceDays: 7,
    category: "transactional",
    subject: "Your membership of {{org.name}}",
    text: "Hello {{member.firstName}},\n\nYour membership ends (or ended) on {{membership.endsOn}}. Renew it by {{membership.graceUntil}} to keep your rights as a member.\n",
  },
};

export function automationOf(row: AutomationRow | undefined, kind: AutomationKind) {
  const defaults = automationDefaults[kind];
  return {
    kind,
    configured: row !== undefined,
    enabled: row?.enabled ?? false,
    schedule: row?.schedule ?? defaults.schedule,
    leadDays: row?.leadDays ?? defaults.leadDays,
    graceDays: row ? row.graceDays : defaults.graceDays,
    category: defaults.category,
    subject: row?.subject ?? defaults.subject,
    text: row?.text ?? defaults.text,
    html: row?.html ?? null,
    instructions: row?.instructions ?? null,
    recipients: row?.recipients ?? ("conveners" as const),
    nextRunAt: row?.nextRunAt ?? null,
    version: row?.version ?? 0,
    updatedAt: row?.updatedAt ?? null,
  };
}

export type Automation = ReturnType<typeof automationOf>;
