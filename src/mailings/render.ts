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
}

export interface Recipient {
  deliveryId: number;
  name: string | null;
  email: string;
  memberNumber: string;
  groupName: string | null;
  endsOn?: string | null;
  graceUntil?: string | null;
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
  },
): MailMessage {
  const { own, recipient, recipientVars } = options;
  const variables = { ...own, ...recipientVars };
  const headers: Record<string, string> = { "X-Grasrot-Mailing": mailing.id };
  if (options.unsubscribeUrl) {
    headers["List-Unsubscribe"] = `<${options.unsubscribeUrl}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  return {
    to: recipient.name ? `${quoteName(recipient.name)} <${recipient.email}>` : recipient.email,
    from: options.from,
    subject: render(mailing.subject, variables).replace(/[\r\n]+/g, " "),
    text: render(mailing.text, variables),
    ...(mailing.html !== null && { html: render(mailing.html, variables, { html: true }) }),
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
