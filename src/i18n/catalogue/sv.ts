import type { MessageKey } from "./en.ts";

/** Swedish: the same keys as en.ts, each with the same variables. */

const event = "{{event.title}}\n{{event.dateTime}} ({{event.timeZone}})\n{{event.location}}\n\n{{event.url}}";

export const sv: Record<MessageKey, string> = {
  "signIn.subject": "Logga in hos {{org.name}}",
  "signIn.text":
    "Hej {{member.name}}!\n\n{{link}}Din inloggningskod: {{code}}\n\nDen fungerar en gång, i 15 minuter. Om du inte bad om att logga in kan du bortse från det här meddelandet.\n",
  "signIn.link": "Öppna den här länken för att logga in:\n{{url}}\n\n",

  "unsubscribe.title": "Avsluta prenumeration",
  "unsubscribe.question": "Vill du sluta få {{what}} från {{org.name}}?",
  "unsubscribe.button": "Avsluta prenumerationen",
  "unsubscribe.doneTitle": "Prenumerationen är avslutad",
  "unsubscribe.done": "Du får inte längre {{what}} från {{org.name}}.",
  "category.newsletters": "nyhetsbrev",
  "category.meeting_summons": "kallelser till möten",
  "category.campaign_news": "kampanjnyheter",

  "signup.subject.newsletter": "Bekräfta din prenumeration hos {{org.name}}",
  "signup.subject.event": "Bekräfta din anmälan till {{event.title}}",
  "signup.greeting": "Hej,",
  "signup.greetingNamed": "Hej {{name}},",
  "signup.text":
    "{{greeting}}\n\nNågon, förhoppningsvis du, har anmält den här adressen till {{what}} hos {{org.name}}.\n\nÖppna länken för att bekräfta:\n{{url}}\n\nLänken gäller i {{hours}} timmar. Har du inte anmält dig kan du bortse från det här meddelandet; då sparas ingenting.\n",
  "signup.newsletter": "nyhetsbrevet",
  "signup.event": "”{{event.title}}”",
  "signup.title": "Bekräfta anmälan",
  "signup.question": "Bekräfta din anmälan till {{what}} hos {{org.name}}?",
  "signup.button": "Bekräfta",
  "signup.doneTitle": "Bekräftat",
  "signup.done": "Tack! Din anmälan till {{what}} hos {{org.name}} är bekräftad.",

  "monthly_group.subject": "{{org.name}}: {{month}} för {{group.name}}",
  "monthly_group.text":
    "Hej {{member.firstName}}!\n\n{{instructions}}\n\nKommande kampanjer:\n{{campaigns}}\n\nPågående aktioner:\n{{actions}}\n\nKommande aktiviteter:\n{{events}}\n\n{{group.name}} i {{lastMonth}}:\n{{figures}}\n",
  "meeting_summons.subject": "Kallelse: {{event.title}}, {{event.date}}",
  "meeting_summons.text": `Hej {{member.firstName}}!\n\nDu kallas till möte med {{group.name}}:\n\n${event}\n\nSluta få kallelser: {{unsubscribeUrl}}\n`,
  "member_meeting_notice.subject": "Kallelse till medlemsmöte, {{event.date}}",
  "member_meeting_notice.text": `Hej {{member.firstName}}!\n\nHärmed kallas du till medlemsmöte i {{org.name}}:\n\n${event}\n\nVal på dagordningen, med valberedningens förslag:\n{{elections}}\n`,
  "event_reminder.subject": "Påminnelse: {{event.title}}, {{event.date}}",
  "event_reminder.text": `Hej {{member.firstName}}!\n\nEn påminnelse om det du har anmält dig till:\n\n${event}\n`,
  "training_announcement.subject": "Utbildning: {{event.title}}",
  "training_announcement.text": `Hej {{member.firstName}}!\n\nEn utbildning som du kan söka till:\n\n${event}\n\nSluta få nyhetsbrev: {{unsubscribeUrl}}\n`,
  "election_call.subject": "{{election.title}}: {{election.phase}}",
  "election_call.text":
    "Hej {{member.firstName}}!\n\n{{election.title}}: {{election.phase}} från {{election.opensAtLocal}} till {{election.closesAtLocal}}.\n\n{{elections}}\n\n{{election.url}}\n",
  "election_call.meetingElection": "- {{title}} ({{seats}}): nominering till {{until}}",
  "agenda.proposal": "- {{title}} ({{seats}} platser): förslag: {{names}}",
  "agenda.proposalOneSeat": "- {{title}} (1 plats): förslag: {{names}}",
  "agenda.noProposal": "- {{title}} ({{seats}}): valberedningen har inte lämnat något förslag än",
  "renewal_reminder.subject": "Ditt medlemskap i {{org.name}}",
  "renewal_reminder.text":
    "Hej {{member.firstName}}!\n\nDitt medlemskap upphör (eller upphörde) {{membership.endsOnLocal}}. Förnya det senast {{membership.graceUntilLocal}} för att behålla dina rättigheter som medlem.\n",

  "election.phase.nominations_open": "nomineringen är öppen",
  "election.phase.voting_open": "röstningen är öppen",

  "monthly.none": "–",
  "monthly.campaign": "- {{title}} ({{from}} – {{to}})",
  "monthly.action": "- {{title}} ({{campaign}}): {{target}}, till och med {{endsOn}}",
  "monthly.event": "- {{when}} {{title}}",
  "figures.letters": "- Skrivna brev: {{n}}",
  "figures.signatures": "- Insamlade namnunderskrifter: {{n}}",
  "figures.politicianMeetings": "- Möten med politiker: {{n}}",
  "figures.streetActivities": "- Gatuaktiviteter: {{n}}",
  "figures.raised": "- Insamlade pengar: {{n}}",
  "figures.recruited": "- Nya medlemmar som värvats: {{n}}",
  "figures.nothing": "- Inget registrerat",
};
