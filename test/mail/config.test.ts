import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.ts";
import { createMailer } from "../../src/mail/transports.ts";

describe("mail configuration", () => {
  it("defaults to the local outbox", () => {
    const config = readConfig({});
    expect(config.app.mail).toMatchObject({ transport: "outbox", perTick: 200 });
    expect(config.app.publicUrl).toBe("http://localhost:8787");
  });

  it("needs what a real transport sends with, naming each missing variable", () => {
    expect(() => readConfig({ GRASROT_MAIL_TRANSPORT: "smtp" })).toThrow(/SMTP_URL[\s\S]*GRASROT_MAIL_FROM[\s\S]*GRASROT_PUBLIC_URL/);
    expect(() =>
      readConfig({ GRASROT_MAIL_TRANSPORT: "http", GRASROT_MAIL_FROM: "a@b.example", GRASROT_PUBLIC_URL: "https://x.example" }),
    ).toThrow(/POSTMARK_SERVER_TOKEN/);
    expect(() => readConfig({ GRASROT_MAIL_TRANSPORT: "pigeon" })).toThrow(/GRASROT_MAIL_TRANSPORT/);
    expect(() => readConfig({ SMTP_URL: "http://x" })).toThrow(/SMTP_URL/);
  });

  it("reads the Postmark settings and the public URL", () => {
    const config = readConfig({
      GRASROT_MAIL_TRANSPORT: "http",
      GRASROT_MAIL_FROM: "Forum <info@forum.example>",
      GRASROT_PUBLIC_URL: "https://api.forum.example/",
      POSTMARK_SERVER_TOKEN: "token",
      POSTMARK_MESSAGE_STREAM: "broadcast",
      GRASROT_MAIL_PER_TICK: "50",
    });
    expect(config.app.publicUrl).toBe("https://api.forum.example");
    expect(config.app.mail).toEqual({
      transport: "http",
      from: "Forum <info@forum.example>",
      smtpUrl: undefined,
      postmark: { token: "token", url: "https://api.postmarkapp.com", messageStream: "broadcast" },
      perTick: 50,
    });
  });

  it("keeps SMTP out of the Worker's transports", () => {
    const config = readConfig({
      GRASROT_MAIL_TRANSPORT: "smtp",
      SMTP_URL: "smtp://a:b@h:25",
      GRASROT_MAIL_FROM: "a@b.example",
      GRASROT_PUBLIC_URL: "https://x.example",
    });
    expect(() => createMailer(config.app.mail, { db: {} as never, clock: { now: () => new Date() } })).toThrow(/only available on Node/);
  });
});
