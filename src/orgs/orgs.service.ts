import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Expected, staleVersion, versionMatches } from "../db/versions.ts";
import { newApiKey, toApiKeyPublic } from "../keys/keys.service.ts";
import { newId } from "../lib/ids.ts";
import { conflict, notFound } from "../lib/problems.ts";
import { mergeFrontendUrls, parseFrontendUrls } from "./frontend-urls.ts";
import type { OrganisationCreateInput, OrganisationUpdateInput } from "./orgs.schemas.ts";

type OrgRow = typeof schema.organisations.$inferSelect;

export function toOrganisationPublic(row: OrgRow) {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timeZone: row.timeZone,
    locale: row.locale,
    contact: { email: row.contactEmail, phone: row.contactPhone, address: row.contactAddress, website: row.website },
    consentDefaults: {
      newsletters: row.consentDefaultNewsletters,
      meetingSummons: row.consentDefaultMeetingSummons,
      campaignNews: row.consentDefaultCampaignNews,
    },
    frontendUrls: parseFrontendUrls(row.frontendUrls),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The context's organisation, as stored. */
export async function getOrganisation(ctx: Ctx): Promise<OrgRow> {
  const row = await ctx.db.query.organisations.findFirst({ where: eq(schema.organisations.id, ctx.org.id) });
  if (!row) throw notFound("Organisation");
  return row;
}

function contactColumns(contact: OrganisationUpdateInput["contact"]) {
  if (!contact) return {};
  return {
    ...(contact.email !== undefined && { contactEmail: contact.email }),
    ...(contact.phone !== undefined && { contactPhone: contact.phone }),
    ...(contact.address !== undefined && { contactAddress: contact.address }),
    ...(contact.website !== undefined && { website: contact.website }),
  };
}

function consentDefaultColumns(defaults: OrganisationUpdateInput["consentDefaults"]) {
  if (!defaults) return {};
  return {
    ...(defaults.newsletters !== undefined && { consentDefaultNewsletters: defaults.newsletters }),
    ...(defaults.meetingSummons !== undefined && { consentDefaultMeetingSummons: defaults.meetingSummons }),
    ...(defaults.campaignNews !== undefined && { consentDefaultCampaignNews: defaults.campaignNews }),
  };
}

/** The stored patterns with the update applied, in SQL: the update reads no row first. */
function mergedFrontendUrlsSql(update: Partial<Record<string, string | null>>) {
  const set = Object.entries(update).filter((e): e is [string, string] => typeof e[1] === "string");
  const removed = Object.entries(update)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  let value = sql`${schema.organisations.frontendUrls}`;
  if (removed.length > 0)
    value = sql`json_remove(${value}, ${sql.join(
      removed.map((k) => sql`${`$.${k}`}`),
      sql`, `,
    )})`;
  if (set.length > 0)
    value = sql`json_set(${value}, ${sql.join(
      set.map(([k, v]) => sql`${`$.${k}`}, ${v}`),
      sql`, `,
    )})`;
  return value;
}

/** Applies a partial update; with `expected` set, only if the version is still that one (If-Match). */
export async function updateOrganisation(ctx: Ctx, options: { input: OrganisationUpdateInput; expected: Expected }) {
  const { db, now } = ctx;
  const id = ctx.org.id;
  const { input, expected } = options;
  const [row] = await db
    .update(schema.organisations)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
      ...(input.locale !== undefined && { locale: input.locale }),
      ...contactColumns(input.contact),
      ...consentDefaultColumns(input.consentDefaults),
      ...(input.frontendUrls !== undefined && {
        frontendUrls: sql`${mergedFrontendUrlsSql(input.frontendUrls)}`,
      }),
      version: sql`${schema.organisations.version} + 1`,
      updatedAt: now.toISOString(),
    })
    .where(and(eq(schema.organisations.id, id), versionMatches(schema.organisations.version, expected)))
    .returning();
  if (!row) {
    await getOrganisation(ctx);
    throw staleVersion();
  }
  return row;
}

/** Creates an organisation together with its first admin key, atomically: the operator's work, outside any organisation. */
export async function createOrganisation(db: Db, input: OrganisationCreateInput & { adminSecret?: string }, now: Date) {
  const taken = await db.query.organisations.findFirst({ columns: { id: true }, where: eq(schema.organisations.slug, input.slug) });
  if (taken) throw conflict(`The slug '${input.slug}' is already taken.`);
  const org: OrgRow = {
    id: newId(now),
    slug: input.slug,
    name: input.name,
    timeZone: input.timeZone,
    locale: input.locale,
    contactEmail: input.contact?.email ?? null,
    contactPhone: input.contact?.phone ?? null,
    contactAddress: input.contact?.address ?? null,
    website: input.contact?.website ?? null,
    // A new organisation asks before it sends news: opt-in, unless its creator says otherwise.
    consentDefaultNewsletters: input.consentDefaults?.newsletters ?? false,
    consentDefaultMeetingSummons: input.consentDefaults?.meetingSummons ?? true,
    consentDefaultCampaignNews: input.consentDefaults?.campaignNews ?? false,
    frontendUrls: mergeFrontendUrls("{}", input.frontendUrls ?? {}),
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const key = await newApiKey({ orgId: org.id, name: input.adminKeyName, role: "admin", now, secret: input.adminSecret });
  await db.batch([db.insert(schema.organisations).values(org), db.insert(schema.apiKeys).values(key.row)]);
  return { organisation: org, adminKey: { ...toApiKeyPublic(key.row), secret: key.secret } };
}

/** Every organisation of the deployment, by slug: for the operator, outside any organisation. */
export async function listOrganisations(db: Db, options: { limit: number; cursor?: string }) {
  const { limit, cursor } = options;
  const after = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const rows = await db
    .select()
    .from(schema.organisations)
    .where(after ? gt(schema.organisations.slug, after) : undefined)
    .orderBy(asc(schema.organisations.slug))
    .limit(limit + 1);
  return page(rows, limit, toOrganisationPublic, (row) => [row.slug]);
}

export async function countOrganisations(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(schema.organisations);
  return Number(row?.n ?? 0);
}
