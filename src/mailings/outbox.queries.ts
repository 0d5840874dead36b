import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import type { Principal } from "../auth/principal.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import { schema } from "../db/index.ts";
import { notFound } from "../lib/problems.ts";
import { buildRawMessage } from "../mail/mime.ts";

const o = schema.mailOutbox;

type OutboxRow = typeof o.$inferSelect;

export const hiddenSecret = "[hidden]";

/**
 * A message as a reader other than an admin may see it: the recipient's secrets (a sign-in
 * code, and with it the link that carries it) hidden in every part, the raw message rebuilt
 * from the hidden parts. Outbox rows exist only where the outbox is the transport, a
 * deployment whose mail never leaves: there an admin may read codes to sign members in while
 * developing, as an admin could make any member's address their own anyway.
 */
function asSeenBy(principal: Principal, row: OutboxRow): OutboxRow {
  if (principal.kind === "api_key" && principal.role === "admin") return row;
  const secrets = row.secrets ? (JSON.parse(row.secrets) as string[]).filter((secret) => secret.length > 0) : [];
  if (secrets.length === 0) return row;
  const hide = (value: string) => secrets.reduce((out, secret) => out.replaceAll(secret, hiddenSecret), value);
  const headers = Object.fromEntries(
    Object.entries(JSON.parse(row.headers) as Record<string, string>).map(([name, value]) => [name, hide(value)]),
  );
  const text = hide(row.text);
  const html = row.html === null ? null : hide(row.html);
  return {
    ...row,
    subject: hide(row.subject),
    headers: JSON.stringify(headers),
    text,
    html,
    raw: buildRawMessage(headers, text, html ?? undefined, row.id),
  };
}

/** `Name <address>`, `"Name" <address>` or a bare address, as the one shape the API gives. */
export function recipientOf(to: string): { to: string; toName: string | null } {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(to);
  if (!match) return { to: to.trim(), toName: null };
  const name = (match[1] ?? "").replace(/^"(.*)"$/, "$1").trim();
  return { to: (match[2] ?? "").trim(), toName: name === "" ? null : name };
}

const mailingHeader = "X-Grasrot-Mailing";
const mailingOf = sql`json_extract(${o.headers}, ${`$."${mailingHeader}"`})`;

const summary = (row: OutboxRow) => ({
  id: row.id,
  ...recipientOf(row.to),
  mailingId: (JSON.parse(row.headers) as Record<string, string>)[mailingHeader] ?? null,
  from: row.from,
  subject: row.subject,
  messageId: row.messageId,
  createdAt: row.createdAt,
});

/** Kept messages, newest first, as the caller may see them. */
export async function listOutbox(ctx: Ctx, options: { limit: number; cursor?: string; to?: string; mailingId?: string }) {
  const { limit, cursor, to, mailingId } = options;
  const before = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const rows = await ctx.db
    .select()
    .from(o)
    .where(
      and(
        eq(o.orgId, ctx.org.id),
        before ? lt(o.id, before) : undefined,
        // The address alone, or as `Name <address>`: both shapes the transport kept.
        to ? sql`(lower(${o.to}) = lower(${to}) OR substr(lower(${o.to}), -(length(${to}) + 2)) = '<' || lower(${to}) || '>')` : undefined,
        mailingId ? sql`${mailingOf} = ${mailingId}` : undefined,
      ),
    )
    .orderBy(desc(o.id))
    .limit(limit + 1);
  return page(
    rows,
    limit,
    (row) => summary(asSeenBy(ctx.principal, row)),
    (row) => [row.id],
  );
}

/** One kept message whole, as the caller may see it. */
export async function outboxMessage(ctx: Ctx, id: string) {
  const found = await ctx.db.query.mailOutbox.findFirst({ where: and(eq(o.id, id), eq(o.orgId, ctx.org.id)) });
  if (!found) throw notFound("Message");
  const row = asSeenBy(ctx.principal, found);
  return { ...summary(row), headers: JSON.parse(row.headers) as Record<string, string>, text: row.text, html: row.html, raw: row.raw };
}
