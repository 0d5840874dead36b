import { type Mailer, type MailMessage, MailSendError, type SendOutcome } from "./mailer.ts";

/**
 * Postmark's HTTP API (https://postmarkapp.com/developer/api/email-api): `POST /email` and
 * `POST /email/batch` (up to 500 messages, an outcome per message). Works on Node and
 * Workers alike, as it needs only fetch.
 */
export interface PostmarkOptions {
  token: string;
  /** https://api.postmarkapp.com, or a local fake in tests. */
  url: string;
  messageStream: string;
  from: string;
  fetch?: typeof fetch;
}

interface PostmarkResult {
  ErrorCode: number;
  Message: string;
  MessageID?: string;
  To?: string;
}

/** Postmark's error codes for an address it will not send to (bounced, unsubscribed, spam complaint). */
const inactiveRecipient = 406;
/**
 * Codes that describe the message itself (300: invalid e-mail request, such as a bad
 * address): sending it again cannot succeed. Account and sender-signature errors are
 * retried instead, as they affect every message and go away once the operator fixes them.
 */
const permanentCodes = new Set([300, inactiveRecipient]);

function toPostmark(message: MailMessage, from: string, messageStream: string) {
  const headers = Object.entries(message.headers ?? {}).map(([Name, Value]) => ({ Name, Value }));
  if (message.messageId) headers.push({ Name: "Message-ID", Value: message.messageId });
  return {
    From: message.from ?? from,
    To: message.to,
    Subject: message.subject,
    TextBody: message.text,
    ...(message.html !== undefined && { HtmlBody: message.html }),
    Headers: headers,
    MessageStream: messageStream,
  };
}

function outcomeOf(result: PostmarkResult | undefined): SendOutcome {
  if (!result) return { ok: false, error: new MailSendError("Postmark gave no result for this message", false) };
  if (result.ErrorCode === 0 && result.MessageID) return { ok: true, messageId: result.MessageID };
  const permanent = permanentCodes.has(result.ErrorCode);
  return {
    ok: false,
    error: new MailSendError(`Postmark ${result.ErrorCode}: ${result.Message}`, permanent, result.ErrorCode === inactiveRecipient),
  };
}

export function createPostmarkMailer(options: PostmarkOptions): Mailer {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, "");

  async function post(path: string, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method: "POST",
        headers: { Accept: "application/json", "Content-Type": "application/json", "X-Postmark-Server-Token": options.token },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new MailSendError(`Postmark unreachable: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    const text = await response.text();
    if (!response.ok) {
      // A request-level error (bad token, rate limit, outage) is about the whole request:
      // the messages are retried later, unless Postmark says the message itself is wrong.
      let code: number | undefined;
      try {
        code = (JSON.parse(text) as PostmarkResult).ErrorCode;
      } catch {
        code = undefined;
      }
      const permanent = response.status === 422 && code !== undefined && permanentCodes.has(code);
      throw new MailSendError(`Postmark HTTP ${response.status}: ${text.slice(0, 300)}`, permanent, code === inactiveRecipient);
    }
    return JSON.parse(text);
  }

  return {
    transport: "http",
    batchSize: 500,
    async send(message) {
      const outcome = outcomeOf((await post("/email", toPostmark(message, options.from, options.messageStream))) as PostmarkResult);
      if (!outcome.ok) throw outcome.error;
      return { messageId: outcome.messageId };
    },
    async sendBatch(messages) {
      if (messages.length === 0) return [];
      let results: PostmarkResult[];
      try {
        results = (await post(
          "/email/batch",
          messages.map((message) => toPostmark(message, options.from, options.messageStream)),
        )) as PostmarkResult[];
      } catch (error) {
        const failure = error instanceof MailSendError ? error : new MailSendError(String(error), false);
        return messages.map(() => ({ ok: false as const, error: failure }));
      }
      return messages.map((_, i) => outcomeOf(results[i]));
    },
  };
}
