import { and, desc, eq, gt, lt, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { principalScope } from "../auth/principal.ts";
import { decodeCursor, page } from "../db/cursors.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { type Expected, lostRace, requireVersion, staleVersion, versionMatches } from "../db/versions.ts";
import type { AppConfig } from "../deps.ts";
import { iso } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { conflict, type FieldError, invalidFields, notFound } from "../lib/problems.ts";
import { aboutOf, type MailingView, mailingViewOf, resolvedSubject } from "./about.ts";
import { type Audience, audienceJson, audienceOf, countAudience, hasUnsubscribeLink, sampleRecipient } from "./audience.ts";
import { cronProblem, firstRunFrom } from "./cron-expressions.ts";
import { eventExists } from "./events.ts";
import type { MailingCreateInput, MailingUpdateInput } from "./mailings.schemas.ts";
import { messageFor, parseVariables, recipientVariables } from "./render.ts";
import { templateErrors } from "./variables.ts";

type MailingRow = typeof schema.mailings.$inferSelect;
type Kind = MailingRow["kind"];
type Progress = Record<(typeof schema.mailingDeliveries.$inferSelect)["status"] | "total", number>;

export function toMailingPublic(row: MailingRow, progress: Progress | null, view: MailingView) {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    resolvedSubject: resolvedSubject(row, view),
    about: aboutOf(row, view),
    text: row.text,
    html: row.html,
    variants: variantsShown(row.variants),
    category: row.category,
    audience: audienceJson(row),
    sendAt: row.sendAt,
    recurrence: row.recurrence,
    nextOccurrenceAt: row.nextOccurrenceAt,
    seriesId: row.seriesId,
    status: row.status,
    progress,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    completedAt: row.completedAt,
  };
}

/** The variants as the API shows them: their templates, not the variables an automatic mailing keeps with each. */
function variantsShown(json: string) {
  const parsed = parseVariables(json) as unknown as Record<string, { subject: string; text: string; html?: string | null }>;
  return Object.fromEntries(
    Object.entries(parsed).map(([language, v]) => [language, { subject: v.subject, text: v.text, html: v.html ?? null }]),
  );
}

type VariantsInput = Record<string, { subject: string; text: string; html?: string | null | undefined }>;

function variantsJson(variants: VariantsInput): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(variants).map(([language, v]) => [language, { subject: v.subject, text: v.text, html: v.html ?? null }]),
    ),
  );
}

function variantErrors(kind: Kind, audienceType: string, variants: VariantsInput | undefined): FieldError[] {
  return Object.entries(variants ?? {}).flatMap(([language, v]) =>
    templateErrors(kind, audienceType, v).map((e) => ({ ...e, field: e.field.replace("body.", `body.variants.${language}.`) })),
  );
}

async function audienceErrors(db: Db, orgId: string, audience: Audience): Promise<FieldError[]> {
  if (audience.type === "group" && audience.ref) {
    const group = await db.query.groups.findFirst({
      columns: { id: true },
      where: and(eq(schema.groups.id, audience.ref), eq(schema.groups.orgId, orgId)),
    });
    if (!group) return [{ field: "body.audience.groupId", message: "is not a group of this organisation" }];
  }
  if (audience.type === "area" && audience.ref) {
    const area = await db.query.areas.findFirst({
      columns: { id: true },
      where: and(eq(schema.areas.id, audience.ref), eq(schema.areas.orgId, orgId)),
    });
    if (!area) return [{ field: "body.audience.areaId", message: "is not an area of this organisation" }];
  }
  if (audience.type === "event_registrants" && audience.ref && !(await eventExists(db, orgId, audience.ref))) {
    return [{ field: "body.audience.eventId", message: "is not an event of this organisation" }];
  }
  return [];
}

function throwIfAny(errors: FieldError[]) {
  if (errors.length > 0) {
    throw invalidFields(errors);
  }
}

function scheduleFields(sendAt: string | null, recurrence: string | null, timeZone: string, now: Date) {
  if (recurrence === null) return { nextOccurrenceAt: null };
  const problem = cronProblem(recurrence);
  if (problem) throwIfAny([{ field: "body.recurrence", message: problem }]);
  const first = firstRunFrom(recurrence, timeZone, sendAt ? new Date(Math.max(Date.parse(sendAt), now.getTime())) : now);
  if (!first) throwIfAny([{ field: "body.recurrence", message: "never matches a future time" }]);
  return { nextOccurrenceAt: first?.toISOString() ?? null };
}

