/** How the deployment sends mail: read from the environment by src/config.ts. */
export const mailTransports = ["outbox", "smtp", "http", "null"] as const;
export type MailTransport = (typeof mailTransports)[number];

export interface MailSettings {
  transport: MailTransport;
  /** The From of every message, `Name <address>` or an address. */
  from: string;
  /** smtp://user:pass@host:587 or smtps://user:pass@host:465 (Node only). */
  smtpUrl?: string;
  /** The HTTP provider (Postmark): server token, API base URL and message stream. */
  postmark?: { token: string; url: string; messageStream: string };
  /** Messages one scheduled tick sends at most; the rest go on the next tick. */
  perTick: number;
}

export const defaultMailSettings: MailSettings = { transport: "outbox", from: "Grasrot <noreply@grasrot.localhost>", perTick: 200 };
