import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, createMember, memberToken } from "../helpers/members.ts";
import { castOfCallers, expectReachable, expectSeen, idsOfPage, type Labels } from "../helpers/permission-matrix.ts";
import { addToGroup, createEvent, createGroup, type EventBody, keyWithRole, type RegistrationBody, register } from "./helpers.ts";

const open = (capacity: number | null, fields: Record<string, unknown> = {}) => ({ registration: { mode: "open", capacity }, ...fields });
const patchRegistration = (t: TestApp, eventId: string, id: string, status: string, key?: string) =>
  t.request("PATCH", `/v1/orgs/demo/events/${eventId}/registrations/${id}`, { key, body: { status } });

async function members(t: TestApp, n: number) {
  const out: { id: string; token: string }[] = [];
  for (let i = 0; i < n; i++) {
    const id = await createMember(t);
    out.push({ id, token: await memberToken(t, id) });
  }
  return out;
}

async function statusesOf(t: TestApp, eventId: string) {
  const rows = await t.database.client.execute({
    sql: "SELECT status, count(*) AS n FROM event_registrations WHERE event_id = ? GROUP BY status",
    args: [eventId],
  });
  return Object.fromEntries(rows.rows.map((r) => [String(r.status), Number(r.n)]));
}

describe("open registration", () => {
  it("accepts while places last, then waitlists (not an error)", async () => {
    const t = await testApp();
    const event = await createEvent(t, open(2));
    const people = await members(t, 3);
    const results = [];
    for (const p of people) results.push(await json<RegistrationBody>(await register(t, event.id, {}, p.token), 201));
    expect(results.map((r) => r.status)).toEqual(["accepted", "accepted", "waitlisted"]);
    expect(results[2]?.waitlistPosition).toBe(1);
    expect(results[0]).toMatchObject({ eventId: event.id, occurrenceStart: null, member: { id: people[0]?.id } });
  });

  // In process the embedded client runs each statement synchronously, so these requests
  // interleave little; concurrency.test.ts races the same over the remote protocol.
  it("never exceeds capacity: 50 parallel registrations for 5 places", async () => {
    const t = await testApp();
    const event = await createEvent(t, open(5));
    const people = await members(t, 50);
    const responses = await Promise.all(people.map((p) => register(t, event.id, {}, p.token)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<RegistrationBody>));
    expect(bodies.filter((b) => b.status === "accepted")).toHaveLength(5);
    expect(bodies.filter((b) => b.status === "waitlisted")).toHaveLength(45);
    expect(await statusesOf(t, event.id)).toEqual({ accepted: 5, waitlisted: 45 });
    // The waiting list is a strict queue: positions 1…45, each once.
    const positions = bodies.flatMap((b) => (b.waitlistPosition === null ? [] : [b.waitlistPosition])).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));

    // Cancellations racing each other still promote exactly one waitlisted registration each.
    const accepted = bodies.filter((b) => b.status === "accepted");
    const cancels = await Promise.all(
      accepted.slice(0, 3).map((b) => patchRegistration(t, event.id, b.id, "cancelled", people.find((p) => p.id === b.member.id)?.token)),
    );
    expect(cancels.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await statusesOf(t, event.id)).toEqual({ accepted: 5, waitlisted: 42, cancelled: 3 });
  });

  it("answers 409 to a second registration, also when both arrive at once", async () => {
    const t = await testApp();
    const event = await createEvent(t, open(10));
    const [p] = await members(t, 1);
    const both = await Promise.all([register(t, event.id, {}, p?.token), register(t, event.id, {}, p?.token)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const again = await register(t, event.id, {}, p?.token);
    expect(again.status).toBe(409);
    expect(((await problemOf(again)) as { reason?: string }).reason).toBe("already_registered");
  });

  it("promotes the first on the waiting list when an accepted participant cancels", async () => {
    const t = await testApp();
    const event = await createEvent(t, open(1));
    const [a, b, c] = await members(t, 3);
    const first = await json<RegistrationBody>(await register(t, event.id, {}, a?.token), 201);
    t.clock.advance(1000);
    const second = await json<RegistrationBody>(await register(t, event.id, {}, b?.token), 201);
    t.clock.advance(1000);
    const third = await json<RegistrationBody>(await register(t, event.id, {}, c?.token), 201);
    expect([second.waitlistPosition, third.waitlistPosition]).toEqual([1, 2]);
    const cancelled = await json<RegistrationBody>(await patchRegistration(t, event.id, first.id, "cancelled", a?.token), 200);
    expect(cancelled.status).toBe("cancelled");
    const promoted = await json<RegistrationBody>(
      await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations/${second.id}`, { key: b?.token }),
      200,
    );
    expect(promoted).toMatchObject({ status: "accepted", waitlistPosition: null });
    const still = await json<RegistrationBody>(await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations/${third.id}`), 200);
    expect(still).toMatchObject({ status: "waitlisted", waitlistPosition: 1 });
    // Someone who cancelled may register again (and joins the end of the queue).
    expect((await json<RegistrationBody>(await register(t, event.id, {}, a?.token), 201)).status).toBe("waitlisted");
  });

  it("lets staff register a member by id", async () => {
    const t = await testApp();
    const event = await createEvent(t, open(null));
    const memberId = await createMember(t);
    expect((await json<RegistrationBody>(await register(t, event.id, { memberId }), 201)).status).toBe("accepted");
    expect((await register(t, event.id, {})).status).toBe(422);
    expect((await register(t, event.id, { memberId: "0195f1e2-7a4b-7c3d-8e9f-0a1b2c3d4e5f" })).status).toBe(422);
    expect((await register(t, event.id, { memberId }, await keyWithRole(t, "readonly"))).status).toBe(403);
    const [other] = await members(t, 1);
    expect((await register(t, event.id, { memberId }, other?.token)).status).toBe(403);
  });
});

