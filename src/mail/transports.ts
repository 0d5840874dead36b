import type { Db } from "../db/index.ts";
import type { Clock } from "../deps.ts";
import { createNullMailer, type Mailer } from "./mailer.ts";
import { createOutboxMailer } from "./outbox.ts";
import { createPostmarkMailer } from "./postmark.ts";
import type { MailSettings } from "./settings.ts";

/**
 * The transports that run anywhere (Node and Workers). SMTP needs TCP sockets through
 * nodemailer and is made by ./node.ts, which only the Node entry imports.
 */
export function createMailer(settings: MailSettings, deps: { db: Db; clock: Clock }): Mailer {
  switch (settings.transport) {
    case "outbox":
      return createOutboxMailer(deps.db, deps.clock, settings.from);
    case "null":
      return createNullMailer();
    case "http": {
      if (!settings.postmark) throw new Error("The http mail transport needs POSTMARK_SERVER_TOKEN");
      return createPostmarkMailer({ ...settings.postmark, from: settings.from });
    }
    case "smtp":
      throw new Error("The smtp mail transport is only available on Node (npm start); on Workers use http");
  }
}
