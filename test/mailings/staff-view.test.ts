import { describe, expect, it } from "vitest";
import { createOutboxMailer } from "../../src/mail/outbox.ts";
import { announce, createElection } from "../elections/helpers.ts";
import { type TestApp, testApp } from "../helpers/app.ts";
import { createMailing, mailConfig, tick } from "./helpers.ts";
import { addToGroup, orgIdOf, seedGroup, seedMembers } from "./seed.ts";

/** What staff see of the mail they send: automatic mailings by subject and subject matter, and the outbox by recipient and mailing. */

interface MailingItem {
  id: string;
  kind: string;
  subject: string;
  resolvedSubject: string;
  about: { type: string; id: string | null; occurrenceStart: string | null; month: string | null; href: string | null } | null;
}

async function mailings(t: TestApp, kind: string) {
  const response = await t.request("GET", `/v1/orgs/demo/mailings?kind=${kind}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: MailingItem[] }).data;
}

interface OutboxItem {
  to: string;
  toName: string | null;
  mailingId: string | null;
  subject: string;
}

async function outbox(t: TestApp, query = "") {
  const response = await t.request("GET", `/v1/orgs/demo/outbox${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { data: OutboxItem[] }).data;
}

describe("GET /mailings", () => {
  it("shows automatic mailings by their resolved subject and what they are about: a group's month, an event, an election", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = await orgIdOf(client);
    const north = await seedGroup(client, orgId, { name: "North" });
    const [ada] = await seedMembers(client, orgId, [{ name: "Ada North", email: "ada@example.org" }]);
    await addToGroup(client, orgId, north, ada ?? "", "convener");
    const created = await t.request("POST", "/v1/orgs/demo/events", {
      body: {
        title: "Board meeting",
        kind: "group_meeting",
        groupId: north,
        visibility: "group",
        timeZone: "Europe/Stockholm",
        startsAt: "2026-12-03T17:00:00.000Z",
        endsAt: "2026-12-03T19:00:00.000Z",
      },
    });
    expect(created.status).toBe(201);
    const meeting = ((await created.json()) as { id: string }).id;
    for (const kind of ["monthly_group", "meeting_summons"]) {
      const response = await t.request("PUT", `/v1/orgs/demo/mailing-automations/${kind}`, { body: { enabled: true } });
      expect(response.status).toBe(200);
    }
    await tick(t, "2026-12-01T06:00:00Z");
    await tick(t, "2026-12-01T07:00:00Z");
    const election = await createElection(t);
    await announce(t, election.id);

    const [monthly] = await mailings(t, "monthly_group");
    expect(monthly).toMatchObject({
      subject: "{{org.name}}: {{month}} för {{group.name}}",
      resolvedSubject: "Demo organisation: december 2026 för North",
      about: { type: "group", id: north, month: "2026-12", href: `/v1/orgs/demo/groups/${north}` },
    });
    const [summons] = await mailings(t, "meeting_summons");
    expect(summons?.resolvedSubject).toMatch(/^Kallelse: Board meeting, .*3 december 2026$/);
    expect(summons?.about).toEqual({
      type: "event",
      id: meeting,
      occurrenceStart: "2026-12-03T17:00:00.000Z",
      month: null,
      href: `/v1/orgs/demo/events/${meeting}`,
    });
    const [call] = await mailings(t, "election_call");
    expect(call?.resolvedSubject).not.toContain("{{");
    expect(call?.about).toMatchObject({ type: "election", id: election.id, href: `/v1/orgs/demo/elections/${election.id}` });
  });
});

describe("GET /outbox", () => {
  it("gives every kind of mail one `to` shape, and is filtered by recipient and by mailing", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    await seedMembers(t.database.client, orgId, [
      { name: "Ada North", email: "ada@example.org" },
      { name: "Bo South", email: "bo@example.org" },
    ]);
    const first = await createMailing(t, {
      subject: "First",
      text: "Hello",
      category: "statutory",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    const second = await createMailing(t, {
      subject: "Second",
      text: "Hello",
      category: "statutory",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    await tick(t, "2026-11-21T09:00:00Z");
    // A single message, as the sign-in code goes: a bare address.
    await createOutboxMailer(t.db, t.clock, mailConfig.mail.from).send({ to: "ada@example.org", orgId, subject: "Sign in", text: "Code" });

    const toAda = await outbox(t, "?to=ADA@example.org");
    expect(toAda.map((m) => [m.subject, m.to, m.toName, m.mailingId]).sort()).toEqual([
      ["First", "ada@example.org", "Ada North", first.id],
      ["Second", "ada@example.org", "Ada North", second.id],
      ["Sign in", "ada@example.org", null, null],
    ]);
    const ofFirst = await outbox(t, `?mailingId=${first.id}`);
    expect(ofFirst.map((m) => m.to).sort()).toEqual(["ada@example.org", "bo@example.org"]);
    expect(await outbox(t, `?mailingId=${second.id}&to=bo@example.org`)).toHaveLength(1);

    for (const query of ["?to=not-an-address", "?mailingId=nope"]) {
      const response = await t.request("GET", `/v1/orgs/demo/outbox${query}`);
      expect(response.status).toBe(422);
      expect(response.headers.get("Content-Type")).toContain("application/problem+json");
    }
  });
});
