import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Timestamps are ISO 8601 UTC strings; the database compares them as text, which orders correctly. */
const timestamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

export const organisations = sqliteTable(
  "organisations",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    timeZone: text("time_zone").notNull(),
    locale: text("locale").notNull(),
    contactEmail: text("contact_email"),
    contactPhone: text("contact_phone"),
    contactAddress: text("contact_address"),
    website: text("website"),
    /**
     * The consent of each mailing category a person gets when created without one. The
     * column default (consent) keeps the behaviour organisations had before the setting;
     * new organisations are created opting in (newsletters and campaign news off).
     */
    consentDefaultNewsletters: integer("consent_default_newsletters", { mode: "boolean" }).notNull().default(true),
    consentDefaultMeetingSummons: integer("consent_default_meeting_summons", { mode: "boolean" }).notNull().default(true),
    consentDefaultCampaignNews: integer("consent_default_campaign_news", { mode: "boolean" }).notNull().default(true),
    /** JSON object of URL patterns of the organisation's frontend (`{"event": "https://…/events/{id}"}`), for links in mail. */
    frontendUrls: text("frontend_urls").notNull().default("{}"),
    /** Bumped on every update; the ETag is derived from it so If-Match checks are atomic. */
    version: integer("version").notNull().default(1),
    ...timestamps,
  },
  (t) => [uniqueIndex("organisations_slug_unique").on(t.slug)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    role: text("role", { enum: ["admin", "staff", "readonly"] }).notNull(),
    /** The first characters of the secret, shown so people can tell their keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole secret; the secret itself is never stored. */
    secretHash: text("secret_hash").notNull(),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
    /** Bumped on every change: the ETag, for If-Match. */
    version: integer("version").notNull().default(1),
  },
  (t) => [uniqueIndex("api_keys_secret_hash_unique").on(t.secretHash), index("api_keys_org_idx").on(t.orgId, t.id)],
);

/**
 * Responses remembered for Idempotency-Key retries. `status` is null while a request holding
 * the key is still being handled, so a concurrent retry can be told to wait; the hold is a
 * lease (`locked_until`), so a key whose holder died is not stuck.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** The credential the key belongs to: two clients may pick the same key without colliding. */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    headers: text("headers"),
    body: text("body"),
    /**
     * Until when the current holder may run the request (null: no lease, a claim made before leases
     * existed). Each claim sets a later time than the one it takes over, so it also names the claim.
     */
    lockedUntil: text("locked_until"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_expires_idx").on(t.expiresAt)],
);

/**
 * Fixed-window counters of the rate limits (src/abuse/): one row per rule and key. The key
 * is a hash, so the e-mail addresses and client addresses being counted are not kept.
 */
export const rateLimitCounters = sqliteTable(
  "rate_limit_counters",
  {
    /** SHA-256 of the rule's name and the counted key (an address, a client, an API key). */
    key: text("key").primaryKey(),
    hits: integer("hits").notNull(),
    /** When the current window ends and the count starts again from nothing. */
    windowEndsAt: text("window_ends_at").notNull(),
  },
  (t) => [index("rate_limit_counters_window_idx").on(t.windowEndsAt)],
);
