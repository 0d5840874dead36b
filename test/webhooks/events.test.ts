import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/deps.ts";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { webhookEventTypes } from "../../src/webhooks/events.ts";
import { vote, votingElection } from "../elections/helpers.ts";
import { createEvent, createGroup } from "../events/helpers.ts";
import { json, testApp } from "../helpers/app.ts";
import { createActiveMember } from "../helpers/members.ts";
import { startReceiver } from "./receiver.ts";

const config = { webhooksAllowPrivate: true };

type Message = { type: string; timestamp: string; data: Record<string, unknown> & { id: string } };

describe("webhook events", () => {
  it("tell of every kind of change, each resource in its public shape, never a ballot", async () => {
    const t = await testApp(config);
    const receiver = await startReceiver(() => false);
    const hook = await json<{ secret: string }>(
      await t.request("POST", `/v1/orgs/${t.org}/webhooks`, { body: { url: receiver.url, eventTypes: [...webhookEventTypes] } }),
      201,
    );
    receiver.secrets.push(hook.secret);
    const o = `/v1/orgs/${t.org}`;

    // A member with a membership; in a group, with a new role, then out of it.
    const memberId = await createActiveMember(t);
    await json(await t.request("PATCH", `${o}/members/${memberId}`, { body: { city: "Malmö" } }), 200);
    const groupId = await createGroup(t);
    await json(await t.request("POST", `${o}/groups/${groupId}/members`, { body: { memberId, role: "member" } }), 201);
    await json(await t.request("PATCH", `${o}/groups/${groupId}/members/${memberId}`, { body: { role: "contact_person" } }), 200);
    expect((await t.request("DELETE", `${o}/groups/${groupId}/members/${memberId}`)).status).toBe(204);

    // An event, changed, a registration, changed, and the event cancelled.
    const event = await createEvent(t, { registration: { mode: "open" } });
    await json(await t.request("PATCH", `${o}/events/${event.id}`, { body: { title: "Group meeting, new room" } }), 200);
    const registration = await json<{ id: string }>(
      await t.request("POST", `${o}/events/${event.id}/registrations`, { body: { memberId } }),
      201,
    );
    await json(
      await t.request("PATCH", `${o}/events/${event.id}/registrations/${registration.id}`, { body: { status: "cancelled" } }),
      200,
    );
    await json(await t.request("PATCH", `${o}/events/${event.id}`, { body: { status: "cancelled" } }), 200);

    // An election, through voting (by the clock), counted and published.
    const { election, candidateIds, voters } = await votingElection(t, { candidates: 2, voters: 2, fields: { method: "plurality" } });
    expect((await vote(t, election.id, voters[0] as string, [candidateIds[0]])).status).toBe(201);
    t.clock.set(election.voting.closesAt);
    await json(await t.request("GET", `${o}/elections/${election.id}`), 200);
    await json(await t.request("POST", `${o}/elections/${election.id}/publish`, { body: { termStartsOn: "2027-01-01" } }), 200);

    // A mailing sent by the minute's trigger.
    const mailing = await json<{ id: string }>(
      await t.request("POST", `${o}/mailings`, {
        body: { subject: "News", text: "Hello", category: "statutory", audience: { type: "all_members" } },
      }),
      201,
    );
    await json(
      await t.request("PATCH", `${o}/mailings/${mailing.id}`, { body: { status: "scheduled", sendAt: t.clock.now().toISOString() } }),
      200,
    );
    const erased = await createActiveMember(t);
    expect((await t.request("DELETE", `${o}/members/${erased}`)).status).toBe(204);
    // A person who is not a member, created and changed.
    const contact = await json<{ id: string }>(
      await t.request("POST", `${o}/contacts`, { body: { name: "Guest", email: "guest@example.org", gender: "woman" } }),
      201,
    );
    await json(await t.request("PATCH", `${o}/contacts/${contact.id}`, { body: { phone: "+46 70 111 11 11" } }), 200);
    // Several minutes' ticks: the first sends the mailing; the later ones retry any delivery a busy machine let fail.
    for (let i = 0; i < 6; i++) {
      const reports = await runScheduled("* * * * *", t.clock.now(), {
        db: t.db,
        mailer: t.mailer,
        clock: t.clock,
        config: { ...defaultConfig, ...config },
      });
      for (const report of reports) expect(report.ok, report.error).toBe(true);
      t.clock.advance(30 * 60_000);
    }

    expect(receiver.badSignatures).toBe(0);
    const messages = receiver.accepted.map((r) => JSON.parse(r.body) as Message);
    const types = new Set(messages.map((m) => m.type));
    // Every type but the lapse, which the calendar makes (tested on its own).
    expect([...types].sort()).toEqual(webhookEventTypes.filter((type) => type !== "membership.lapsed").sort());
    const of = (type: string) => messages.filter((m) => m.type === type);

    expect(of("membership.started")[0]?.data).toMatchObject({ memberId, kind: "active" });
    const changes = of("group_membership.changed").map((m) => [m.data.groupId, m.data.memberId, m.data.change].join(" "));
    expect(changes.sort()).toEqual([`${groupId} ${memberId} joined`, `${groupId} ${memberId} left`, `${groupId} ${memberId} role_changed`]);
    expect(of("event.created")[0]?.data).toMatchObject({ id: event.id, title: "Group meeting" });
    expect(of("event.changed")[0]?.data).toMatchObject({ id: event.id });
    expect(of("event.cancelled")[0]?.data).toMatchObject({ id: event.id, status: "cancelled" });
    expect(of("registration.created")[0]?.data).toMatchObject({ id: registration.id, eventId: event.id });
    expect(of("registration.changed")[0]?.data).toMatchObject({ id: registration.id, status: "cancelled" });
    const moves = of("election.status_changed")
      .filter((m) => m.data.id === election.id)
      .map((m) => `${m.data.from}→${m.data.to}`);
    // Each move once; deliveries go out several at a time and are retried, so they may arrive in any order.
    expect([...moves].sort()).toEqual(
      ["draft→nominating", "nominating→voting", "voting→closed", "closed→counted", "counted→published"].sort(),
    );
    expect(of("election.result_published")[0]?.data).toMatchObject({ id: election.id, status: "published" });
    // The election calls are mailings too; ours is among those sent.
    expect(of("mailing.sent").find((m) => m.data.id === mailing.id)?.data).toMatchObject({ id: mailing.id, status: "sent" });
    expect(of("member.erased").map((m) => m.data)).toEqual([{ id: erased }]);
    // A contact as a readonly key reads one: never the statistics fields.
    expect(of("contact.created")[0]?.data).toMatchObject({ id: contact.id, isMember: false, memberNumber: null });
    expect(of("contact.updated")[0]?.data).toMatchObject({ id: contact.id, phone: "+46 70 111 11 11" });
    for (const message of [...of("contact.created"), ...of("contact.updated")]) expect(message.data).not.toHaveProperty("gender");

    // Nothing of a ballot is ever in a message.
    for (const r of receiver.accepted) expect(r.body).not.toMatch(/ranking|receipt|ballot/i);
    // Each event sent once: no message the receiver took was sent to it again.
    expect(receiver.requests.filter((r) => r.status < 300)).toHaveLength(receiver.accepted.length);
  }, 60_000);
});
