import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailSendError } from "../../src/mail/mailer.ts";
import { createSmtpMailer } from "../../src/mail/smtp.ts";

interface Received {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives; `bad@` is refused with 550. */
let server: SMTPServer;
let port = 0;
const received: Received[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "grasrot" && auth.password === "secret") callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("bad@")) {
        const error = Object.assign(new Error("5.1.1 No such user"), { responseCode: 550 });
        callback(error);
      } else if (address.address.startsWith("busy@")) {
        callback(Object.assign(new Error("4.2.1 Try again later"), { responseCode: 421 }));
      } else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          user: session.user as string | undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const url = () => `smtp://grasrot:secret@127.0.0.1:${port}`;

describe("the SMTP transport against a real SMTP server", () => {
  it("delivers headers, both bodies and the RFC 8058 unsubscribe headers", async () => {
    const mailer = createSmtpMailer({ url: url(), from: "Forum <info@forum.example>" });
    const sent = await mailer.send({
      to: "Åsa Berg <asa@example.org>",
      subject: "Kallelse till möte",
      text: "Hej Åsa,\nvälkommen.",
      html: "<p>Hej <b>Åsa</b></p>",
      messageId: "<d42.m1@forum.example>",
      headers: {
        "List-Unsubscribe": "<https://api.example.org/v1/orgs/demo/unsubscribe/16.abc>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "X-Grasrot-Mailing": "m1",
      },
    });
    mailer.close();
    expect(sent.messageId).toBe("<d42.m1@forum.example>");
    const message = received.at(-1);
    expect(message?.user).toBe("grasrot");
    expect(message?.from).toBe("info@forum.example");
    expect(message?.to).toEqual(["asa@example.org"]);
    const raw = message?.raw ?? "";
    expect(raw).toMatch(/^From: Forum <info@forum\.example>$/m);
    expect(raw).toMatch(/^To: =\?UTF-8\?Q\?=C3=85sa_Berg\?= <asa@example\.org>$/im);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?Q\?Kallelse_till_m=C3=B6te\?=$/im);
    expect(raw).toMatch(/^Message-ID: <d42\.m1@forum\.example>$/im);
    expect(raw).toContain("List-Unsubscribe: <https://api.example.org/v1/orgs/demo/unsubscribe/16.abc>");
    expect(raw).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(raw).toContain("X-Grasrot-Mailing: m1");
    expect(raw).toContain("multipart/alternative");
    expect(raw).toContain("Hej =C3=85sa,");
    expect(raw).toContain("<p>Hej <b>=C3=85sa</b></p>");
  });

  it("reports a 550 as permanent (and the address as bad), a 4xx as temporary", async () => {
    const mailer = createSmtpMailer({ url: url(), from: "info@forum.example" });
    const refused = await mailer.send({ to: "bad@example.org", subject: "x", text: "x" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MailSendError);
    expect(refused).toMatchObject({ permanent: true, suppressAddress: true });
    const busy = await mailer.send({ to: "busy@example.org", subject: "x", text: "x" }).catch((e: unknown) => e);
    expect(busy).toMatchObject({ permanent: false, suppressAddress: false });
    mailer.close();
  });

  it("reports an unreachable server as temporary", async () => {
    const mailer = createSmtpMailer({ url: "smtp://127.0.0.1:1", from: "info@forum.example" });
    const error = await mailer.send({ to: "a@example.org", subject: "x", text: "x" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ permanent: false });
    mailer.close();
  });
});
