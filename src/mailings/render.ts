import { dayInWords } from "../i18n/dates.ts";
import { primaryLanguage } from "../i18n/index.ts";
import type { MailMessage } from "../mail/mailer.ts";
import { domainOf } from "../mail/mime.ts";
import { render, type TemplateVariables } from "../mail/template.ts";

export interface MailingContent {
  id: string;
  orgId: string;
  subject: string;
  text: string;
  html: string | null;
  /** JSON object of the mailing's own variables. */
  variables: string;
  /** JSON object of the mailing in other languages (mailings.variants); absent: one language only. */
  variants?: string;
  /** The organisation's locale: its language's variant is what recipients without one of their own get. */
  orgLocale?: string;
}

interface Variant {
  subject: string;
  text: string;
  html: string | null;
  /** Variables of this language (dates, lists) over the mailing's own. */
  variables?: Record<string, string>;
}

const parsedVariants = new WeakMap<MailingContent, Record<string, Variant>>();

/** The mailing's variants by language, parsed once per mailing however many recipients it has. */
function variantsOf(mailing: MailingContent): Record<string, Variant> {
  let variants = parsedVariants.get(mailing);
  if (!variants) {
    const parsed = parseVariables(mailing.variants ?? "{}") as unknown as Record<string, Variant>;
    variants = Object.fromEntries(
      Object.entries(parsed).filter(([, v]) => v && typeof v.subject === "string" && typeof v.text === "string"),
    );
    parsedVariants.set(mailing, variants);
  }
  return variants;
}

/**
 * What one recipient reads: the variant of their preferred language, else the variant of the
 * organisation's language, else the mailing as written; and the locale their dates are written in.
 */
export function contentFor(mailing: MailingContent, preferred: string | null | undefined) {
  const variants = variantsOf(mailing);
  const orgLocale = mailing.orgLocale ?? "en";
  for (const language of [primaryLanguage(preferred), primaryLanguage(orgLocale)]) {
    const variant = language ? variants[language] : undefined;
    if (language && variant) return { ...variant, html: variant.html ?? null, locale: localeOf(language, preferred, orgLocale) };
  }
  const language = primaryLanguage(orgLocale) ?? "en";
  return {
    subject: mailing.subject,
    text: mailing.text,
    html: mailing.html,
    variables: undefined,
    locale: localeOf(language, preferred, orgLocale),
  };
}

/** The reader's own tag when it is of the language read, else the organisation's, else the language. */
function localeOf(language: string, preferred: string | null | undefined, orgLocale: string): string {
  if (preferred && primaryLanguage(preferred) === language) return preferred;
  return primaryLanguage(orgLocale) === language ? orgLocale : language;
}

export interface Recipient {
  deliveryId: number;
  name: string | null;
  email: string;
  memberNumber: string;
  groupName: string | null;
  endsOn?: string | null;
  graceUntil?: string | null;
  /** The member's preferred language (a BCP 47 tag), if they gave one. */
  language?: string | null;
}

/** Dates of the recipient's own, as the reader says them; `locale` comes from contentFor. */
function localDates(recipient: Pick<Recipient, "endsOn" | "graceUntil">, locale: string | undefined): TemplateVariables {
  const out: TemplateVariables = {};
  if (recipient.endsOn !== undefined) out["membership.endsOnLocal"] = recipient.endsOn ? dayInWords(recipient.endsOn, locale ?? "en") : "";
  if (recipient.graceUntil !== undefined)
    out["membership.graceUntilLocal"] = recipient.graceUntil ? dayInWords(recipient.graceUntil, locale ?? "en") : "";
  return out;
}

export function recipientVariables(
  org: { name: string },
  recipient: Omit<Recipient, "deliveryId" | "email"> & { email: string | null },
  unsubscribeUrl: string,
): TemplateVariables {
  const name = recipient.name ?? "";
  return {
    "member.name": name,
    "member.firstName": name.split(/\s+/)[0] ?? "",
    "member.email": recipient.email ?? "",
    "member.number": recipient.memberNumber,
    "org.name": org.name,
    "group.name": recipient.groupName ?? "",
    unsubscribeUrl,
    ...(recipient.endsOn !== undefined && { "membership.endsOn": recipient.endsOn ?? "" }),
    ...(recipient.graceUntil !== undefined && { "membership.graceUntil": recipient.graceUntil ?? "" }),
  };
}

/** The message one recipient gets: rendered bodies, a stable Message-ID, and the RFC 8058 unsubscribe headers. */
export function messageFor(
  mailing: MailingContent,
  options: {
    /** The mailing's own variables. */
    own: TemplateVariables;
    recipient: Recipient;
    recipientVars: TemplateVariables;
    from: string;
    unsubscribeUrl?: string | undefined;
    /** The deployment's URL: links a mailing holds as API paths (`/v1/…`) are made whole with it. */
    publicUrl?: string | undefined;
  },
): MailMessage {
  const { own, recipient, recipientVars } = options;
  const content = contentFor(mailing, recipient.language);
  const variables: TemplateVariables = { ...own, ...content.variables, ...localDates(recipient, content.locale), ...recipientVars };
  for (const [name, value] of Object.entries(variables)) {
    if (/(^|\.)url$/i.test(name) && typeof value === "string" && value.startsWith("/"))
      variables[name] = `${options.publicUrl ?? ""}${value}`;
  }
  const headers: Record<string, string> = { "X-Grasrot-Mailing": mailing.id };
  if (options.unsubscribeUrl) {
    headers["List-Unsubscribe"] = `<${options.unsubscribeUrl}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  return {
    to: recipient.name ? `${quoteName(recipient.name)} <${recipient.email}>` : recipient.email,
    from: options.from,
    subject: render(content.subject, variables).replace(/[\r\n]+/g, " "),
    text: render(content.text, variables),
    ...(content.html !== null && { html: render(content.html, variables, { html: true }) }),
    headers,
    messageId: `<d${recipient.deliveryId}.${mailing.id}@${domainOf(options.from)}>`,
    orgId: mailing.orgId,
  };
}

/** A display name in an address header: quoted when it holds specials (RFC 5322 §3.2.3). */
function quoteName(name: string): string {
  const clean = name.replace(/[\r\n"\\]/g, "");
  return /^[\p{L}\p{N} ]*$/u.test(clean) ? clean : `"${clean}"`;
}

export function parseVariables(json: string): TemplateVariables {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" ? (value as TemplateVariables) : {};
  } catch {
    return {};
  }
}
