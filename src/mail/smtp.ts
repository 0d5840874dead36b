/**
 * SMTP through nodemailer: Node only. Only src/server.ts (through ./node.ts) imports this
 * file, so nodemailer never reaches the Worker bundle.
 */
import { createTransport } from "nodemailer";
import { type Mailer, MailSendError } from "./mailer.ts";

interface SmtpError extends Error {
  responseCode?: number;
  code?: string;
}

/** 5xx replies are permanent (RFC 5321 §4.2.1); 550–553 say the mailbox itself is bad. */
export function smtpFailure(error: unknown): MailSendError {
  const e = error as SmtpError;
  const code = typeof e?.responseCode === "number" ? e.responseCode : undefined;
  const message = e instanceof Error ? e.message : String(error);
  if (code !== undefined && code >= 500) return new MailSendError(`SMTP ${code}: ${message}`, true, code >= 550 && code <= 553);
  return new MailSendError(code ? `SMTP ${code}: ${message}` : `SMTP: ${message}`, false);
}

export function createSmtpMailer(options: { url: string; from: string; pool?: boolean }): Mailer & { close(): void } {
  const transporter = createTransport(options.url, { from: options.from });
  return {
    transport: "smtp",
    async send(message) {
      try {
        const info = await transporter.sendMail({
          from: message.from ?? options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined && { html: message.html }),
          ...(message.messageId && { messageId: message.messageId }),
          headers: message.headers ?? {},
        });
        return { messageId: String(info.messageId) };
      } catch (error) {
        throw smtpFailure(error);
      }
    },
    close: () => transporter.close(),
  };
}
