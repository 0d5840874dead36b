import { json, type TestApp } from "../helpers/app.ts";

export interface EventBody {
  id: string;
  title: string;
  kind: string;
  groupId: string | null;
  campaignId: string | null;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  visibility: string;
  status: string;
  recurrence: { rrule: string; exdates: string[] } | null;
  registration: { mode: string; scope: string; capacity: number | null; requiresActiveMembership: boolean };
  version: number;
}

export interface OccurrenceBody {
  id: string;
  occurrenceId: string;
  originalStartsAt: string;
  startsAt: string;
  endsAt: string;
  status: string;
  moved: boolean;
  title: string;
  groupId: string | null;
  visibility: string;
}

export interface RegistrationBody {
  id: string;
  eventId: string;
  occurrenceStart: string | null;
  member: { id: string; name: string | null };
  status: string;
  waitlistPosition: number | null;
}

/** The test clock starts on 2026-11-21; events default to a week later, 18:00–20:00 Stockholm time. */
export function eventInput(fields: Record<string, unknown> = {}) {
  return {
    title: "Group meeting",
    kind: "group_meeting",
    startsAt: "2026-11-28T17:00:00.000Z",
    endsAt: "2026-11-28T19:00:00.000Z",
    timeZone: "Europe/Stockholm",
    visibility: "public",
    ...fields,
  };
}

export async function createEvent(t: TestApp, fields: Record<string, unknown> = {}, key?: string): Promise<EventBody> {
  return json<EventBody>(await t.request("POST", `/v1/orgs/${t.org}/events`, { key, body: eventInput(fields) }), 201);
}

export async function listEvents(t: TestApp, query: string, key?: string | null) {
  return json<{ data: OccurrenceBody[]; nextCursor: string | null }>(
    await t.request("GET", `/v1/orgs/${t.org}/events?${query}`, { key }),
    200,
  );
}

/** Every page of a range query, following nextCursor. */
export async function allPages(t: TestApp, path: string, key?: string | null): Promise<OccurrenceBody[]> {
  const out: OccurrenceBody[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page: { data: OccurrenceBody[]; nextCursor: string | null } = await json(
      await t.request("GET", `${path}${cursor ? `${separator}cursor=${cursor}` : ""}`, { key }),
      200,
    );
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export async function createGroup(t: TestApp, fields: Record<string, unknown> = {}): Promise<string> {
  const response = await t.request("POST", `/v1/orgs/${t.org}/groups`, { body: { name: "Local group", kind: "local", ...fields } });
  return (await json<{ id: string }>(response, 201)).id;
}

export async function addToGroup(t: TestApp, groupId: string, memberId: string, role = "member") {
  await json(await t.request("POST", `/v1/orgs/${t.org}/groups/${groupId}/members`, { body: { memberId, role } }), 201);
}

export async function keyWithRole(t: TestApp, role: "admin" | "staff" | "readonly"): Promise<string> {
  const response = await t.request("POST", `/v1/orgs/${t.org}/api-keys`, { body: { name: `${role} key`, role } });
  return (await json<{ secret: string }>(response, 201)).secret;
}

export async function register(t: TestApp, eventId: string, body: Record<string, unknown>, key?: string) {
  return t.request("POST", `/v1/orgs/${t.org}/events/${eventId}/registrations`, { key, body });
}

export const range = (from: string, to: string) => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
