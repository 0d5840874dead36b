import { sleep } from "../db/retry.ts";
import { type Mailer, type MailMessage, type SendOutcome, sendOne } from "./mailer.ts";

/** A temporary failure of mail someone is waiting for is tried again this soon, a few times. */
export const sendNowRetry = { retries: 2, delayMs: 1_000 };

/**
 * Mail a person is waiting for — a sign-in code, the confirmation of a sign-up — goes to the
 * transport at once, not to a mailing that the next tick would send: a code that comes a
 * minute late, behind a newsletter to 100,000 members, has often expired in the reader's
 * mind. A temporary failure (a busy SMTP server, a provider's rate limit) is tried again
 * after a second, twice; a permanent one is returned at once. Never throws.
 */
export async function sendNow(mailer: Mailer, message: MailMessage, policy = sendNowRetry): Promise<SendOutcome> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await sendOne(mailer, message);
    if (outcome.ok || outcome.error.permanent || attempt >= policy.retries) return outcome;
    await sleep(policy.delayMs);
  }
}
