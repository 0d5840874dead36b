import { describe, expect, it } from "vitest";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { announce, base, createPosition, type ElectionBody, stand } from "../elections/helpers.ts";
import { json, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember } from "../helpers/members.ts";
import { tick } from "../mailings/helpers.ts";
import { createMeeting } from "./helpers.ts";

async function meetingElection(t: TestApp, eventId: string, title: string, seats: number) {
  const election = await json<ElectionBody>(
    await t.request("POST", `${base(t)}/elections`, {
      body: {
        positionId: await createPosition(t, { title, seats }),
        method: "plurality",
        electorate: { source: "meeting", eventId },
        nomination: { opensAt: t.clock.now().toISOString(), closesAt: "2026-12-01T16:00:00.000Z" },
      },
    }),
    201,
  );
  await announce(t, election.id);
  return election;
}

describe("the notice of the member meeting", () => {
  it("lists the elections on its agenda with the nominating committee's proposal, names in its order", async () => {
    const t = await testApp();
    // The organisation is Swedish; Anna reads English.
    const anna = await createActiveMember(t, { name: "Anna Berg", email: "anna@example.org", preferredLanguage: "en" });
    const bo = await createActiveMember(t, { name: "Bo Ek" });
    const cleo = await createActiveMember(t, { name: "Cleo Lind" });
    const meeting = await createMeeting(t, { startsAt: "2026-12-05T13:00:00.000Z", endsAt: "2026-12-05T17:00:00.000Z" });
    const chair = await meetingElection(t, meeting.id, "Chair", 1);
    const board = await meetingElection(t, meeting.id, "Board", 2);
    await meetingElection(t, meeting.id, "Auditors", 1);
    await stand(t, chair.id, anna);
    for (const id of [anna, bo, cleo]) await stand(t, board.id, id);
    const propose = (electionId: string, memberIds: string[]) =>
      t.request("PUT", `${base(t)}/elections/${electionId}/proposal`, { body: { entries: memberIds.map((memberId) => ({ memberId })) } });
    await json(await propose(chair.id, [anna]), 200);
    await json(await propose(board.id, [cleo, bo]), 200);
    expect((await t.request("PUT", `${base(t)}/mailing-automations/member_meeting_notice`, { body: { enabled: true } })).status).toBe(200);

    const mailer = createMemoryMailer();
    // 08:00 in Stockholm.
    await tick(t, "2026-11-22T07:00:00Z", mailer);
    const notices = mailer.sent.filter((m) => m.subject.startsWith("Kallelse till medlemsmöte"));
    expect(notices).toHaveLength(2);
    expect(notices[0]?.text).toContain(
      [
        "Val på dagordningen, med valberedningens förslag:",
        "- Chair (1 plats): förslag: Anna Berg",
        "- Board (2 platser): förslag: Cleo Lind, Bo Ek",
        "- Auditors (1): valberedningen har inte lämnat något förslag än",
      ].join("\n"),
    );
    const english = mailer.sent.filter((m) => m.subject.startsWith("Notice of the member meeting"));
    expect(english.map((m) => m.to)).toEqual(["Anna Berg <anna@example.org>"]);
    expect(english[0]?.text).toContain(
      [
        "Elections on the agenda, with the nominating committee's proposal:",
        "- Chair (1 seat): proposed: Anna Berg",
        "- Board (2 seats): proposed: Cleo Lind, Bo Ek",
        "- Auditors (1): no proposal from the nominating committee yet",
      ].join("\n"),
    );
  });
});
