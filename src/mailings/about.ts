import { eq } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import { schema } from "../db/index.ts";
import { localDay } from "../lib/dates.ts";
import { type TemplateVariables, variablesOf } from "../mail/template.ts";
import { parseVariables } from "./render.ts";

/**
 * How staff see a mailing in lists: its subject as far as the mailing itself fills it (an
 * automatic mailing's event title, month and group; the organisation's name), and what it
 * is about (the event, group, election or month), read from the key its planner made it under.
 */
type MailingRow = typeof schema.mailings.$inferSelect;

export interface MailingView {
  orgSlug: string;
  orgName: string;
  timeZone: string;
}

export interface About {
  type: "event" | "group" | "election" | "month";
  id: string | null;
  /** The occurrence of a recurring event (its original start), or null. */
  occurrenceStart: string | null;
  /** The local month (YYYY-MM) of a monthly group mailing, or null. */
  month: string | null;
  /** The API path of what it is about, or null for a month. */
  href: string | null;
}

export async function mailingViewOf(ctx: Pick<Ctx, "db" | "org">): Promise<MailingView> {
  const row = await ctx.db.query.organisations.findFirst({
    columns: { name: true },
    where: eq(schema.organisations.id, ctx.org.id),
  });
  return { orgSlug: ctx.org.slug, orgName: row?.name ?? "", timeZone: ctx.org.timeZone };
}

/** The subject with what the mailing itself knows filled in; what differs per recipient ({{member.firstName}}) stays as written. */
export function resolvedSubject(row: MailingRow, view: MailingView): string {
  const known: TemplateVariables = { ...parseVariables(row.variables), "org.name": view.orgName };
  let subject = row.subject;
  for (const name of variablesOf(row.subject)) {
    const value = known[name];
    if (value === undefined || value === null) continue;
    subject = subject.replace(new RegExp(`\\{\\{\\s*${name.replaceAll(".", "\\.")}\\s*\\}\\}`, "g"), () => String(value));
  }
  return subject.replace(/[\r\n]+/g, " ");
}

const about = (type: About["type"], id: string | null, view: MailingView, extra: Partial<About> = {}): About => {
  const collection = { event: "events", group: "groups", election: "elections", month: null }[type];
  return {
    type,
    id,
    occurrenceStart: null,
    month: null,
    href: collection && id ? `/v1/orgs/${view.orgSlug}/${collection}/${id}` : null,
    ...extra,
  };
};

/**
 * What the mailing is about. Planners key their mailings `<kind>:<event>:<start>`,
 * `training_announcement:<event>`, `election_call:<election>:<phase>` (a meeting's elections:
 * `election_call:meeting:<event>:<occurrence>`) and
 * `monthly_group:<run>:<group>:<listing>` (before mailings were made per group:
 * `monthly_group:<run>:<listing>`); a manual mailing is about its audience's group or event.
 */
export function aboutOf(row: MailingRow, view: MailingView): About | null {
  const [kind, first, ...rest] = (row.sourceKey ?? "").split(":");
  switch (row.kind) {
    case "meeting_summons":
    case "member_meeting_notice":
    case "event_reminder":
    case "training_announcement":
      if (kind !== row.kind || !first) return null;
      return about("event", first, view, { occurrenceStart: rest.length > 0 ? rest.join(":") : null });
    case "election_call":
      // The one call of a member meeting's elections: `election_call:meeting:<event>:<occurrence>`.
      if (first === "meeting") return rest[0] ? about("event", rest[0], view, { occurrenceStart: rest.slice(1).join(":") || null }) : null;
      return first ? about("election", first, view) : null;
    case "monthly_group": {
      const month = row.sendAt ? localDay(new Date(row.sendAt), view.timeZone).slice(0, 7) : null;
      // The run is an ISO instant (with colons): the group, when there is one, is the second-last part.
      const parts = (row.sourceKey ?? "").split(":");
      const group = parts.length >= 6 ? (parts[parts.length - 2] ?? null) : null;
      return group ? about("group", group, view, { month }) : about("month", null, view, { month });
    }
    case "manual":
      if (row.audienceType === "group" && row.audienceRef) return about("group", row.audienceRef, view);
      if (row.audienceType === "event_registrants" && row.audienceRef) return about("event", row.audienceRef, view);
      return null;
    default:
      return null;
  }
}
