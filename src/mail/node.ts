/** Mail transports for the Node runtime: everything ./transports.ts has, plus SMTP. */
import type { Db } from "../db/index.ts";
import type { Clock } from "../deps.ts";
import type { Mailer } from "./mailer.ts";
import type { MailSettings } from "./settings.ts";
import { createSmtpMailer } from "./smtp.ts";
import { createMailer } from "./transports.ts";

export function createNodeMailer(settings: MailSettings, deps: { db: Db; clock: Clock }): Mailer & { close?(): void } {
  if (settings.transport === "smtp") {
    if (!settings.smtpUrl) throw new Error("The smtp mail transport needs SMTP_URL");
    return createSmtpMailer({ url: settings.smtpUrl, from: settings.from });
  }
  return createMailer(settings, deps);
}
