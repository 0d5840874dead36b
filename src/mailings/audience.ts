import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { allLong } from "../db/long-reads.ts";
import { statusSql } from "../members/status.ts";
import { eventAudience } from "./events.ts";
import type { AudienceInput, AudienceShown } from "./mailings.schemas.ts";

type MailingRow = typeof schema.mailings.$inferSelect;

export type Category = (typeof schema.mailings.$inferSelect)["category"];
export type AudienceType = (typeof schema.mailings.$inferSelect)["audienceType"];

export interface Audience {
  type: AudienceType;
  ref: string | null;
}

const m = schema.members;

/** The consent flag a category obeys; null for categories that ignore consent. */
export function consentColumn(category: Category): SQL | null {
  switch (category) {
    case "newsletters":
      return sql`${m.consentNewsletters}`;
    case "meeting_summons":
      return sql`${m.consentMeetingSummons}`;
    case "campaign_news":
      return sql`${m.consentCampaignNews}`;
    default:
      return null;
  }
}

export const hasUnsubscribeLink = (category: Category) => consentColumn(category) !== null;

/**
 * Who an audience is, as a condition on `members` and the group each recipient is
 * addressed as. Everyone must be a member on the day (current or in grace) and not erased;
 * event registrants are whoever the event module says; subscribers are every person with
 * the newsletter consent, members or contacts.
 */
export function audienceSql(orgId: string, audience: Audience, day: string): { where: SQL; group: SQL } {
  const gm = schema.groupMemberships;
  const member = sql`(${statusSql(day)}) IN ('current', 'grace') AND ${m.erasedAt} IS NULL AND ${m.orgId} = ${orgId}`;
  const ref = audience.ref ?? "";
  switch (audience.type) {
    case "all_members":
      return { where: member, group: sql`${m.districtGroupId}` };
    case "area":
      return { where: sql`${member} AND ${m.areaId} = ${ref}`, group: sql`${m.districtGroupId}` };
    case "group":
      return {
        where: sql`${member} AND (${m.districtGroupId} = ${ref} OR EXISTS (SELECT 1 FROM ${gm} WHERE ${gm.groupId} = ${ref} AND ${gm.memberId} = ${m.id} AND ${gm.leftOn} IS NULL))`,
        group: sql`${ref}`,
      };
    case "conveners": {
      const convenes = sql`FROM ${gm} JOIN ${schema.groups} ON ${schema.groups.id} = ${gm.groupId}
        WHERE ${gm.memberId} = ${m.id} AND ${gm.role} = 'convener' AND ${gm.leftOn} IS NULL AND ${schema.groups.status} = 'active'`;
      return { where: sql`${member} AND EXISTS (SELECT 1 ${convenes})`, group: sql`(SELECT min(${gm.groupId}) ${convenes})` };
    }
    case "event_registrants":
      return eventAudience(orgId, ref);
    case "subscribers":
      // Everyone who asked for the newsletter, members or not: the one audience without a membership.
      return {
        where: sql`${m.orgId} = ${orgId} AND ${m.erasedAt} IS NULL AND ${m.consentNewsletters} = 1 AND ${m.email} IS NOT NULL`,
        group: sql`NULL`,
      };
    case "member_list":
      // Planned recipients are written by the planner itself; nothing to select here.
      return { where: sql`0`, group: sql`NULL` };
  }
}

/** Why a member of the audience is not mailed: no address, no consent, or a suppressed address. */
export function suppressionReasonSql(orgId: string, category: Category): SQL {
  const consent = consentColumn(category);
  const s = schema.mailSuppressions;
  return sql`CASE
    WHEN ${m.email} IS NULL OR ${m.erasedAt} IS NOT NULL THEN 'no_address'
    WHEN ${consent ?? sql`1`} = 0 THEN 'no_consent'
    WHEN EXISTS (SELECT 1 FROM ${s} WHERE ${s.orgId} = ${orgId} AND ${s.emailKey} = ${m.emailKey}) THEN 'suppressed_address'
    ELSE NULL END`;
}

/**
 * Writes the audience as delivery rows in one statement: the mailed ones `pending`, the
 * rest `suppressed` with the reason, so progress shows who was left out and why.
 * The unique (mailing, member) index makes a second run add nobody.
 */
export function materialiseSql(mailing: { id: string; orgId: string; category: Category }, audience: Audience, day: string): SQL {
  const d = schema.mailingDeliveries;
  const { where, group } = audienceSql(mailing.orgId, audience, day);
  const reason = suppressionReasonSql(mailing.orgId, mailing.category);
  return sql`INSERT INTO ${d} (mailing_id, org_id, member_id, group_id, status, reason, attempts)
    SELECT ${mailing.id}, ${m.orgId}, ${m.id}, ${group}, CASE WHEN (${reason}) IS NULL THEN 'pending' ELSE 'suppressed' END, ${reason}, 0
    FROM ${m} WHERE ${where}
      AND EXISTS (SELECT 1 FROM ${schema.mailings} WHERE ${schema.mailings.id} = ${mailing.id} AND ${schema.mailings.status} = 'scheduled')
    ON CONFLICT DO NOTHING`;
}

/** How many members the audience has today, and how many of them would be mailed: a long read (a whole organisation's members, each checked for consent). */
export async function countAudience(db: Db, options: { orgId: string; category: Category; audience: Audience; day: string }) {
  const { orgId, category, audience, day } = options;
  const { where } = audienceSql(orgId, audience, day);
  const reason = suppressionReasonSql(orgId, category);
  const [row] = await allLong<{ total: number; mailed: number }>(
    db,
    sql`SELECT count(*) AS total, coalesce(sum(CASE WHEN (${reason}) IS NULL THEN 1 ELSE 0 END), 0) AS mailed FROM ${m} WHERE ${where}`,
  );
  return { total: Number(row?.total ?? 0), mailed: Number(row?.mailed ?? 0) };
}

/** A member of the audience to render the preview for: the first one who would be mailed (a long read, as the count). */
export async function sampleRecipient(db: Db, options: { orgId: string; category: Category; audience: Audience; day: string }) {
  const { orgId, category, audience, day } = options;
  const { where, group } = audienceSql(orgId, audience, day);
  const reason = suppressionReasonSql(orgId, category);
  const [row] = await allLong<{ id: string; group_id: string | null }>(
    db,
    sql`SELECT ${m.id} AS id, ${group} AS group_id FROM ${m} WHERE ${where} AND (${reason}) IS NULL ORDER BY ${m.id} LIMIT 1`,
  );
  return row;
}

export function audienceOf(input: AudienceInput): Audience {
  switch (input.type) {
    case "group":
      return { type: "group", ref: input.groupId };
    case "area":
      return { type: "area", ref: input.areaId };
    case "event_registrants":
      return { type: "event_registrants", ref: input.eventId };
    default:
      return { type: input.type, ref: null };
  }
}

/** The audience as the API shows it: the reference under the name of what it refers to. */
export function audienceJson(row: MailingRow): AudienceShown {
  const key =
    row.audienceType === "group"
      ? "groupId"
      : row.audienceType === "area"
        ? "areaId"
        : row.audienceType === "event_registrants"
          ? "eventId"
          : undefined;
  // A group, area or event audience always has its reference (the create and update routes require one).
  return { type: row.audienceType, ...(key && row.audienceRef ? { [key]: row.audienceRef } : {}) } as AudienceShown;
}