/** A manual mailing, recorded as made by the caller. */
export async function createMailing(ctx: Ctx, options: { input: MailingCreateInput }) {
  const { db, org, now } = ctx;
  const { input } = options;
  const createdBy = principalScope(ctx.principal);
  const audience = audienceOf(input.audience);
  throwIfAny([
    ...templateErrors("manual", audience.type, { subject: input.subject, text: input.text, html: input.html }),
    ...variantErrors("manual", audience.type, input.variants),
    ...(await audienceErrors(db, org.id, audience)),
  ]);
  const sendAt = iso(input.sendAt);
  const recurrence = input.recurrence?.trim() || null;
  const row: MailingRow = {
    id: newId(now),
    orgId: org.id,
    kind: "manual",
    sourceKey: null,
    seriesId: null,
    subject: input.subject,
    text: input.text,
    html: input.html ?? null,
    category: input.category,
    audienceType: audience.type,
    audienceRef: audience.ref,
    variables: "{}",
    variants: variantsJson(input.variants ?? {}),
    sendAt,
    recurrence,
    ...scheduleFields(sendAt, recurrence, org.timeZone, now),
    status: sendAt || recurrence ? "scheduled" : "draft",
    materialisedAt: null,
    completedAt: null,
    createdBy,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await db.insert(schema.mailings).values(row);
  return row;
}

export async function getMailing(ctx: Pick<Ctx, "db" | "org">, id: string): Promise<MailingRow> {
  const row = await ctx.db.query.mailings.findFirst({ where: and(eq(schema.mailings.id, id), eq(schema.mailings.orgId, ctx.org.id)) });
  if (!row) throw notFound("Mailing");
  return row;
}

export async function progressOf(ctx: Pick<Ctx, "db">, mailingId: string): Promise<Progress> {
  const { db } = ctx;
  const d = schema.mailingDeliveries;
  const rows = await db.select({ status: d.status, n: sql<number>`count(*)` }).from(d).where(eq(d.mailingId, mailingId)).groupBy(d.status);
  const progress: Progress = { total: 0, pending: 0, sending: 0, sent: 0, failed: 0, suppressed: 0, cancelled: 0 };
  for (const row of rows) {
    progress[row.status] = Number(row.n);
    progress.total += Number(row.n);
  }
  return progress;
}

/** Newest first: what staff look at is what they just made or what is going out. */
export async function listMailings(
  ctx: Ctx,
  options: { status?: MailingRow["status"] | undefined; kind?: Kind | undefined; limit: number; cursor?: string | undefined },
) {
  const { db } = ctx;
  const orgId = ctx.org.id;
  const { limit, cursor, ...filter } = options;
  const m = schema.mailings;
  const before = cursor ? decodeCursor(cursor, ["string"])[0] : undefined;
  const view = await mailingViewOf(ctx);
  const rows = await db
    .select()
    .from(m)
    .where(
      and(
        eq(m.orgId, orgId),
        filter.status ? eq(m.status, filter.status) : undefined,
        filter.kind ? eq(m.kind, filter.kind) : undefined,
        before ? lt(m.id, before) : undefined,
      ),
    )
    .orderBy(desc(m.id))
    .limit(limit + 1);
  return page(
    rows,
    limit,
    (row) => toMailingPublic(row, null, view),
    (row) => [row.id],
  );
}

export async function updateMailing(ctx: Ctx, options: { id: string; input: MailingUpdateInput; expected: Expected }) {
  const { db, org, now } = ctx;
  const { id, input, expected } = options;
  const current = await getMailing(ctx, id);
  requireVersion(expected, current.version);
  if (current.status !== "draft" && current.status !== "scheduled") {
    throw conflict(`A mailing that is ${current.status} cannot be changed.`);
  }
  const audience = input.audience ? audienceOf(input.audience) : { type: current.audienceType, ref: current.audienceRef };
  const merged = {
    subject: input.subject ?? current.subject,
    text: input.text ?? current.text,
    html: input.html !== undefined ? input.html : current.html,
  };
  throwIfAny([
    ...templateErrors(current.kind, audience.type, merged),
    ...variantErrors(current.kind, audience.type, input.variants),
    ...(input.audience ? await audienceErrors(db, org.id, audience) : []),
  ]);
  const sendAt = input.sendAt !== undefined ? iso(input.sendAt) : current.sendAt;
  const recurrence = input.recurrence !== undefined ? input.recurrence?.trim() || null : current.recurrence;
  const status = input.status ?? current.status;
  if (status === "scheduled" && !sendAt && !recurrence) {
    throwIfAny([{ field: "body.status", message: "a scheduled mailing needs sendAt or recurrence" }]);
  }
  const [row] = await db
    .update(schema.mailings)
    .set({
      ...merged,
      ...(input.variants !== undefined && { variants: variantsJson(input.variants) }),
      category: input.category ?? current.category,
      audienceType: audience.type,
      audienceRef: audience.ref,
      sendAt,
      recurrence,
      ...scheduleFields(sendAt, recurrence, org.timeZone, now),
      status,
      version: sql`${schema.mailings.version} + 1`,
      updatedAt: now.toISOString(),
    })
    // The version and status guard: a tick that started sending meanwhile wins.
    .where(and(eq(schema.mailings.id, id), eq(schema.mailings.version, current.version), eq(schema.mailings.status, current.status)))
    .returning();
  if (!row) throw staleVersion();
  return row;
}

/** Stops a mailing: a draft or scheduled one never goes; a sending one stops where it is. */
export async function cancelMailing(ctx: Ctx, options: { id: string; expected: Expected }) {
  const { db, now } = ctx;
  const { id, expected } = options;
  const current = await getMailing(ctx, id);
  requireVersion(expected, current.version);
  if (current.status === "cancelled") return current;
  if (current.status === "sent") throw conflict("The mailing has already been sent.");
  const d = schema.mailingDeliveries;
  const [row] = await db.batch([
    db
      .update(schema.mailings)
      .set({ status: "cancelled", nextOccurrenceAt: null, version: sql`${schema.mailings.version} + 1`, updatedAt: now.toISOString() })
      .where(and(eq(schema.mailings.id, id), eq(schema.mailings.status, current.status), versionMatches(schema.mailings.version, expected)))
      .returning(),
    // Only once the mailing is cancelled, so a refused cancellation changes nothing.
    db
      .update(d)
      .set({ status: "cancelled", leaseUntil: null })
      .where(
        and(
          eq(d.mailingId, id),
          eq(d.status, "pending"),
          sql`(SELECT ${schema.mailings.status} FROM ${schema.mailings} WHERE ${schema.mailings.id} = ${id}) = 'cancelled'`,
        ),
      ),
  ]);
  if (!row[0]) throw lostRace(expected, () => conflict("The mailing changed meanwhile; read it again."));
  return row[0];
}

export async function listDeliveries(
  ctx: Ctx,
  options: { mailingId: string; status?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const { db } = ctx;
  const { mailingId, status, limit, cursor } = options;
  const d = schema.mailingDeliveries;
  const after = cursor ? decodeCursor(cursor, ["number"])[0] : undefined;
  const rows = await db
    .select()
    .from(d)
    .where(
      and(
        eq(d.mailingId, mailingId),
        status ? eq(d.status, status as "sent") : undefined,
        after !== undefined ? gt(d.id, after) : undefined,
      ),
    )
    .orderBy(d.id)
    .limit(limit + 1);
  return page(
    rows,
    limit,
    (row) => ({
      id: row.id,
      memberId: row.memberId,
      email: row.email,
      status: row.status,
      reason: row.reason,
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt,
      messageId: row.messageId,
      sentAt: row.sentAt,
    }),
    (row) => [row.id],
  );
}

/** Who would get it if it went now, and what the first of them would read. */
export async function previewMailing(ctx: Ctx, options: { row: MailingRow; config: Pick<AppConfig, "publicUrl" | "mail"> }) {
  const { db, org, day } = ctx;
  const { row, config } = options;
  const audience = { orgId: org.id, category: row.category, audience: { type: row.audienceType, ref: row.audienceRef }, day };
  const counts = await countAudience(db, audience);
  const sample = await sampleRecipient(db, audience);
  if (!sample) return { recipients: counts.mailed, audienceSize: counts.total, sample: null };
  const member = await db.query.members.findFirst({ where: eq(schema.members.id, sample.id) });
  const group = sample.group_id
    ? await db.query.groups.findFirst({ columns: { name: true }, where: eq(schema.groups.id, sample.group_id) })
    : undefined;
  const orgRow = await db.query.organisations.findFirst({
    columns: { name: true, locale: true },
    where: eq(schema.organisations.id, org.id),
  });
  const unsubscribeUrl = hasUnsubscribeLink(row.category) ? `${config.publicUrl}/v1/orgs/${org.slug}/unsubscribe/preview` : undefined;
  const recipient = {
    deliveryId: 0,
    name: member?.name ?? null,
    email: member?.email ?? "",
    memberNumber: member?.memberNumber ?? "",
    groupName: group?.name ?? null,
    language: member?.preferredLanguage ?? null,
  };
  const message = messageFor(
    { ...row, orgLocale: orgRow?.locale ?? "en" },
    {
      own: parseVariables(row.variables),
      recipient,
      recipientVars: recipientVariables({ name: orgRow?.name ?? "" }, recipient, unsubscribeUrl ?? ""),
      from: config.mail.from,
      unsubscribeUrl,
      publicUrl: config.publicUrl,
    },
  );
  return {
    recipients: counts.mailed,
    audienceSize: counts.total,
    sample: { to: message.to, subject: message.subject, text: message.text, html: message.html ?? null, headers: message.headers ?? {} },
  };
}
