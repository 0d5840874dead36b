import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { insertJsonRows, runLongBatch } from "../db/sql.ts";
import type { Clock } from "../deps.ts";
import { newId } from "../lib/ids.ts";
import { pacer } from "../lib/yield.ts";
import type { Mailer, MailMessage, SendOutcome } from "./mailer.ts";
import { buildRawMessage, domainOf, messageHeaders } from "./mime.ts";

/**
 * The local transport of the embedded default and of development: nothing leaves the
 * machine; every message is kept whole (headers, text, HTML, raw .eml) in the database
 * and read through `GET /v1/orgs/{org}/outbox`, where its secrets (a sign-in code) are
 * shown to admins only.
 */
export function createOutboxMailer(db: Db, clock: Clock, from: string): Mailer {
  const rowOf = (message: MailMessage) => {
    const id = newId(clock.now());
    const sender = message.from ?? from;
    const messageId = message.messageId ?? `<${id}@${domainOf(sender)}>`;
    const headers = messageHeaders({ ...message, from: sender, messageId }, clock.now());
    return {
      id,
      orgId: message.orgId ?? null,
      to: message.to,
      from: sender,
      subject: message.subject,
      messageId,
      headers: JSON.stringify(headers),
      text: message.text,
      html: message.html ?? null,
      raw: buildRawMessage(headers, message.text, message.html, id),
      secrets: message.secrets?.length ? JSON.stringify(message.secrets) : null,
      createdAt: clock.now().toISOString(),
    };
  };
  return {
    transport: "outbox",
    // One insert per batch (every statement counts: on Workers each is a subrequest), its rows
    // bound as one JSON parameter: 12,000 parameters took longer to build than to write.
    batchSize: 1000,
    async send(message) {
      const row = rowOf(message);
      await db.insert(schema.mailOutbox).values(row);
      return { messageId: row.messageId };
    },
    async sendBatch(messages): Promise<SendOutcome[]> {
      if (messages.length === 0) return [];
      // Built a slice at a time: a round's 1,000 whole messages take some 20 ms.
      const pace = pacer();
      const rows: ReturnType<typeof rowOf>[] = [];
      for (const message of messages) {
        rows.push(rowOf(message));
        await pace();
      }
      // A long batch: on the embedded file, the thousand rows are written off the event loop (40 ms on it).
      await runLongBatch(db, [insertJsonRows(db, schema.mailOutbox, rows)]);
      return rows.map((row) => ({ ok: true, messageId: row.messageId }));
    },
  };
}
