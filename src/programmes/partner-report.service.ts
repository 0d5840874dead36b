import { sql } from "drizzle-orm";
import type { partnerKinds } from "../../drizzle/programmes.ts";
import type { Ctx } from "../access/context.ts";
import { periodOf } from "./participation.service.ts";

/**
 * Per partner, what the organisation did together with it in a period: the events it
 * co-organised that took place then (not cancelled), and the campaigns it co-organised that
 * ran then. Partners with nothing in the period are left out.
 */

interface Row {
  partnerId: string;
  partnerName: string;
  partnerKind: (typeof partnerKinds)[number];
  partnerCountry: string | null;
  what: "event" | "campaign";
  id: string;
  title: string;
  kind: string | null;
  startsAt: string;
  endsAt: string;
  country: string | null;
}

export async function partnerReport(ctx: Ctx, query: { from: string; to: string }) {
  const period = periodOf(ctx, query);
  const rows = await ctx.db.all<Row>(sql`
    SELECT p.id AS partnerId, p.name AS partnerName, p.kind AS partnerKind, p.country AS partnerCountry,
      'event' AS what, e.id AS id, e.title AS title, e.kind AS kind, e.starts_at AS startsAt, e.span_end AS endsAt, e.country AS country
    FROM partners AS p JOIN event_partners AS l ON l.partner_id = p.id JOIN events AS e ON e.id = l.event_id
    WHERE p.org_id = ${ctx.org.id} AND e.status = 'scheduled' AND e.span_start < ${period.toAt} AND e.span_end > ${period.fromAt}
    UNION ALL
    SELECT p.id, p.name, p.kind, p.country, 'campaign', c.id, c.name, NULL, c.starts_on, c.ends_on, NULL
    FROM partners AS p JOIN campaign_partners AS l ON l.partner_id = p.id JOIN campaigns AS c ON c.id = l.campaign_id
    WHERE p.org_id = ${ctx.org.id} AND c.starts_on <= ${period.to} AND c.ends_on >= ${period.from}
    ORDER BY 2, 1, 9, 6`);
  const partners: {
    partnerId: string;
    name: string;
    kind: Row["partnerKind"];
    country: string | null;
    events: { eventId: string; title: string; kind: string; startsAt: string; endsAt: string; country: string | null }[];
    campaigns: { campaignId: string; name: string; startsOn: string; endsOn: string }[];
  }[] = [];
  for (const row of rows) {
    let partner = partners.at(-1);
    if (partner?.partnerId !== row.partnerId) {
      partner = {
        partnerId: row.partnerId,
        name: row.partnerName,
        kind: row.partnerKind,
        country: row.partnerCountry,
        events: [],
        campaigns: [],
      };
      partners.push(partner);
    }
    if (row.what === "event")
      partner.events.push({
        eventId: row.id,
        title: row.title,
        kind: row.kind ?? "",
        startsAt: row.startsAt,
        endsAt: row.endsAt,
        country: row.country,
      });
    else partner.campaigns.push({ campaignId: row.id, name: row.title, startsOn: row.startsAt, endsOn: row.endsAt });
  }
  return { from: period.from, to: period.to, partners };
}
