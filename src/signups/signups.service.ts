import { and, eq, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { emailKeyOf } from "../auth/sign-in.service.ts";
import { constraintViolation } from "../db/errors.ts";
import { type Db, schema } from "../db/index.ts";
import { runBatch, type Statement } from "../db/sql.ts";
import { getVisibleEvent } from "../events/events.service.ts";
import { openUnit, registrableUnit, registrationInsert } from "../events/registrations.service.ts";
import type { EventRow } from "../events/series.ts";
import { type Language, languageFor, translate } from "../i18n/index.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { newId } from "../lib/ids.ts";
import { ApiError, conflict, invalid, notFound } from "../lib/problems.ts";
import type { Mailer } from "../mail/mailer.ts";
import { searchKey } from "../members/members.queries.ts";
import { personInsertStatements } from "../members/members.service.ts";
import { webhookEvent } from "../webhooks/events.ts";
import type { SignupConsentsInput, SignupInput } from "./signups.schemas.ts";

/** How long a confirmation link works. */
export const signupTtlHours = 48;
/** How long a confirmed sign-up is kept, so that following its link again still says "confirmed". */
export const confirmedSignupKeptDays = 30;

const su = schema.signups;
type SignupRow = typeof su.$inferSelect;

/** What a sign-up asked for, kept as JSON on the row until it is confirmed. */
interface Asked {
  email: string;
  name: string | null;
  preferredLanguage: string | null;
  consents: Required<SignupConsentsInput>;
  eventId: string | null;
  occurrenceStart: string | null;
}

export interface PendingSignup {
  token: string;
  email: string;
  name: string | null;
  language: Language;
  orgName: string;
  eventTitle: string | null;
}

async function organisationOf(db: Db, orgId: string) {
  const [org] = await db
    .select({ name: schema.organisations.name, locale: schema.organisations.locale })
    .from(schema.organisations)
    .where(eq(schema.organisations.id, orgId));
  if (!org) throw notFound("Organisation");
  return org;
}

/** The active recruitment link of this organisation with the code, or a 422 on `body.ref`. */
async function requireActiveLink(ctx: Ctx, code: string) {
  const rl = schema.recruitmentLinks;
  const [link] = await ctx.db
    .select({ id: rl.id })
    .from(rl)
    .where(and(eq(rl.orgId, ctx.org.id), eq(rl.code, code), isNull(rl.revokedAt)))
    .limit(1);
  if (!link) throw invalid("body.ref", "is not an active recruitment link of this organisation");
}

/**
 * Stores a pending sign-up and returns what its confirmation mail needs. The same happens
 * whatever the address — a member's, a contact's, or one never seen — so neither the answer nor
 * the statements tell them apart. An event must be open to the public (404 otherwise, as to
 * anyone without a key) and take registrations now.
 */
export async function createSignup(ctx: Ctx, options: { input: SignupInput }): Promise<PendingSignup> {
  const { db, org, now } = ctx;
  const { input } = options;
  let event: EventRow | undefined;
  if (input.purpose === "event") {
    if (input.eventId === undefined) throw invalid("body.eventId", "is required to sign up for an event");
    event = await getVisibleEvent(ctx, input.eventId);
    if (event.visibility !== "public") throw notFound("Event");
    await openUnit(ctx, { event, occurrenceStart: input.occurrenceStart, field: "body.occurrenceStart" });
  } else {
    if (input.eventId !== undefined) throw invalid("body.eventId", "is only for sign-ups to an event");
    if (input.occurrenceStart !== undefined) throw invalid("body.occurrenceStart", "is only for sign-ups to an event");
  }
  if (input.ref !== undefined) await requireActiveLink(ctx, input.ref);
  const consents = {
    newsletters: input.purpose === "newsletter" || input.consents?.newsletters === true,
    meetingSummons: input.consents?.meetingSummons === true,
    campaignNews: input.consents?.campaignNews === true,
  };
  const asked: Asked = {
    email: input.email,
    name: input.name ?? null,
    preferredLanguage: input.preferredLanguage ?? null,
    consents,
    eventId: event?.id ?? null,
    occurrenceStart: input.occurrenceStart === undefined ? null : new Date(input.occurrenceStart).toISOString(),
  };
  const token = randomToken(32);
  await db.insert(su).values({
    id: newId(now),
    orgId: org.id,
    emailKey: emailKeyOf(input.email),
    tokenHash: await sha256Hex(token),
    purpose: input.purpose,
    request: JSON.stringify(asked),
    ref: input.ref ?? null,
    expiresAt: new Date(now.getTime() + signupTtlHours * 3600 * 1000).toISOString(),
    createdAt: now.toISOString(),
  });
  const organisation = await organisationOf(db, org.id);
  return {
    token,
    email: input.email,
    name: asked.name,
    language: languageFor(asked.preferredLanguage, organisation.locale),
    orgName: organisation.name,
    eventTitle: event?.title ?? null,
  };
}

/** What a sign-up is for, in the person's language: "the newsletter", "“Public lecture”". */
export function signupPurposeText(language: Language, eventTitle: string | null): string {
  return eventTitle === null
    ? translate(language, "signup.newsletter")
    : translate(language, "signup.event", { "event.title": eventTitle });
}

/** Mails the confirmation link; run after the response, like a sign-in code. */
export async function mailSignupConfirmation(ctx: Ctx, options: { mailer: Mailer; pending: PendingSignup; link: string }) {
  const { mailer, pending, link } = options;
  const { language } = pending;
  const variables = {
    "org.name": pending.orgName,
    "event.title": pending.eventTitle,
    name: pending.name,
    what: signupPurposeText(language, pending.eventTitle),
    url: link,
    hours: signupTtlHours,
  };
  const greeting = translate(language, pending.name ? "signup.greetingNamed" : "signup.greeting", variables);
  await mailer.send({
    to: pending.email,
    orgId: ctx.org.id,
    subject: translate(language, pending.eventTitle === null ? "signup.subject.newsletter" : "signup.subject.event", variables),
    text: translate(language, "signup.text", { ...variables, greeting }),
    // Whoever holds the link confirms in the person's name: staff reading the outbox must not.
    secrets: [pending.token],
  });
}

export const signupExpired = () => new ApiError("gone", `This confirmation link expired after ${signupTtlHours} hours; sign up again.`);

/** The sign-up of a token, in this organisation; 404 for a token never issued here (or purged). */
async function signupOf(ctx: Ctx, token: string): Promise<SignupRow> {
  const row = await ctx.db.query.signups.findFirst({
    where: and(eq(su.orgId, ctx.org.id), eq(su.tokenHash, await sha256Hex(token))),
  });
  if (!row) throw notFound("Sign-up");
  return row;
}

export interface SignupView {
  purpose: SignupRow["purpose"];
  orgName: string;
  language: Language;
  eventTitle: string | null;
  confirmedAt: string | null;
  expired: boolean;
}

/** What a confirmation page shows of a token: for what, in which language, and whether it is done or expired. */
export async function viewSignup(ctx: Ctx, options: { token: string }): Promise<SignupView> {
  const row = await signupOf(ctx, options.token);
  const asked = JSON.parse(row.request) as Asked;
  const organisation = await organisationOf(ctx.db, ctx.org.id);
  const event = asked.eventId ? await ctx.db.query.events.findFirst({ where: eq(schema.events.id, asked.eventId) }) : undefined;
  return {
    purpose: row.purpose,
    orgName: organisation.name,
    language: languageFor(asked.preferredLanguage, organisation.locale),
    eventTitle: event?.title ?? null,
    confirmedAt: row.confirmedAt,
    expired: row.confirmedAt === null && row.expiresAt <= ctx.now.toISOString(),
  };
}

const consentColumns = {
  newsletters: "consent_newsletters",
  meetingSummons: "consent_meeting_summons",
  campaignNews: "consent_campaign_news",
} as const;

/** The result of a confirmation, as the API answers it (the same the second time). */
async function confirmedView(ctx: Ctx, row: SignupRow) {
  const asked = JSON.parse(row.request) as Asked;
  const reg = schema.eventRegistrations;
  const [registration] =
    asked.eventId && row.personId
      ? await ctx.db
          .select({ status: reg.status })
          .from(reg)
          .where(and(eq(reg.eventId, asked.eventId), eq(reg.memberId, row.personId), eq(reg.occurrenceStart, asked.occurrenceStart ?? "")))
          .orderBy(sql`${reg.status} = 'cancelled'`, sql`${reg.createdAt} DESC`)
          .limit(1)
      : [];
  return {
    status: "confirmed" as const,
    purpose: row.purpose,
    eventId: asked.eventId,
    occurrenceStart: asked.occurrenceStart,
    registrationStatus: registration?.status ?? null,
    confirmedAt: row.confirmedAt ?? ctx.now.toISOString(),
  };
}

/**
 * Confirms a sign-up: in one batch, the person with the address (member or contact) is found
 * or created as a contact, the consents asked for are set, the event registration made (a guest's
 * when not a member: the event's capacity and waiting list as for anyone), and a recruitment link
 * attributes a new contact to its group. Every statement leaves alone what is already there, so a
 * second confirmation, even at the same moment, changes nothing. Expired: 410; unknown: 404.
 */
export async function confirmSignup(ctx: Ctx, options: { token: string }) {
  const row = await signupOf(ctx, options.token);
  if (row.confirmedAt !== null) return confirmedView(ctx, row);
  if (row.expiresAt <= ctx.now.toISOString()) throw signupExpired();
  try {
    await applySignup(ctx, row);
  } catch (error) {
    // Two confirmations of one new address at once: the second meets the first's contact.
    if (constraintViolation(error) !== "unique") throw error;
    await applySignup(ctx, await signupOf(ctx, options.token));
  }
  return confirmedView(ctx, await signupOf(ctx, options.token));
}

async function applySignup(ctx: Ctx, row: SignupRow) {
  const { db, org, now } = ctx;
  if (row.confirmedAt !== null) return;
  const asked = JSON.parse(row.request) as Asked;
  const m = schema.members;
  const existing = await db.query.members.findFirst({
    columns: { id: true, enrolled: true },
    where: and(eq(m.orgId, org.id), eq(m.emailKey, row.emailKey), isNull(m.erasedAt)),
  });
  const personId = existing?.id ?? newId(now);
  const stamp = now.toISOString();

  let registration: Statement[] = [];
  if (asked.eventId !== null) {
    const event = await db.query.events.findFirst({ where: and(eq(schema.events.orgId, org.id), eq(schema.events.id, asked.eventId)) });
    if (event?.visibility !== "public") throw conflict("The event is no longer open to the public.", { reason: "not_public" });
    const unit = await registrableUnit(ctx, {
      event,
      occurrenceStart: asked.occurrenceStart ?? undefined,
      field: "token",
      memberId: personId,
    });
    const registrationId = newId(now);
    registration = [
      registrationInsert(ctx, { id: registrationId, event, unitKey: unit.key, memberId: personId, note: null, ifAbsent: true }),
      // Told only when the registration is new: the statement right before it inserted a row.
      ...webhookEvent({ db, orgId: org.id, now }, "registration.created", registrationId, { ifChanged: true }),
    ];
  }

  const asks = (Object.keys(consentColumns) as (keyof typeof consentColumns)[]).filter((key) => asked.consents[key]);
  const person = existing
    ? asks.length > 0
      ? [
          db.run(sql`UPDATE ${m} SET ${sql.join(
            asks.map((key) => sql`${sql.identifier(consentColumns[key])} = 1`),
            sql`, `,
          )}, version = version + 1, updated_at = ${stamp}
            WHERE id = ${personId} AND (${sql.join(
              asks.map((key) => sql`${sql.identifier(consentColumns[key])} = 0`),
              sql` OR `,
            )})`),
        ]
      : []
    : personInsertStatements(ctx, {
        id: personId,
        enrolled: false,
        source: "signup",
        columns: {
          name: asked.name,
          nameKey: asked.name === null ? null : searchKey(asked.name),
          email: asked.email,
          emailKey: row.emailKey,
          preferredLanguage: asked.preferredLanguage,
          consentNewsletters: asked.consents.newsletters,
          consentMeetingSummons: asked.consents.meetingSummons,
          consentCampaignNews: asked.consents.campaignNews,
        },
      });

  // A link attributes people it brought in, never an enrolled member; an attribution already made stays.
  const rl = schema.recruitmentLinks;
  const attribution =
    row.ref !== null && !existing?.enrolled
      ? [
          db.run(sql`INSERT INTO ${schema.recruitments} (member_id, org_id, group_id, event_id, campaign_id, source, reference, recruited_on, version, created_at, updated_at)
            SELECT ${personId}, ${org.id}, ${rl.groupId}, ${rl.eventId}, ${rl.campaignId}, 'recruitment_link', ${rl.code}, ${ctx.day}, 1, ${stamp}, ${stamp}
            FROM ${rl} WHERE ${rl.orgId} = ${org.id} AND ${rl.code} = ${row.ref} AND ${rl.revokedAt} IS NULL
            ON CONFLICT DO NOTHING`),
        ]
      : [];

  // The sign-up is marked last: it names the person, who must exist by then.
  const marked = db.run(
    sql`UPDATE ${su} SET confirmed_at = ${stamp}, person_id = ${personId} WHERE id = ${row.id} AND confirmed_at IS NULL`,
  );
  const statements: Statement[] = [...person, ...registration, ...attribution];
  await runBatch(db, [...statements, marked]);
}

/** Forgets sign-ups never confirmed once expired, and confirmed ones after a while (the daily housekeeping job). */
export async function purgeSignups(db: Db, now: Date): Promise<number> {
  const keptSince = new Date(now.getTime() - confirmedSignupKeptDays * 24 * 3600 * 1000).toISOString();
  const removed = await db
    .delete(su)
    .where(
      or(and(isNull(su.confirmedAt), lte(su.expiresAt, now.toISOString())), and(isNotNull(su.confirmedAt), lte(su.confirmedAt, keptSince))),
    )
    .returning({ id: su.id });
  return removed.length;
}
