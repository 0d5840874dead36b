import { sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { formatMinor } from "../groupwork/amounts.ts";
import { type Language, type MessageKey, translate } from "../i18n/index.ts";
import { addDays, addMonthsClamped } from "../lib/dates.ts";

/**
 * What the monthly group mailing tells each group about its work: its own figures for the
 * past calendar month, and the section's actions still open on the mailing's day. Figures
 * for every group come from one aggregate query, grouped by group (and currency for money),
 * so a run for 190 groups reads one row per group, not 190 queries. Each kind of report
 * counts its quantity, as the group's year report does.
 */

export interface GroupMonthFigures {
  letters: number;
  signatures: number;
  politicianMeetings: number;
  streetActivities: number;
  recruited: number;
  /** Income per currency, in minor units. */
  raised: { currency: string; minor: number }[];
}

export const emptyMonthFigures = (): GroupMonthFigures => ({
  letters: 0,
  signatures: 0,
  politicianMeetings: 0,
  streetActivities: 0,
  recruited: 0,
  raised: [],
});

/** The local calendar month before the one `day` falls in: its first and last day. */
export function pastMonth(day: string): { from: string; to: string } {
  const firstOfThisMonth = `${day.slice(0, 7)}-01`;
  return { from: addMonthsClamped(firstOfThisMonth, -1), to: addDays(firstOfThisMonth, -1) };
}

/** Every group's figures for the local days `from`–`to`, both inclusive; a group with none is absent. */
export async function monthFiguresByGroup(
  db: Db,
  options: { orgId: string; from: string; to: string },
): Promise<Map<string, GroupMonthFigures>> {
  const { orgId, from, to } = options;
  const ar = schema.actionReports;
  const me = schema.groupMoneyEntries;
  const r = schema.recruitments;
  // Money rows carry their currency; the others an empty one, so each group's counts gather in one row.
  const rows = await db.all<Record<string, string | number>>(sql`
    SELECT group_id AS groupId, currency,
      sum(letters) AS letters, sum(signatures) AS signatures, sum(politician_meetings) AS politicianMeetings,
      sum(street_activities) AS streetActivities, sum(recruited) AS recruited, sum(raised) AS raised
    FROM (
      SELECT ${ar.groupId} AS group_id, '' AS currency,
        CASE WHEN ${ar.kind} = 'letters' THEN ${ar.quantity} ELSE 0 END AS letters,
        CASE WHEN ${ar.kind} = 'signatures' THEN ${ar.quantity} ELSE 0 END AS signatures,
        CASE WHEN ${ar.kind} = 'politician_meeting' THEN ${ar.quantity} ELSE 0 END AS politician_meetings,
        CASE WHEN ${ar.kind} = 'street_activity' THEN ${ar.quantity} ELSE 0 END AS street_activities,
        0 AS recruited, 0 AS raised
      FROM ${ar} WHERE ${ar.orgId} = ${orgId} AND ${ar.doneOn} BETWEEN ${from} AND ${to}
      UNION ALL
      SELECT ${me.groupId}, ${me.currency}, 0, 0, 0, 0, 0, ${me.amountMinor}
      FROM ${me} WHERE ${me.orgId} = ${orgId} AND ${me.kind} = 'income' AND ${me.onDay} BETWEEN ${from} AND ${to}
      UNION ALL
      SELECT ${r.groupId}, '', 0, 0, 0, 0, 1, 0
      FROM ${r} WHERE ${r.orgId} = ${orgId} AND ${r.recruitedOn} BETWEEN ${from} AND ${to}
    )
    GROUP BY group_id, currency
    ORDER BY group_id, currency`);
  const byGroup = new Map<string, GroupMonthFigures>();
  for (const row of rows) {
    const groupId = String(row.groupId);
    const figures = byGroup.get(groupId) ?? emptyMonthFigures();
    byGroup.set(groupId, figures);
    if (row.currency !== "") {
      figures.raised.push({ currency: String(row.currency), minor: Number(row.raised) });
      continue;
    }
    figures.letters += Number(row.letters);
    figures.signatures += Number(row.signatures);
    figures.politicianMeetings += Number(row.politicianMeetings);
    figures.streetActivities += Number(row.streetActivities);
    figures.recruited += Number(row.recruited);
  }
  return byGroup;
}

export const raisedText = (figures: GroupMonthFigures) =>
  figures.raised.length > 0 ? figures.raised.map((m) => `${formatMinor(m.minor, m.currency)} ${m.currency}`).join(", ") : "0";

/** The figures as lines for the template, in the reader's language; a group that recorded nothing reads so, in one line. */
export function figuresText(figures: GroupMonthFigures, language: Language = "en"): string {
  const line = (key: MessageKey, n: number | string) => translate(language, key, { n });
  const lines = [
    figures.letters > 0 ? line("figures.letters", figures.letters) : null,
    figures.signatures > 0 ? line("figures.signatures", figures.signatures) : null,
    figures.politicianMeetings > 0 ? line("figures.politicianMeetings", figures.politicianMeetings) : null,
    figures.streetActivities > 0 ? line("figures.streetActivities", figures.streetActivities) : null,
    figures.raised.length > 0 ? line("figures.raised", raisedText(figures)) : null,
    figures.recruited > 0 ? line("figures.recruited", figures.recruited) : null,
  ].filter((l): l is string => l !== null);
  return lines.length > 0 ? lines.join("\n") : translate(language, "figures.nothing");
}

/** The section's actions whose period includes `day`, soonest ending first. */
export async function openActions(db: Db, options: { orgId: string; day: string }) {
  const a = schema.campaignActions;
  const c = schema.campaigns;
  return db.all<{ title: string; campaign: string; target: string; endsOn: string }>(sql`
    SELECT ${a.title} AS title, ${c.name} AS campaign, ${a.target} AS target, ${a.endsOn} AS endsOn
    FROM ${a} JOIN ${c} ON ${c.id} = ${a.campaignId}
    WHERE ${a.orgId} = ${options.orgId} AND ${a.startsOn} <= ${options.day} AND ${a.endsOn} >= ${options.day}
    ORDER BY ${a.endsOn}, ${a.title}, ${a.id}`);
}
