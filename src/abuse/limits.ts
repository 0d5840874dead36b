import type { RateLimitRule } from "./rate-limit.ts";

/**
 * Every limit of the deployment, in one place. The README's "Abuse limits" repeats them, and
 * wrangler.toml configures the same numbers for the rules with a Workers binding (a test holds
 * them together). A client is an IP address, an IPv6 address counting as its /64.
 */
export const limits = {
  /** Sign-in mails to one address of one organisation: nobody can mail-bomb a member. */
  signInMailPerAddress: { name: "sign-in-mail/address", limit: 5, windowSeconds: 60 * 60 },
  /**
   * Sign-in mails asked for by one client, whatever the addresses. Generous, because a whole
   * member meeting may sign in to vote through the venue's one address.
   */
  signInMailPerClient: { name: "sign-in-mail/client", limit: 30, windowSeconds: 60, binding: "RATE_LIMIT_SIGN_IN_MAIL" },
  /**
   * Failed code exchanges by one client: what stops guessing. Only failures count, so a room
   * full of members exchanging their codes is never slowed down.
   */
  signInFailuresPerClient: { name: "sign-in-failures/client", limit: 20, windowSeconds: 10 * 60 },
  /** Public sign-ups of one address in one organisation: each mails a confirmation, so nobody can mail-bomb an address. */
  signupPerAddress: { name: "signup/address", limit: 3, windowSeconds: 60 * 60 },
  /** Public sign-ups sent by one client, whatever the addresses: generous, for a lecture hall's guests on one network. */
  signupPerClient: { name: "signup/client", limit: 60, windowSeconds: 60 * 60 },
  /** Counts of `POST /v1/tally` per API key: counting a large election is real work. */
  tallyPerApiKey: { name: "tally/api-key", limit: 60, windowSeconds: 60, binding: "RATE_LIMIT_TALLY" },
} satisfies Record<string, RateLimitRule>;
