import { createEvent, type EventBody } from "../events/helpers.ts";
import { json, type TestApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";

/** A member meeting of the organisation on the test clock's day, open to members. */
export async function createMeeting(t: TestApp, fields: Record<string, unknown> = {}): Promise<EventBody> {
  return createEvent(t, {
    title: "Annual meeting",
    kind: "member_meeting",
    startsAt: "2026-11-21T17:00:00.000Z",
    endsAt: "2026-11-21T21:00:00.000Z",
    visibility: "members",
    ...fields,
  });
}

export const meetingPath = (t: TestApp, eventId: string, rest: string) => `/v1/orgs/${t.org}/events/${eventId}/${rest}`;

export async function roomCode(t: TestApp, eventId: string): Promise<string> {
  return (await json<{ code: string }>(await t.request("POST", meetingPath(t, eventId, "check-in-code"), { body: {} }), 201)).code;
}

export async function activeMembers(t: TestApp, n: number) {
  const out: { id: string; token: string }[] = [];
  for (let i = 0; i < n; i++) {
    const id = await createActiveMember(t);
    out.push({ id, token: await memberToken(t, id) });
  }
  return out;
}

/** Staff check members in (201 each). */
export async function checkInAll(t: TestApp, eventId: string, ids: string[]) {
  for (const memberId of ids) await json(await t.request("POST", meetingPath(t, eventId, "check-ins"), { body: { memberId } }), 201);
}

export interface RegisterBody {
  fixed: boolean;
  count: number;
  members: { id: string; name: string | null }[] | null;
  nextCursor: string | null;
}