describe("when registration is refused", () => {
  it.each([
    ["the event takes no registrations", { registration: { mode: "none" } }, "registration_closed"],
    ["the event is in the past", open(null, { startsAt: "2026-11-20T17:00:00Z", endsAt: "2026-11-20T19:00:00Z" }), "event_past"],
    ["the event has begun", open(null, { startsAt: "2026-11-21T07:00:00Z", endsAt: "2026-11-21T09:00:00Z" }), "event_past"],
  ])("answers 409 when %s", async (_, fields, reason) => {
    const t = await testApp();
    const event = await createEvent(t, fields);
    const [p] = await members(t, 1);
    const before = await snapshot(t.database);
    const response = await register(t, event.id, {}, p?.token);
    expect(response.status).toBe(409);
    expect(((await problemOf(response)) as { reason?: string }).reason).toBe(reason);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("answers 409 for a cancelled event", async () => {
    const t = await testApp();
    const event = await createEvent(t, open(null));
    await json(await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { status: "cancelled" } }), 200);
    const [p] = await members(t, 1);
    const response = await register(t, event.id, {}, p?.token);
    expect(response.status).toBe(409);
    expect(((await problemOf(response)) as { reason?: string }).reason).toBe("event_cancelled");
  });

  it("requires a current active membership where the event says so", async () => {
    const t = await testApp();
    const training = await createEvent(t, { kind: "training", registration: { mode: "application", capacity: 10 } });
    expect(training.registration.requiresActiveMembership).toBe(true);
    const [withoutMembership] = await members(t, 1);
    const refused = await register(t, training.id, {}, withoutMembership?.token);
    expect(refused.status).toBe(409);
    expect(((await problemOf(refused)) as { reason?: string }).reason).toBe("membership_none");
    const active = await createActiveMember(t);
    expect((await json<RegistrationBody>(await register(t, training.id, {}, await memberToken(t, active)), 201)).status).toBe("applied");
    // An event that does not ask for it lets anyone register.
    const meeting = await createEvent(t, open(null));
    expect((await register(t, meeting.id, {}, withoutMembership?.token)).status).toBe(201);
  });
});

