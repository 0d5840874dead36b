import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { tokenSecret } from "../auth/member-tokens.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Language, languageFor } from "../i18n/index.ts";
import { newId } from "../lib/ids.ts";
import { type Category, consentColumn } from "./audience.ts";

/**
 * Unsubscribe links carry `<delivery id>.<signature>`: an HMAC of the delivery id under
 * the deployment's signing key, so no token is stored for 100,000 recipients and none can
 * be guessed. The delivery says whom and which category.
 */

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(`unsubscribe:${secret}`), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, key);
  }
  return key;
}

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

async function signature(secret: string, deliveryId: number): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`delivery:${deliveryId}`));
  return base64url(mac).slice(0, 27);
}

export async function unsubscribeToken(secret: string, deliveryId: number): Promise<string> {
  return `${deliveryId.toString(36)}.${await signature(secret, deliveryId)}`;
}

/** The delivery id of a genuine token; undefined for anything else. */
export async function verifyUnsubscribeToken(secret: string, token: string): Promise<number | undefined> {
  const match = /^([0-9a-z]{1,12})\.([\w-]{27})$/.exec(token);
  if (!match) return undefined;
  const id = Number.parseInt(match[1] as string, 36);
  const expected = await signature(secret, id);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ (match[2] as string).charCodeAt(i);
  return diff === 0 ? id : undefined;
}

export const unsubscribeSecret = (db: Db, configured: string | undefined) => tokenSecret(db, configured);

export interface UnsubscribeTarget {
  deliveryId: number;
  memberId: string;
  category: Category;
  orgName: string;
  consented: boolean;
  /** The language the page speaks to them in: theirs, else the organisation's. */
  language: Language;
}

/** What a token unsubscribes from, if it is genuine and belongs to this organisation. */
export async function unsubscribeTarget(
  ctx: Pick<Ctx, "db" | "org">,
  options: { secret: string; token: string },
): Promise<UnsubscribeTarget | undefined> {
  const { db } = ctx;
  const orgId = ctx.org.id;
  const { secret, token } = options;
  const deliveryId = await verifyUnsubscribeToken(secret, token);
  if (deliveryId === undefined) return undefined;
  const d = schema.mailingDeliveries;
  const [row] = await db
    .select({
      memberId: d.memberId,
      category: schema.mailings.category,
      orgName: schema.organisations.name,
      orgLocale: schema.organisations.locale,
      member: schema.members,
    })
    .from(d)
    .innerJoin(schema.mailings, eq(schema.mailings.id, d.mailingId))
    .innerJoin(schema.organisations, eq(schema.organisations.id, d.orgId))
    .innerJoin(schema.members, eq(schema.members.id, d.memberId))
    .where(and(eq(d.id, deliveryId), eq(d.orgId, orgId)))
    .limit(1);
  if (!row || consentColumn(row.category) === null) return undefined;
  const consented =
    row.category === "newsletters"
      ? row.member.consentNewsletters
      : row.category === "meeting_summons"
        ? row.member.consentMeetingSummons
        : row.member.consentCampaignNews;
  const language = languageFor(row.member.preferredLanguage, row.orgLocale);
  return { deliveryId, memberId: row.memberId, category: row.category, orgName: row.orgName, consented, language };
}

const flagOf = {
  newsletters: "consent_newsletters",
  meeting_summons: "consent_meeting_summons",
  campaign_news: "consent_campaign_news",
} as const;

/**
 * Withdraws the member's consent to the category: the consent flag on the member is the
 * one truth sending obeys (and the member sees it in their record); a row here is the proof.
 */
export async function unsubscribe(ctx: Ctx, options: { target: UnsubscribeTarget; via: "one_click" | "page" }) {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { target, via } = options;
  const column = flagOf[target.category as keyof typeof flagOf];
  if (!column) return;
  await db.batch([
    db.run(
      sql`UPDATE ${schema.members} SET ${sql.identifier(column)} = 0, version = version + 1, updated_at = ${now.toISOString()}
          WHERE id = ${target.memberId} AND org_id = ${orgId} AND ${sql.identifier(column)} = 1`,
    ),
    db.insert(schema.mailUnsubscribes).values({
      id: newId(now),
      orgId,
      memberId: target.memberId,
      category: target.category,
      deliveryId: target.deliveryId,
      via,
      createdAt: now.toISOString(),
    }),
  ]);
}
