import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { campaigns, events } from "./events.ts";
import { groups } from "./groups.ts";
import { members } from "./members.ts";
import { organisations } from "./platform.ts";

export const signupPurposes = ["newsletter", "event"] as const;

/**
 * A public sign-up waiting for its e-mailed confirmation (double opt-in). Nothing of it is a
 * person or a consent until it is confirmed; unconfirmed rows expire and are purged.
 */
export const signups = sqliteTable(
  "signups",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** The address lower-cased, as members' `email_key`. */
    emailKey: text("email_key").notNull(),
    /** SHA-256 of the token in the confirmation link; the token itself is never stored. */
    tokenHash: text("token_hash").notNull(),
    purpose: text("purpose", { enum: signupPurposes }).notNull(),
    /** JSON of what was asked for: the address as written, name, language, consents, event and occurrence. */
    request: text("request").notNull(),
    /** The code of the recruitment link the sign-up came through, if any. */
    ref: text("ref"),
    expiresAt: text("expires_at").notNull(),
    confirmedAt: text("confirmed_at"),
    /** The person the confirmation found or created. */
    personId: text("person_id").references(() => members.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("signups_token_unique").on(t.tokenHash), index("signups_expiry_idx").on(t.expiresAt)],
);

/** A group's recruitment link: a short code given out, which attributes those who sign up with it to the group. */
export const recruitmentLinks = sqliteTable(
  "recruitment_links",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    eventId: text("event_id").references(() => events.id, { onDelete: "set null" }),
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
    /** Where the link sends people: the frontend's sign-up page; null for the API's sign-up path. */
    signupUrl: text("signup_url"),
    revokedAt: text("revoked_at"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("recruitment_links_code_unique").on(t.orgId, t.code), index("recruitment_links_group_idx").on(t.groupId, t.id)],
);
