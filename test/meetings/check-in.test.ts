import { describe, expect, it } from "vitest";
import { createEvent, keyWithRole } from "../events/helpers.ts";
import { json, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership } from "../helpers/members.ts";
import { activeMembers, createMeeting, meetingPath, roomCode } from "./helpers.ts";

interface Attendance {
  member: { id: string };
  checkedInAt: string;
  checkedOutAt: string | null;
  present: boolean;
}

describe("check-in at a member meeting", () => {
  it("lets a member check in with the room's code, once: a second check-in is 200 and changes nothing", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const [alice] = await activeMembers(t, 1);
    const code = await roomCode(t, meeting.id);
    const first = await json<Attendance>(
      await t.request("POST", meetingPath(t, meeting.id, "check-ins"), { key: alice?.token, body: { code } }),
      201,
    );
    expect(first).toMatchObject({ member: { id: alice?.id }, present: true, checkedOutAt: null });
    t.clock.advance(60_000);
    const before = await snapshot(t.database);
    const again = await json<Attendance>(
      await t.request("POST", meetingPath(t, meeting.id, "check-ins"), { key: alice?.token, body: { code: code.toLowerCase() } }),
      200,
    );
    expect(again.checkedInAt).toBe(first.checkedInAt);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("refuses a wrong code (422), a member checking in someone else (403), and check-in before a code exists (409)", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const [alice, bob] = await activeMembers(t, 2);
    const early = await t.request("POST", meetingPath(t, meeting.id, "check-ins"), { key: alice?.token, body: { code: "ABCDEFGH" } });
    expect(early.status).toBe(409);
    expect(await problemOf(early)).toMatchObject({ reason: "check_in_not_open" });
    const code = await roomCode(t, meeting.id);
    const wrong = await t.request("POST", meetingPath(t, meeting.id, "check-ins"), {
      key: alice?.token,
      body: { code: code === "AAAAAAAA" ? "BBBBBBBB" : "AAAAAAAA" },
    });
    expect(wrong.status).toBe(422);
    expect((await problemOf(wrong)).errors?.[0]?.field).toBe("body.code");
    const other = await t.request("POST", meetingPath(t, meeting.id, "check-ins"), {
      key: alice?.token,
      body: { code, memberId: bob?.id },
    });
    expect(other.status).toBe(403);
    const rows = await t.database.client.execute("SELECT count(*) AS n FROM meeting_attendance");
    expect(Number(rows.rows[0]?.n)).toBe(0);
  });

  it("refuses non-members with 409 and the reason: no membership, a lapsed one, a supporting one", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const none = await createMember(t);
    const lapsed = await createMember(t);
    await giveMembership(t, lapsed, await createMembershipType(t, { graceDays: 0 }), "2024-01-01");
    const supporting = await createMember(t);
    await giveMembership(t, supporting, await createMembershipType(t, { kind: "supporting" }));
    const before = await snapshot(t.database);
    for (const [memberId, reason] of [
      [none, "membership_none"],
      [lapsed, "membership_lapsed"],
      [supporting, "membership_not_active_kind"],
    ] as const) {
      const response = await t.request("POST", meetingPath(t, meeting.id, "check-ins"), { body: { memberId } });
      expect(response.status).toBe(409);
      expect(await problemOf(response)).toMatchObject({ reason });
    }
    expect(await snapshot(t.database)).toBe(before);
  });

  it("records a check-out and a return; the list shows who is present", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const [alice, bob] = await activeMembers(t, 2);
    for (const p of [alice, bob])
      await json(await t.request("POST", meetingPath(t, meeting.id, "check-ins"), { body: { memberId: p?.id } }), 201);
    t.clock.advance(30 * 60_000);
    const out = await json<Attendance>(
      await t.request("POST", meetingPath(t, meeting.id, "check-outs"), { key: bob?.token, body: {} }),
      200,
    );
    expect(out).toMatchObject({ present: false, checkedOutAt: t.clock.now().toISOString() });
    // Leaving twice changes nothing.
    await json(await t.request("POST", meetingPath(t, meeting.id, "check-outs"), { body: { memberId: bob?.id } }), 200);
    const present = await json<{ data: Attendance[] }>(
      await t.request("GET", `${meetingPath(t, meeting.id, "check-ins")}?present=true`),
      200,
    );
    expect(present.data.map((a) => a.member.id)).toEqual([alice?.id]);
    // Coming back is a new check-in.
    await json(await t.request("POST", meetingPath(t, meeting.id, "check-ins"), { body: { memberId: bob?.id } }), 201);
    const all = await json<{ data: Attendance[] }>(await t.request("GET", `${meetingPath(t, meeting.id, "check-ins")}?present=true`), 200);
    expect(all.data).toHaveLength(2);
    const never = await createMember(t);
    const notIn = await t.request("POST", meetingPath(t, meeting.id, "check-outs"), { body: { memberId: never } });
    expect(notIn.status).toBe(409);
    expect(await problemOf(notIn)).toMatchObject({ reason: "not_checked_in" });
  });

  it("is for member meetings only: other kinds keep attendance on their registrations", async () => {
    const t = await testApp();
    const training = await createEvent(t, { kind: "training", registration: { mode: "open", capacity: null } });
    const [alice] = await activeMembers(t, 1);
    const response = await t.request("POST", meetingPath(t, training.id, "check-ins"), { body: { memberId: alice?.id } });
    expect(response.status).toBe(409);
    expect(await problemOf(response)).toMatchObject({ reason: "not_a_member_meeting" });
    await json(await t.request("POST", `/v1/orgs/${t.org}/events/${training.id}/registrations`, { key: alice?.token, body: {} }), 201);
  });

  it("leaves generating the code and checking others in to staff: readonly keys and members get 403", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const [alice, bob] = await activeMembers(t, 2);
    const readonly = await keyWithRole(t, "readonly");
    expect((await t.request("POST", meetingPath(t, meeting.id, "check-in-code"), { key: readonly, body: {} })).status).toBe(403);
    expect((await t.request("POST", meetingPath(t, meeting.id, "check-in-code"), { key: alice?.token, body: {} })).status).toBe(403);
    expect((await t.request("POST", meetingPath(t, meeting.id, "check-ins"), { key: readonly, body: { memberId: bob?.id } })).status).toBe(
      403,
    );
    expect((await t.request("GET", meetingPath(t, meeting.id, "check-ins"), { key: alice?.token })).status).toBe(403);
    expect((await t.request("GET", meetingPath(t, meeting.id, "check-ins"), { key: readonly })).status).toBe(200);
  });
});
