/**
 * English: every text Grasrot itself writes to a member or contact. Entries are templates in
 * the one syntax of mail templates, `{{name}}`, so a default and an organisation's override
 * of it read alike. Every key here is in every other language's catalogue (test/i18n checks).
 */

const event = "{{event.title}}\n{{event.dateTime}} ({{event.timeZone}})\n{{event.location}}\n\n{{event.url}}";

export const en = {
  "signIn.subject": "Sign in to {{org.name}}",
  "signIn.text":
    "Hello {{member.name}},\n\n{{link}}Your sign-in code: {{code}}\n\nIt works once, for 15 minutes. If you did not ask to sign in, ignore this message.\n",
  "signIn.link": "Open this link to sign in:\n{{url}}\n\n",

  "unsubscribe.title": "Unsubscribe",
  "unsubscribe.question": "Stop receiving {{what}} from {{org.name}}?",
  "unsubscribe.button": "Unsubscribe",
  "unsubscribe.doneTitle": "Unsubscribed",
  "unsubscribe.done": "You no longer receive {{what}} from {{org.name}}.",
  "category.newsletters": "newsletters",
  "category.meeting_summons": "meeting summons",
  "category.campaign_news": "campaign news",

  "signup.subject.newsletter": "Confirm your subscription to {{org.name}}",
  "signup.subject.event": "Confirm your registration for {{event.title}}",
  "signup.greeting": "Hello,",
  "signup.greetingNamed": "Hello {{name}},",
  "signup.text":
    "{{greeting}}\n\nSomeone, hopefully you, signed this address up for {{what}} at {{org.name}}.\n\nOpen this link to confirm:\n{{url}}\n\nThe link works for {{hours}} hours. If you did not sign up, ignore this message: nothing is kept.\n",
  "signup.newsletter": "the newsletter",
  "signup.event": "“{{event.title}}”",
  "signup.title": "Confirm your sign-up",
  "signup.question": "Confirm your sign-up for {{what}} at {{org.name}}?",
  "signup.button": "Confirm",
  "signup.doneTitle": "Confirmed",
  "signup.done": "Thank you! Your sign-up for {{what}} at {{org.name}} is confirmed.",

  "monthly_group.subject": "{{org.name}}: {{month}} for {{group.name}}",
  "monthly_group.text":
    "Hello {{member.firstName}},\n\n{{instructions}}\n\nComing campaigns:\n{{campaigns}}\n\nOpen actions:\n{{actions}}\n\nComing events:\n{{events}}\n\n{{group.name}} in {{lastMonth}}:\n{{figures}}\n",
  "meeting_summons.subject": "Summons: {{event.title}}, {{event.date}}",
  "meeting_summons.text": `Hello {{member.firstName}},\n\nYou are summoned to the meeting of {{group.name}}:\n\n${event}\n\nUnsubscribe from summons: {{unsubscribeUrl}}\n`,
  "member_meeting_notice.subject": "Notice of the member meeting, {{event.date}}",
  "member_meeting_notice.text": `Hello {{member.firstName}},\n\nNotice is given of the member meeting of {{org.name}}:\n\n${event}\n\nElections on the agenda, with the nominating committee's proposal:\n{{elections}}\n`,
  "event_reminder.subject": "Reminder: {{event.title}}, {{event.date}}",
  "event_reminder.text": `Hello {{member.firstName}},\n\nA reminder of what you registered for:\n\n${event}\n`,
  "training_announcement.subject": "Training: {{event.title}}",
  "training_announcement.text": `Hello {{member.firstName}},\n\nA training you can apply for:\n\n${event}\n\nUnsubscribe from newsletters: {{unsubscribeUrl}}\n`,
  "election_call.subject": "{{election.title}}: {{election.phase}}",
  "election_call.text":
    "Hello {{member.firstName}},\n\n{{election.title}}: {{election.phase}} from {{election.opensAtLocal}} to {{election.closesAtLocal}}.\n\n{{elections}}\n\n{{election.url}}\n",
  "election_call.meetingElection": "- {{title}} ({{seats}}): nominations until {{until}}",
  "agenda.proposal": "- {{title}} ({{seats}} seats): proposed: {{names}}",
  "agenda.proposalOneSeat": "- {{title}} (1 seat): proposed: {{names}}",
  "agenda.noProposal": "- {{title}} ({{seats}}): no proposal from the nominating committee yet",
  "renewal_reminder.subject": "Your membership of {{org.name}}",
  "renewal_reminder.text":
    "Hello {{member.firstName}},\n\nYour membership ends (or ended) on {{membership.endsOnLocal}}. Renew it by {{membership.graceUntilLocal}} to keep your rights as a member.\n",

  "election.phase.nominations_open": "nominations are open",
  "election.phase.voting_open": "voting is open",

  "monthly.none": "–",
  "monthly.campaign": "- {{title}} ({{from}} – {{to}})",
  "monthly.action": "- {{title}} ({{campaign}}): {{target}}, until {{endsOn}}",
  "monthly.event": "- {{when}} {{title}}",
  "figures.letters": "- Letters written: {{n}}",
  "figures.signatures": "- Signatures collected: {{n}}",
  "figures.politicianMeetings": "- Meetings with politicians: {{n}}",
  "figures.streetActivities": "- Street activities: {{n}}",
  "figures.raised": "- Money raised: {{n}}",
  "figures.recruited": "- New members recruited: {{n}}",
  "figures.nothing": "- Nothing recorded",
} as const;

export type MessageKey = keyof typeof en;
