/**
 * What a sign-up says to the person signing up, in Swedish and English: the confirmation mail
 * and the confirmation page. Kept together so that the texts can move into a catalogue whole.
 */

export const signupLanguages = ["sv", "en"] as const;
export type SignupLanguage = (typeof signupLanguages)[number];

/** The language of a sign-up: the one the person gave, else the organisation's locale, else English. */
export function signupLanguage(preferred: string | null | undefined, orgLocale: string | null | undefined): SignupLanguage {
  for (const tag of [preferred, orgLocale]) {
    const base = tag?.toLowerCase().split("-")[0];
    if (base === "sv" || base === "en") return base;
  }
  return "en";
}

export interface ConfirmationMailFacts {
  orgName: string;
  name: string | null;
  /** The event signed up for; null for the newsletter. */
  eventTitle: string | null;
  link: string;
  validHours: number;
}

interface Texts {
  confirmationSubject(facts: ConfirmationMailFacts): string;
  confirmationText(facts: ConfirmationMailFacts): string;
  pageTitle: string;
  pageQuestion(what: string, orgName: string): string;
  pageButton: string;
  confirmedTitle: string;
  confirmed(what: string, orgName: string): string;
  newsletter: string;
  event(title: string): string;
  expired: string;
  unknown: string;
  refused(detail: string): string;
}

const what = (texts: Texts, eventTitle: string | null) => (eventTitle === null ? texts.newsletter : texts.event(eventTitle));

const sv: Texts = {
  confirmationSubject: ({ orgName, eventTitle }) =>
    eventTitle === null ? `Bekräfta din prenumeration hos ${orgName}` : `Bekräfta din anmälan till ${eventTitle}`,
  confirmationText: (facts) =>
    `Hej${facts.name ? ` ${facts.name}` : ""},\n\n` +
    `Någon, förhoppningsvis du, har anmält den här adressen till ${what(sv, facts.eventTitle)} hos ${facts.orgName}.\n\n` +
    `Öppna länken för att bekräfta:\n${facts.link}\n\n` +
    `Länken gäller i ${facts.validHours} timmar. Har du inte anmält dig kan du bortse från det här meddelandet; då sparas ingenting.\n`,
  pageTitle: "Bekräfta anmälan",
  pageQuestion: (thing, orgName) => `Bekräfta din anmälan till ${thing} hos ${orgName}?`,
  pageButton: "Bekräfta",
  confirmedTitle: "Bekräftat",
  confirmed: (thing, orgName) => `Tack! Din anmälan till ${thing} hos ${orgName} är bekräftad.`,
  newsletter: "nyhetsbrevet",
  event: (title) => `”${title}”`,
  expired: "Länken har gått ut. Anmäl dig gärna igen.",
  unknown: "Länken är inte giltig.",
  refused: (detail) => `Anmälan kunde inte bekräftas: ${detail}`,
};

const en: Texts = {
  confirmationSubject: ({ orgName, eventTitle }) =>
    eventTitle === null ? `Confirm your subscription to ${orgName}` : `Confirm your registration for ${eventTitle}`,
  confirmationText: (facts) =>
    `Hello${facts.name ? ` ${facts.name}` : ""},\n\n` +
    `Someone, hopefully you, signed this address up for ${what(en, facts.eventTitle)} at ${facts.orgName}.\n\n` +
    `Open this link to confirm:\n${facts.link}\n\n` +
    `The link works for ${facts.validHours} hours. If you did not sign up, ignore this message: nothing is kept.\n`,
  pageTitle: "Confirm your sign-up",
  pageQuestion: (thing, orgName) => `Confirm your sign-up for ${thing} at ${orgName}?`,
  pageButton: "Confirm",
  confirmedTitle: "Confirmed",
  confirmed: (thing, orgName) => `Thank you! Your sign-up for ${thing} at ${orgName} is confirmed.`,
  newsletter: "the newsletter",
  event: (title) => `“${title}”`,
  expired: "This link has expired. Please sign up again.",
  unknown: "This link is not valid.",
  refused: (detail) => `The sign-up could not be confirmed: ${detail}`,
};

export const signupTexts: Record<SignupLanguage, Texts> = { sv, en };

/** What the sign-up is for, in the person's language: "the newsletter", "“Public lecture”". */
export const signupSubject = (language: SignupLanguage, eventTitle: string | null) => what(signupTexts[language], eventTitle);
