import { describe, expect, it } from "vitest";
import { type Mailer, MailSendError } from "../../src/mail/mailer.ts";
import { sendNow } from "../../src/mail/send-now.ts";

/** A transport that answers each send with the next of `verdicts` (an error to throw, or acceptance). */
function scripted(verdicts: (Error | "ok")[]) {
  const tries: string[] = [];
  const mailer: Mailer = {
    async send(message) {
      tries.push(message.to);
      const verdict = verdicts.shift() ?? "ok";
      if (verdict !== "ok") throw verdict;
      return { messageId: `<${tries.length}@example.org>` };
    },
  };
  return { mailer, tries };
}

const code = { to: "ada@example.org", subject: "Your sign-in code", text: "123456", secrets: ["123456"] };
const quick = { retries: 2, delayMs: 1 };

describe("sendNow: mail a person is waiting for", () => {
  it("goes to the transport at once, and is tried again when the transport is busy for the moment", async () => {
    const { mailer, tries } = scripted([new MailSendError("421 4.7.0 try again later", false), "ok"]);
    expect(await sendNow(mailer, code, quick)).toEqual({ ok: true, messageId: "<2@example.org>" });
    expect(tries).toEqual(["ada@example.org", "ada@example.org"]);
  });

  it("is not tried again when the address is refused for good, and never throws", async () => {
    const { mailer, tries } = scripted([new MailSendError("550 5.1.1 no such user", true, true)]);
    const outcome = await sendNow(mailer, code, quick);
    expect(outcome).toMatchObject({ ok: false, error: { permanent: true } });
    expect(tries).toHaveLength(1);
  });

  it("gives up after its few retries with the last failure", async () => {
    const { mailer, tries } = scripted([new Error("connection reset"), new Error("connection reset"), new Error("timeout")]);
    const outcome = await sendNow(mailer, code, quick);
    expect(outcome).toMatchObject({ ok: false, error: { message: "timeout", permanent: false } });
    expect(tries).toHaveLength(3);
  });
});