describe("applications", () => {
  async function setup(capacity = 1) {
    const t = await testApp();
    const groupId = await createGroup(t);
    const convener = await createActiveMember(t);
    await addToGroup(t, groupId, convener, "convener");
    const convenerToken = await memberToken(t, convener);
    const event = await createEvent(t, { kind: "training", groupId, registration: { mode: "application", capacity } }, convenerToken);
    const applicants: { id: string; token: string; registration: RegistrationBody }[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await createActiveMember(t);
      const token = await memberToken(t, id);
      applicants.push({ id, token, registration: await json<RegistrationBody>(await register(t, event.id, {}, token), 201) });
    }
    return { t, event, convenerToken, applicants };
  }

  it("lets the organising group's convener accept, waitlist and decline; accepting a full event is 409", async () => {
    const { t, event, convenerToken, applicants } = await setup(1);
    const [a, b, c] = applicants.map((x) => x.registration);
    expect([a, b, c].map((r) => r?.status)).toEqual(["applied", "applied", "applied"]);
    expect(
      (await json<RegistrationBody>(await patchRegistration(t, event.id, a?.id as string, "accepted", convenerToken), 200)).status,
    ).toBe("accepted");
    const full = await patchRegistration(t, event.id, b?.id as string, "accepted", convenerToken);
    expect(full.status).toBe(409);
    expect(((await problemOf(full)) as { reason?: string }).reason).toBe("full");
    expect(
      (await json<RegistrationBody>(await patchRegistration(t, event.id, b?.id as string, "waitlisted", convenerToken), 200))
        .waitlistPosition,
    ).toBe(1);
    expect(
      (await json<RegistrationBody>(await patchRegistration(t, event.id, c?.id as string, "declined", convenerToken), 200)).status,
    ).toBe("declined");
    // A declined application cannot be accepted any more.
    expect((await patchRegistration(t, event.id, c?.id as string, "accepted", convenerToken)).status).toBe(409);
    // The accepted one withdraws: the waitlisted one moves up.
    await json(await patchRegistration(t, event.id, a?.id as string, "cancelled", applicants[0]?.token), 200);
    expect(
      (await json<RegistrationBody>(await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations/${b?.id}`), 200)).status,
    ).toBe("accepted");
  });

  it("lets members only cancel their own; others' registrations are 404 to them", async () => {
    const { t, event, applicants } = await setup();
    const [a, b] = applicants;
    expect((await patchRegistration(t, event.id, a?.registration.id as string, "accepted", a?.token)).status).toBe(403);
    expect((await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations/${b?.registration.id}`, { key: a?.token })).status).toBe(
      404,
    );
    expect((await patchRegistration(t, event.id, b?.registration.id as string, "cancelled", a?.token)).status).toBe(404);
    expect((await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations`, { key: a?.token })).status).toBe(403);
    const mine = await json<{ data: RegistrationBody[] }>(await t.request("GET", "/v1/orgs/demo/me/registrations", { key: a?.token }), 200);
    expect(mine.data.map((r) => r.id)).toEqual([a?.registration.id]);
  });

  it("refuses a capacity below the places taken (422) and promotes when it is raised", async () => {
    const { t, event, convenerToken, applicants } = await setup(2);
    const [a, b, c] = applicants.map((x) => x.registration.id);
    await json(await patchRegistration(t, event.id, a as string, "accepted", convenerToken), 200);
    await json(await patchRegistration(t, event.id, b as string, "accepted", convenerToken), 200);
    await json(await patchRegistration(t, event.id, c as string, "waitlisted", convenerToken), 200);
    const lower = await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { registration: { capacity: 1 } } });
    expect(lower.status).toBe(422);
    expect((await problemOf(lower)).errors?.[0]?.field).toBe("body.registration.capacity");
    await json<EventBody>(await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, { body: { registration: { capacity: 3 } } }), 200);
    expect((await json<RegistrationBody>(await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations/${c}`), 200)).status).toBe(
      "accepted",
    );
  });
});

