export interface MailMessage {
  to: string;
  from?: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** A stable Message-ID (`<…@…>`): a message sent twice after a crash is then recognisably the same one. */
  messageId?: string;
  /** The organisation the message is sent for (the local outbox files it under that organisation). */
  orgId?: string;
  /**
   * Values in the message that only its recipient may read, such as a sign-in code. Transports
   * send the message as it is; the local outbox hides them from every reader but an admin.
   */
  secrets?: string[];
}

export interface SentMail {
  messageId: string;
}

/** One message's outcome in a batch, in the order the messages were given. */
export type SendOutcome = { ok: true; messageId: string } | { ok: false; error: MailSendError };

/**
 * A send that did not go through. `permanent`: retrying cannot help (a rejected address,
 * a 5xx reply); otherwise the delivery is retried with backoff.
 */
export class MailSendError extends Error {
  override name = "MailSendError";
  readonly permanent: boolean;
  /** The address itself is bad (bounced, inactive): it goes on the suppression list. */
  readonly suppressAddress: boolean;

  constructor(message: string, permanent: boolean, suppressAddress = false) {
    super(message);
    this.permanent = permanent;
    this.suppressAddress = suppressAddress;
  }
}

/** Every transport (SMTP, HTTP provider, local outbox) sits behind this one interface. */
export interface Mailer {
  /** Which transport this is, for logs and the health of the mail set-up. */
  readonly transport?: string;
  send(message: MailMessage): Promise<SentMail>;
  /** Transports with a batch API send many messages per request; outcomes come per message. */
  sendBatch?(messages: MailMessage[]): Promise<SendOutcome[]>;
  /** The largest batch `sendBatch` takes. */
  readonly batchSize?: number;
}

/**
 * Messages sent side by side by a transport without a batch API (SMTP over a few pooled
 * connections): also the most a crash in the middle of a send can leave unknown.
 */
export const parallelSends = 5;

/** Sends a batch through `sendBatch` when the transport has one, else the messages side by side. */
export async function sendAll(mailer: Mailer, messages: MailMessage[]): Promise<SendOutcome[]> {
  if (mailer.sendBatch) return mailer.sendBatch(messages);
  return Promise.all(messages.map((message) => sendOne(mailer, message)));
}

export async function sendOne(mailer: Mailer, message: MailMessage): Promise<SendOutcome> {
  try {
    return { ok: true, messageId: (await mailer.send(message)).messageId };
  } catch (error) {
    return { ok: false, error: error instanceof MailSendError ? error : new MailSendError(errorText(error), false) };
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keeps sent messages in memory: for tests, and for runtimes without a configured transport. */
export function createMemoryMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    transport: "memory",
    sent,
    async send(message) {
      sent.push(message);
      return { messageId: message.messageId ?? `memory-${sent.length}` };
    },
  };
}

/** Accepts and discards everything: for benchmarks and deployments that must not mail. */
export function createNullMailer(): Mailer {
  let count = 0;
  return {
    transport: "null",
    batchSize: 500,
    async send(message) {
      count += 1;
      return { messageId: message.messageId ?? `null-${count}` };
    },
    async sendBatch(messages) {
      return messages.map((message) => ({ ok: true as const, messageId: message.messageId ?? `null-${++count}` }));
    },
  };
}
