import { eq, sql } from "drizzle-orm";
import { contextOf } from "../access/context.ts";
import type { Viewer } from "../access/viewer.ts";
import { contactView } from "../contacts/contacts.queries.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { toElectionPublic } from "../elections/elections.service.ts";
import { eventView } from "../events/events.service.ts";
import { toRegistrationPublic } from "../events/registrations.service.ts";
import { mailingViewOf } from "../mailings/about.ts";
import { toMailingPublic } from "../mailings/mailings.service.ts";
import { memberView } from "../members/members.queries.ts";
import { toMembershipPublic } from "../members/memberships.service.ts";
import type { WebhookEventType } from "./events.ts";

/**
 * The `data` of each event type: the resource in the public shape a readonly key of the
 * organisation reads through the API, never more. Ballots are never part of any: an
 * election's events carry the election, not its ballots, receipts or tally input.
 */

export interface RenderScope {
  db: Db;
  orgId: string;
  slug: string;
  timeZone: string;
  now: Date;
}

type Render = (scope: RenderScope, resourceId: string) => Promise<Record<string, unknown> | null>;

/** What a webhook subscription sees: what any key of its organisation may read. */
const keyViewer: Viewer = { kind: "key", role: "readonly" };

/** A context to read with as a readonly key of the organisation would. */
function readerContext({ db, orgId, slug, timeZone, now }: RenderScope) {
  return contextOf({
    db,
    org: { id: orgId, slug, timeZone },
    principal: { kind: "api_key", keyId: "webhooks", orgId, role: "readonly" },
    now,
  });
}

async function member(scope: RenderScope, id: string) {
  try {
    return (await memberView(readerContext(scope), id)).view;
  } catch {
    // Erased meanwhile: nothing of them is sent but the id.
    return null;
  }
}

/** A contact as a readonly key reads it: without the statistics fields. */
async function contact(scope: RenderScope, id: string) {
  try {
    return (await contactView(readerContext(scope), id, { statistics: false })).view;
  } catch {
    return null;
  }
}

async function membership({ db, orgId }: RenderScope, id: string) {
  const row = await db.query.memberships.findFirst({ where: eq(schema.memberships.id, id) });
  return row && row.orgId === orgId ? toMembershipPublic(row) : null;
}

async function event({ db, orgId }: RenderScope, id: string) {
  const row = await db.query.events.findFirst({ where: eq(schema.events.id, id) });
  return row && row.orgId === orgId ? eventView(db, row) : null;
}

async function registration({ db, orgId }: RenderScope, id: string) {
  const reg = schema.eventRegistrations;
  const [found] = await db
    .select({ row: reg, name: schema.members.name, orgId: schema.events.orgId })
    .from(reg)
    .innerJoin(schema.events, eq(schema.events.id, reg.eventId))
    .leftJoin(schema.members, eq(schema.members.id, reg.memberId))
    .where(eq(reg.id, id))
    .limit(1);
  if (!found || found.orgId !== orgId) return null;
  return toRegistrationPublic({ row: found.row, name: found.name, position: null });
}

async function election({ db, orgId, timeZone }: RenderScope, id: string) {
  const row = await db.query.elections.findFirst({ where: eq(schema.elections.id, id) });
  return row && row.orgId === orgId ? toElectionPublic(row, timeZone, keyViewer) : null;
}

async function mailing({ db, orgId, slug, timeZone }: RenderScope, id: string) {
  const row = await db.query.mailings.findFirst({ where: eq(schema.mailings.id, id) });
  if (!row || row.orgId !== orgId) return null;
  return toMailingPublic(row, null, await mailingViewOf({ db, org: { id: orgId, slug, timeZone } }));
}

async function groupMembership({ db, orgId }: RenderScope, id: string) {
  const gm = schema.groupMemberships;
  const [row] = await db
    .select({
      id: gm.id,
      groupId: gm.groupId,
      memberId: gm.memberId,
      role: gm.role,
      joinedOn: gm.joinedOn,
      leftOn: gm.leftOn,
      orgId: schema.groups.orgId,
    })
    .from(gm)
    .innerJoin(schema.groups, eq(schema.groups.id, gm.groupId))
    .where(sql`${gm.id} = ${id}`)
    .limit(1);
  if (!row || row.orgId !== orgId) return null;
  const { orgId: _, ...entry } = row;
  return entry;
}

const renderers: Record<WebhookEventType, Render> = {
  "member.created": member,
  "member.updated": member,
  "member.erased": async () => null,
  "contact.created": contact,
  "contact.updated": contact,
  "membership.started": membership,
  "membership.lapsed": membership,
  "group_membership.changed": groupMembership,
  "registration.created": registration,
  "registration.changed": registration,
  "event.created": event,
  "event.changed": event,
  "event.cancelled": event,
  "election.status_changed": election,
  "election.result_published": election,
  "mailing.sent": mailing,
};

/** The message body of an event: `{ type, timestamp, data: { id, … } }`. */
export async function renderPayload(
  scope: RenderScope,
  event: { id: string; type: string; resourceId: string; detail: string | null; occurredAt: string },
): Promise<string> {
  const render = renderers[event.type as WebhookEventType];
  const shape = render ? await render(scope, event.resourceId) : null;
  const detail = event.detail ? (JSON.parse(event.detail) as Record<string, unknown>) : {};
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: { ...shape, ...detail, id: event.resourceId } });
}