describe("registration per occurrence and for a series", () => {
  const monthly = {
    startsAt: "2026-12-01T17:00:00Z",
    endsAt: "2026-12-01T19:00:00Z",
    recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1TU" },
    registration: { mode: "open", capacity: 1 },
  };

  it("keeps places and registrations per occurrence", async () => {
    const t = await testApp();
    const event = await createEvent(t, monthly);
    expect(event.registration.scope).toBe("occurrence");
    const [a, b] = await members(t, 2);
    const december = "2026-12-01T17:00:00.000Z";
    const january = "2027-01-05T17:00:00.000Z";
    expect((await json<RegistrationBody>(await register(t, event.id, { occurrenceStart: december }, a?.token), 201)).status).toBe(
      "accepted",
    );
    expect((await json<RegistrationBody>(await register(t, event.id, { occurrenceStart: december }, b?.token), 201)).status).toBe(
      "waitlisted",
    );
    const jan = await json<RegistrationBody>(await register(t, event.id, { occurrenceStart: "2027-01-05T18:00:00+01:00" }, b?.token), 201);
    expect(jan).toMatchObject({ status: "accepted", occurrenceStart: january });
    expect((await register(t, event.id, {}, a?.token)).status).toBe(422);
    const wrong = await register(t, event.id, { occurrenceStart: "2027-01-06T17:00:00Z" }, a?.token);
    expect(wrong.status).toBe(422);
    expect((await problemOf(wrong)).errors?.[0]?.field).toBe("body.occurrenceStart");
    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${event.id}/occurrences/2027-02-02T17:00:00Z`, { body: { status: "cancelled" } }),
      200,
    );
    const cancelled = await register(t, event.id, { occurrenceStart: "2027-02-02T17:00:00Z" }, a?.token);
    expect(cancelled.status).toBe(409);
    expect(((await problemOf(cancelled)) as { reason?: string }).reason).toBe("occurrence_cancelled");

    const summary = await json<{ units: { occurrenceStart: string | null; accepted: number; waitlisted: number; placesLeft: number }[] }>(
      await t.request("GET", `/v1/orgs/demo/events/${event.id}/attendance`),
      200,
    );
    expect(summary.units).toEqual([
      expect.objectContaining({ occurrenceStart: december, accepted: 1, waitlisted: 1, placesLeft: 0 }),
      expect.objectContaining({ occurrenceStart: january, accepted: 1, waitlisted: 0, placesLeft: 0 }),
    ]);
    // Changing the rule so December disappears would strand its registrations: 409.
    const stranding = await t.request("PATCH", `/v1/orgs/demo/events/${event.id}`, {
      body: { startsAt: "2027-01-05T17:00:00Z", endsAt: "2027-01-05T19:00:00Z" },
    });
    expect(stranding.status).toBe(409);
    expect((await t.request("DELETE", `/v1/orgs/demo/events/${event.id}`)).status).toBe(409);
  });

  it("lets one registration cover every session of a training series, until the first begins", async () => {
    const t = await testApp();
    const series = await createEvent(t, {
      kind: "training",
      startsAt: "2026-11-24T17:00:00Z",
      endsAt: "2026-11-24T20:00:00Z",
      recurrence: { rrule: "FREQ=WEEKLY;COUNT=4" },
      registration: { mode: "open", capacity: 10, requiresActiveMembership: false },
    });
    expect(series.registration.scope).toBe("event");
    const [a, b] = await members(t, 2);
    expect((await json<RegistrationBody>(await register(t, series.id, {}, a?.token), 201)).occurrenceStart).toBeNull();
    t.clock.set("2026-11-24T18:00:00Z");
    const late = await register(t, series.id, {}, await memberToken(t, b?.id as string));
    expect(late.status).toBe(409);
  });
});

describe("attendance", () => {
  it("is recorded by organisers once the event has begun, and counted", async () => {
    const t = await testApp();
    const event = await createEvent(t, open(3));
    const people = await members(t, 3);
    const regs: RegistrationBody[] = [];
    for (const p of people) regs.push(await json<RegistrationBody>(await register(t, event.id, {}, p.token), 201));
    const early = await patchRegistration(t, event.id, regs[0]?.id as string, "attended");
    expect(early.status).toBe(409);
    expect(((await problemOf(early)) as { reason?: string }).reason).toBe("event_not_started");
    t.clock.set("2026-11-28T18:00:00Z");
    // Member tokens last an hour; a fresh one for the later time.
    expect(
      (await patchRegistration(t, event.id, regs[2]?.id as string, "cancelled", await memberToken(t, people[2]?.id as string))).status,
    ).toBe(409);
    await json(await patchRegistration(t, event.id, regs[0]?.id as string, "attended"), 200);
    await json(await patchRegistration(t, event.id, regs[1]?.id as string, "no_show"), 200);
    const attended = await json<{ data: RegistrationBody[] }>(
      await t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations?status=attended`),
      200,
    );
    expect(attended.data.map((r) => r.member.id)).toEqual([people[0]?.id]);
    const summary = await json<{ totals: Record<string, number>; units: { placesLeft: number }[] }>(
      await t.request("GET", `/v1/orgs/demo/events/${event.id}/attendance`, { key: await keyWithRole(t, "readonly") }),
      200,
    );
    expect(summary.totals).toEqual({ applied: 0, accepted: 1, waitlisted: 0, declined: 0, cancelled: 0, attended: 1, noShow: 1 });
    expect(summary.units[0]?.placesLeft).toBe(0);
  });
});

