export interface MailMessage {
  to: string;
  from?: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
}

/** Every transport (SMTP, HTTP provider, local outbox) sits behind this one interface. */
export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
}

/** Keeps sent messages in memory: for tests, and for runtimes without a configured transport. */
export function createMemoryMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
      return { messageId: `memory-${sent.length}` };
    },
  };
}
