import { sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { allLong } from "../db/long-reads.ts";
import { csvRecord } from "../lib/csv.ts";
import { guardFormula } from "../members/formula-guard.ts";
import { formatMinor } from "./amounts.ts";

const ga = schema.grantApplications;
const me = schema.groupMoneyEntries;
const g = schema.groups;
const cp = schema.campaigns;

const header = ["date", "group_id", "group", "entry", "source", "campaign", "description", "amount", "currency", "id"];
const chunk = 2000;

interface LedgerLine {
  day: string;
  id: string;
  groupId: string;
  groupName: string;
  entry: string;
  source: string | null;
  campaign: string | null;
  description: string | null;
  amountMinor: number;
  currency: string;
}

/**
 * The year's money lines of every group as CSV: grants paid, income and expenses, by day.
 * Read in pages of a few thousand lines by day and id, so no year is read in one result, as
 * long reads (off the event loop on the embedded file).
 */
export async function moneyLedgerCsv(ctx: Ctx, options: { year: number }): Promise<string> {
  const from = `${options.year}-01-01`;
  const to = `${options.year}-12-31`;
  const parts = [csvRecord(header)];
  let after: [string, string] = ["", ""];
  for (;;) {
    const lines = await allLong<LedgerLine>(
      ctx.db,
      sql`
      SELECT l.day, l.id, l.groupId, ${g.name} AS groupName, l.entry, l.source, ${cp.name} AS campaign, l.description,
        l.amountMinor, l.currency
      FROM (
        SELECT ${ga.paidOn} AS day, ${ga.id} AS id, ${ga.groupId} AS groupId, 'grant_paid' AS entry, NULL AS source,
          NULL AS campaignId, ${ga.purpose} AS description, ${ga.amountMinor} AS amountMinor, ${ga.currency} AS currency
        FROM ${ga} WHERE ${ga.orgId} = ${ctx.org.id} AND ${ga.status} = 'paid' AND ${ga.paidOn} BETWEEN ${from} AND ${to}
        UNION ALL
        SELECT ${me.onDay}, ${me.id}, ${me.groupId}, ${me.kind}, ${me.source}, ${me.campaignId}, ${me.description},
          ${me.amountMinor}, ${me.currency}
        FROM ${me} WHERE ${me.orgId} = ${ctx.org.id} AND ${me.onDay} BETWEEN ${from} AND ${to}
      ) AS l
      JOIN ${g} ON ${g.id} = l.groupId
      LEFT JOIN ${cp} ON ${cp.id} = l.campaignId
      WHERE (l.day, l.id) > (${after[0]}, ${after[1]})
      ORDER BY l.day, l.id
      LIMIT ${chunk}`,
    );
    for (const line of lines) {
      parts.push(
        csvRecord([
          line.day,
          line.groupId,
          guardFormula(line.groupName),
          line.entry,
          line.source,
          guardFormula(line.campaign),
          guardFormula(line.description),
          formatMinor(Number(line.amountMinor), line.currency),
          line.currency,
          line.id,
        ]),
      );
    }
    const last = lines[lines.length - 1];
    if (lines.length < chunk || !last) break;
    after = [last.day, last.id];
  }
  return parts.join("");
}