describe("who sees which registrations", () => {
  /**
   * A members' lecture of the group with three registrations: two members registered
   * themselves, and staff registered a contact without a membership (who then sees the event
   * through that registration). Organisers see them all; each member sees their own.
   */
  async function world() {
    const cast = await castOfCallers();
    const { t, members } = cast;
    const event = await createEvent(t, { kind: "lecture", visibility: "members", groupId: cast.group, registration: { mode: "open" } });
    const labels: Labels = {};
    const registration = async (label: string, memberId: string, key?: string) => {
      const body = key === undefined ? { memberId } : {};
      labels[(await json<RegistrationBody>(await register(t, event.id, body, key), 201)).id] = label;
    };
    await registration("group member's", members.groupMember, await memberToken(t, members.groupMember));
    await registration("other member's", members.otherMember, await memberToken(t, members.otherMember));
    await registration("contact's", members.noneMember);
    return { cast, t, event, labels };
  }
  const all = ["group member's", "other member's", "contact's"];

  it("lists an event's registrations to keys and the organising group's conveners in good standing only", async () => {
    const { cast, t, event, labels } = await world();
    await expectSeen(cast, labels, (key) => t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations`, { key }), idsOfPage(), {
      anonymous: 401,
      readonly: all,
      staff: all,
      admin: all,
      otherOrgAdmin: 404,
      convener: all,
      groupMember: 403,
      otherMember: 403,
      graceMember: 403,
      // Still convener on the roster, but lapsed: the members' event does not exist for them.
      lapsedMember: 404,
      noneMember: 403,
    });
  });

  it("lets each member read their own registration, organisers all of them, and nobody else any", async () => {
    const { cast, t, event, labels } = await world();
    const targets = Object.fromEntries(
      Object.entries(labels).map(([id, label]) => [
        label,
        (key: string | null) => t.request("GET", `/v1/orgs/demo/events/${event.id}/registrations/${id}`, { key }),
      ]),
    );
    await expectReachable(cast, targets, {
      anonymous: 401,
      readonly: all,
      staff: all,
      admin: all,
      otherOrgAdmin: 404,
      convener: all,
      groupMember: ["group member's"],
      otherMember: ["other member's"],
      graceMember: [],
      lapsedMember: [],
      noneMember: ["contact's"],
    });
  });

  it("lists each member their own registrations (GET /me/registrations)", async () => {
    const { cast, t, labels } = await world();
    await expectSeen(cast, labels, (key) => t.request("GET", "/v1/orgs/demo/me/registrations", { key }), idsOfPage(), {
      anonymous: 401,
      readonly: 403,
      admin: 403,
      otherOrgAdmin: 404,
      convener: [],
      groupMember: ["group member's"],
      otherMember: ["other member's"],
      graceMember: [],
      lapsedMember: [],
      noneMember: ["contact's"],
    });
  });

  it("shows attendance counts to the same callers as the registrations", async () => {
    const { cast, t, event } = await world();
    const got: Record<string, number> = {};
    for (const kind of ["anonymous", "readonly", "convener", "groupMember", "lapsedMember", "otherOrgAdmin"] as const) {
      got[kind] = (await t.request("GET", `/v1/orgs/demo/events/${event.id}/attendance`, { key: await cast.key(kind) })).status;
    }
    expect(got).toEqual({ anonymous: 401, readonly: 200, convener: 200, groupMember: 403, lapsedMember: 404, otherOrgAdmin: 404 });
  });
});
