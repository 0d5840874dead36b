import { describe, expect, it } from "vitest";
import { keyWithRole } from "../events/helpers.ts";
import { json, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { activeMembers, checkInAll, createMeeting, meetingPath, type RegisterBody } from "./helpers.ts";

interface Change {
  memberId: string | null;
  change: string;
  note: string | null;
  sizeAfter: number;
}

describe("the voting register", () => {
  it("is fixed by staff from those present, once; members see its count, keys the list", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const people = await activeMembers(t, 5);
    await checkInAll(
      t,
      meeting.id,
      people.map((p) => p.id),
    );
    await json(await t.request("POST", meetingPath(t, meeting.id, "check-outs"), { body: { memberId: people[4]?.id } }), 200);
    const before = await json<RegisterBody>(await t.request("GET", meetingPath(t, meeting.id, "voting-register")), 200);
    expect(before).toMatchObject({ fixed: false, count: 0, members: [] });

    const fixed = await json<RegisterBody>(await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { body: {} }), 201);
    expect(fixed).toMatchObject({ fixed: true, count: 4 });
    const again = await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { body: {} });
    expect(again.status).toBe(409);
    expect(await problemOf(again)).toMatchObject({ reason: "register_already_fixed" });

    const staffView = await json<RegisterBody>(await t.request("GET", meetingPath(t, meeting.id, "voting-register")), 200);
    expect(staffView.members?.map((m) => m.id).sort()).toEqual(
      people
        .slice(0, 4)
        .map((p) => p.id)
        .sort(),
    );
    const memberView = await json<RegisterBody>(
      await t.request("GET", meetingPath(t, meeting.id, "voting-register"), { key: people[0]?.token }),
      200,
    );
    expect(memberView).toMatchObject({ count: 4, members: null });
    const readonly = await keyWithRole(t, "readonly");
    expect((await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { key: readonly, body: {} })).status).toBe(403);
    expect((await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { key: people[0]?.token, body: {} })).status).toBe(403);
  });

  it("is adjusted by staff, each change logged with the size after it; bad adjustments are 409 and change nothing", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const [a, b, late, never] = await activeMembers(t, 4);
    const notFixed = await t.request("POST", meetingPath(t, meeting.id, "voting-register/changes"), {
      body: { memberId: a?.id, change: "remove" },
    });
    expect(await problemOf(notFixed)).toMatchObject({ status: 409, reason: "register_not_fixed" });
    await checkInAll(t, meeting.id, [a?.id as string, b?.id as string]);
    await json(await t.request("POST", meetingPath(t, meeting.id, "voting-register"), { body: {} }), 201);

    const before = await snapshot(t.database);
    for (const [body, reason] of [
      [{ memberId: a?.id, change: "add" }, "already_on_register"],
      [{ memberId: late?.id, change: "add" }, "not_checked_in"],
      [{ memberId: never?.id, change: "remove" }, "not_on_register"],
    ] as const) {
      const response = await t.request("POST", meetingPath(t, meeting.id, "voting-register/changes"), { body });
      expect(await problemOf(response)).toMatchObject({ status: 409, reason });
    }
    expect(await snapshot(t.database)).toBe(before);

    await checkInAll(t, meeting.id, [late?.id as string]);
    await json(
      await t.request("POST", meetingPath(t, meeting.id, "voting-register/changes"), {
        body: { memberId: late?.id, change: "add", note: "arrived at 19:10" },
      }),
      201,
    );
    await json(await t.request("POST", meetingPath(t, meeting.id, "check-outs"), { body: { memberId: b?.id } }), 200);
    await json(
      await t.request("POST", meetingPath(t, meeting.id, "voting-register/changes"), { body: { memberId: b?.id, change: "remove" } }),
      201,
    );
    const register = await json<RegisterBody>(await t.request("GET", meetingPath(t, meeting.id, "voting-register")), 200);
    expect(register.count).toBe(2);
    expect(register.members?.map((m) => m.id).sort()).toEqual([a?.id, late?.id].sort());
    const log = await json<{ data: Change[] }>(await t.request("GET", meetingPath(t, meeting.id, "voting-register/changes")), 200);
    expect(log.data).toEqual([
      expect.objectContaining({ memberId: null, change: "fixed", sizeAfter: 2 }),
      expect.objectContaining({ memberId: late?.id, change: "added", note: "arrived at 19:10", sizeAfter: 3 }),
      expect.objectContaining({ memberId: b?.id, change: "removed", sizeAfter: 2 }),
    ]);
  });

  it("is fixed once when staff fix it twice at the same moment", async () => {
    const t = await testApp();
    const meeting = await createMeeting(t);
    const people = await activeMembers(t, 3);
    await checkInAll(
      t,
      meeting.id,
      people.map((p) => p.id),
    );
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => t.request("POST", meetingPath(t, meeting.id, "voting-register"), { body: {} })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const log = await t.database.client.execute("SELECT count(*) AS n FROM voting_register_changes");
    expect(Number(log.rows[0]?.n)).toBe(1);
    const rows = await t.database.client.execute("SELECT count(*) AS n FROM voting_register");
    expect(Number(rows.rows[0]?.n)).toBe(3);
  });
});
