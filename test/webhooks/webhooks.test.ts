import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/deps.ts";
import { runScheduled } from "../../src/jobs/cron-triggers.ts";
import { backoffMs, disableAfterFailures, disableAfterMs, maxAttempts } from "../../src/webhooks/deliver.ts";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership } from "../helpers/members.ts";
import { type Receiver, startReceiver } from "./receiver.ts";

const config = { webhooksAllowPrivate: true };

type Delivery = {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  error: string | null;
};

async function subscribe(t: TestApp, receiver: Receiver, eventTypes: string[]) {
  const response = await t.request("POST", `/v1/orgs/${t.org}/webhooks`, { body: { url: receiver.url, eventTypes } });
  const endpoint = await json<{ id: string; secret: string; enabled: boolean }>(response, 201);
  expect(response.headers.get("Location")).toBe(`/v1/orgs/${t.org}/webhooks/${endpoint.id}`);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  receiver.secrets.push(endpoint.secret);
  return endpoint;
}

/** Runs the every-minute trigger as the cron would, with the test's clock and settings. */
async function tick(t: TestApp) {
  const reports = await runScheduled("* * * * *", t.clock.now(), {
    db: t.db,
    mailer: t.mailer,
    clock: t.clock,
    config: { ...defaultConfig, ...config },
  });
  const report = reports.find((r) => r.job === "webhooks.deliver");
  expect(report?.ok, report?.error).toBe(true);
  return report?.result as { claimed: number; succeeded: number; retrying: number; failed: number; disabledEndpoints: number };
}

/** Every delivery of an endpoint, walking the log page by page. */
async function deliveryLog(t: TestApp, endpointId: string, limit = 5): Promise<Delivery[]> {
  const all: Delivery[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=${limit}&cursor=${cursor}` : `?limit=${limit}`;
    const page: { data: Delivery[]; nextCursor: string | null } = await json(
      await t.request("GET", `/v1/orgs/${t.org}/webhooks/${endpointId}/deliveries${query}`),
      200,
    );
    expect(page.data.length).toBeLessThanOrEqual(limit);
    all.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

async function newKey(t: TestApp, role: string) {
  return (await json<{ secret: string }>(await t.request("POST", `/v1/orgs/${t.org}/api-keys`, { body: { name: role, role } }), 201))
    .secret;
}

describe("webhooks", () => {
  it("deliver every member event, signed, exactly once to a receiver that fails every 5th request; retries show in the log", async () => {
    const t = await testApp(config);
    const receiver = await startReceiver((n) => n % 5 === 0);
    const endpoint = await subscribe(t, receiver, ["member.created", "member.updated", "member.erased"]);

    const expected: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const id = await createMember(t, { name: `Webhook member ${i}` });
      ids.push(id);
      expected.push(`member.created ${id}`);
    }
    for (const id of ids.slice(0, 5)) {
      await json(await t.request("PATCH", `/v1/orgs/${t.org}/members/${id}`, { body: { city: "Uppsala" } }), 200);
      expected.push(`member.updated ${id}`);
    }
    for (const id of ids.slice(8)) {
      expect((await t.request("DELETE", `/v1/orgs/${t.org}/members/${id}`)).status).toBe(204);
      expected.push(`member.erased ${id}`);
    }
    // A stale If-Match changes nothing, so it is no event either.
    const stale = await t.request("PATCH", `/v1/orgs/${t.org}/members/${ids[0]}`, {
      body: { city: "Lund" },
      headers: { "If-Match": '"1"' },
    });
    expect(stale.status).toBe(412);

    // Each request's deliveries were attempted right after its response; every 5th failed.
    const failedAtOnce = receiver.requests.filter((r) => r.status === 500).length;
    expect(receiver.requests).toHaveLength(expected.length);
    expect(failedAtOnce).toBe(Math.floor(expected.length / 5));

    // The minute's trigger retries them once their backoff has passed.
    for (let round = 0; round < maxAttempts && receiver.accepted.length < expected.length; round++) {
      t.clock.advance(backoffMs(round + 1));
      await tick(t);
    }
    expect(receiver.badSignatures).toBe(0);
    const acceptedIds = receiver.accepted.map((r) => r.id);
    // No message the receiver took was sent to it again.
    expect(receiver.requests.filter((r) => r.status < 300).map((r) => r.id)).toEqual(acceptedIds);
    const got = receiver.accepted.map((r) => {
      const body = JSON.parse(r.body) as { type: string; data: { id: string } };
      return `${body.type} ${body.data.id}`;
    });
    expect(got.sort()).toEqual([...expected].sort());
    // Nothing is sent again once accepted.
    await tick(t);
    expect(receiver.accepted).toHaveLength(expected.length);

    // The payload: the member's public shape; an erased member's only its id.
    const created = receiver.accepted.map((r) => JSON.parse(r.body)).find((b) => b.type === "member.created" && b.data.id === ids[1]);
    expect(created).toMatchObject({
      type: "member.created",
      timestamp: expect.any(String),
      data: { id: ids[1], name: "Webhook member 1", status: "none" },
    });
    const erased = receiver.accepted.map((r) => JSON.parse(r.body)).find((b) => b.type === "member.erased" && b.data.id === ids[9]);
    expect(erased.data).toEqual({ id: ids[9] });

    const log = await deliveryLog(t, endpoint.id);
    expect(log).toHaveLength(expected.length);
    expect(log.every((d) => d.status === "succeeded" && d.responseStatus === 204)).toBe(true);
    const retried = log.filter((d) => d.attempts > 1);
    expect(retried).toHaveLength(failedAtOnce);
    // Each retried delivery's failed attempts reached the receiver under the same webhook-id.
    for (const delivery of retried) {
      const attempts = receiver.requests.filter((r) => r.id === delivery.eventId);
      expect(attempts.map((r) => r.status)).toEqual([...Array(delivery.attempts - 1).fill(500), 204]);
    }

    // Redelivery sends the same message again, as a new delivery in the log.
    const [first] = log.slice(-1) as [Delivery];
    const again = await t.request("POST", `/v1/orgs/${t.org}/webhooks/${endpoint.id}/deliveries/${first.id}/redeliver`);
    const redelivery = await json<Delivery>(again, 202);
    expect(redelivery).toMatchObject({ eventId: first.eventId, eventType: first.eventType, attempts: 0 });
    const resent = receiver.requests.filter((r) => r.id === first.eventId);
    expect(resent.at(-1)?.body).toBe(resent[0]?.body);
    expect(resent.length).toBe(first.attempts + 1);
    const after = await deliveryLog(t, endpoint.id, 50);
    expect(after).toHaveLength(expected.length + 1);
    expect(after[0]).toMatchObject({ id: redelivery.id, status: expect.stringMatching(/succeeded|pending/) });
  }, 60_000);

  it("disable an endpoint that keeps failing, tell the organisation's contact address, and hold its deliveries until enabled", async () => {
    const t = await testApp(config);
    await json(await t.request("PATCH", `/v1/orgs/${t.org}`, { body: { contact: { email: "board@example.org" } } }), 200);
    const receiver = await startReceiver(() => true);
    const endpoint = await subscribe(t, receiver, ["member.created"]);
    const start = t.clock.now().getTime();

    // Two members: 2 × 8 attempts fail over about 18 hours; not enough time yet to disable.
    await createMember(t);
    await createMember(t);
    for (let i = 0; i < 24 * 6; i++) {
      t.clock.advance(10 * 60_000);
      await tick(t);
    }
    expect(receiver.requests).toHaveLength(2 * maxAttempts);
    expect(2 * maxAttempts).toBeGreaterThanOrEqual(disableAfterFailures);
    expect(t.clock.now().getTime() - start).toBeGreaterThanOrEqual(disableAfterMs);
    const log = await deliveryLog(t, endpoint.id);
    expect(log.map((d) => [d.status, d.attempts, d.responseStatus])).toEqual([
      ["failed", maxAttempts, 500],
      ["failed", maxAttempts, 500],
    ]);
    expect(log[0]?.error).toContain("500");

    // The next failure, more than a day into the run of failures, disables it.
    expect(t.mailer.sent).toHaveLength(0);
    await createMember(t);
    const disabled = await json<{ enabled: boolean; disabledReason: string; disabledAt: string }>(
      await t.request("GET", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`),
      200,
    );
    expect(disabled.enabled).toBe(false);
    expect(disabled.disabledReason).toContain("failed delivery attempts in a row");
    expect(disabled.disabledReason).toContain("board@example.org");
    expect(t.mailer.sent).toHaveLength(1);
    expect(t.mailer.sent[0]).toMatchObject({ to: "board@example.org", subject: expect.stringContaining(receiver.url) });

    // While disabled, nothing is sent, and changes meanwhile are not queued for it; redelivery is refused.
    const count = receiver.requests.length;
    const unseen = await createMember(t);
    t.clock.advance(60 * 60_000);
    await tick(t);
    expect(receiver.requests).toHaveLength(count);
    expect(await deliveryLog(t, endpoint.id)).toHaveLength(3);
    const refused = await t.request("POST", `/v1/orgs/${t.org}/webhooks/${endpoint.id}/deliveries/${log[0]?.id}/redeliver`);
    expect((await problemOf(refused)).code).toBe("conflict");

    // Enabled again, the delivery that was waiting (the third member's) goes out on the next tick.
    const etag = (await t.request("GET", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`)).headers.get("ETag") ?? "";
    const enabled = await t.request("PATCH", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`, {
      body: { enabled: true },
      headers: { "If-Match": etag },
    });
    expect(await json(enabled, 200)).toMatchObject({ enabled: true, disabledReason: null });
    await tick(t);
    expect(receiver.requests).toHaveLength(count + 1);
    expect(receiver.requests.map((r) => JSON.parse(r.body).data.id)).not.toContain(unseen);
  }, 60_000);

  it("refuse URLs that could reach internal services with a 422 naming body.url, and change nothing", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    for (const url of [
      "http://hooks.example.org/x",
      "https://127.0.0.1/x",
      "https://localhost:8787/x",
      "https://[::1]/x",
      "https://10.0.0.7/x",
      "https://169.254.169.254/x",
      "https://db.internal/x",
    ]) {
      const response = await t.request("POST", `/v1/orgs/${t.org}/webhooks`, { body: { url, eventTypes: ["member.created"] } });
      expect(response.status, url).toBe(422);
      const problem = await problemOf(response);
      expect(problem.errors?.map((e) => e.field)).toEqual(["body.url"]);
    }
    const unknownType = await t.request("POST", `/v1/orgs/${t.org}/webhooks`, {
      body: { url: "https://hooks.example.org/x", eventTypes: ["ballot.cast"] },
    });
    expect((await problemOf(unknownType)).errors?.[0]?.field).toMatch(/^body\.eventTypes/);
    expect(await snapshot(t.database)).toBe(before);

    const ok = await json<{ id: string }>(
      await t.request("POST", `/v1/orgs/${t.org}/webhooks`, {
        body: { url: "https://hooks.example.org/x", eventTypes: ["member.created"] },
      }),
      201,
    );
    const moved = await t.request("PATCH", `/v1/orgs/${t.org}/webhooks/${ok.id}`, { body: { url: "https://192.168.0.10/x" } });
    expect((await problemOf(moved)).errors?.map((e) => e.field)).toEqual(["body.url"]);
  });

  it("are the admins' to manage and read: readonly and staff keys get 403, another organisation 404", async () => {
    const t = await testApp(config);
    const readonly = await newKey(t, "readonly");
    const staff = await newKey(t, "staff");
    const receiver = await startReceiver(() => false);
    const endpoint = await subscribe(t, receiver, ["member.created"]);
    const body = { url: receiver.url, eventTypes: ["member.created"] };
    for (const key of [readonly, staff]) {
      expect((await t.request("POST", `/v1/orgs/${t.org}/webhooks`, { key, body })).status).toBe(403);
      expect((await t.request("GET", `/v1/orgs/${t.org}/webhooks`, { key })).status).toBe(403);
      expect((await t.request("GET", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`, { key })).status).toBe(403);
      expect((await t.request("PATCH", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`, { key, body: { enabled: false } })).status).toBe(403);
      expect((await t.request("DELETE", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`, { key })).status).toBe(403);
      expect((await t.request("GET", `/v1/orgs/${t.org}/webhooks/${endpoint.id}/deliveries`, { key })).status).toBe(403);
      expect((await t.request("POST", `/v1/orgs/${t.org}/webhooks/${endpoint.id}/rotate-secret`, { key })).status).toBe(403);
    }
    expect((await t.request("GET", `/v1/orgs/${t.org}/webhooks`, { key: null })).status).toBe(401);
    const list = await json<{ data: { id: string; secret?: string }[] }>(await t.request("GET", `/v1/orgs/${t.org}/webhooks`), 200);
    expect(list.data.map((e) => e.id)).toEqual([endpoint.id]);
    expect(list.data[0]?.secret).toBeUndefined();
  });

  it("follow ETags and rotate secrets: both signatures for a day, so a receiver with either secret accepts", async () => {
    const t = await testApp(config);
    const receiver = await startReceiver(() => false);
    const endpoint = await subscribe(t, receiver, ["member.created"]);
    const stale = await t.request("PATCH", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`, {
      body: { description: "CRM" },
      headers: { "If-Match": '"7"' },
    });
    expect((await problemOf(stale)).code).toBe("precondition_failed");

    const rotated = await t.request("POST", `/v1/orgs/${t.org}/webhooks/${endpoint.id}/rotate-secret`, { headers: { "If-Match": '"1"' } });
    const { secret } = await json<{ secret: string }>(rotated, 200);
    expect(rotated.headers.get("ETag")).toBe('"2"');
    expect(secret).not.toBe(endpoint.secret);

    // A receiver that only knows the new secret, and one that only knows the old, both verify.
    receiver.secrets.splice(0, receiver.secrets.length, secret);
    await createMember(t);
    receiver.secrets.splice(0, receiver.secrets.length, endpoint.secret);
    await createMember(t);
    expect(receiver.accepted).toHaveLength(2);
    // After the day, only the new secret signs.
    t.clock.advance(25 * 60 * 60_000);
    await createMember(t);
    expect(receiver.badSignatures).toBe(1);

    const removed = await t.request("DELETE", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`, { headers: { "If-Match": '"2"' } });
    expect(removed.status).toBe(204);
    expect((await t.request("GET", `/v1/orgs/${t.org}/webhooks/${endpoint.id}/deliveries`)).status).toBe(404);
  });
});

describe("webhook events and Idempotency-Key", () => {
  it("a create retried with the same key is one event, delivered once after the commit", async () => {
    const t = await testApp(config);
    const receiver = await startReceiver(() => false);
    await subscribe(t, receiver, ["member.created"]);
    const send = () =>
      t.request("POST", `/v1/orgs/${t.org}/members`, { body: { name: "Once only" }, headers: { "Idempotency-Key": "member-once" } });
    const first = await json<{ id: string }>(await send(), 201);
    const replay = await send();
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    await tick(t);
    expect(receiver.accepted.map((r) => JSON.parse(r.body).data.id)).toEqual([first.id]);
  });

  it("an endpoint's secret is not kept for a replay of its creation", async () => {
    const t = await testApp(config);
    const receiver = await startReceiver(() => false);
    const create = () =>
      t.request("POST", `/v1/orgs/${t.org}/webhooks`, {
        body: { url: receiver.url, eventTypes: ["member.created"] },
        headers: { "Idempotency-Key": "hook-1" },
      });
    await json(await create(), 201);
    const again = await create();
    expect(again.status).toBe(409);
    expect(await again.text()).not.toContain("whsec_");
  });
});

describe("webhook log retention", () => {
  it("forgets events and deliveries a month old, but never one still waiting to be sent", async () => {
    const t = await testApp(config);
    const receiver = await startReceiver((n) => n === 2);
    const endpoint = await subscribe(t, receiver, ["member.created"]);
    await createMember(t);
    await createMember(t);
    const purge = async () => {
      const reports = await runScheduled("23 3 * * *", t.clock.now(), { db: t.db, mailer: t.mailer, clock: t.clock });
      return reports.find((r) => r.job === "webhooks.purge")?.result;
    };
    expect(await purge()).toEqual({ webhookEventsPurged: 0 });
    // The second delivery failed and waits; its endpoint is disabled meanwhile, so it waits a month.
    const etag = (await t.request("GET", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`)).headers.get("ETag") ?? "";
    await json(
      await t.request("PATCH", `/v1/orgs/${t.org}/webhooks/${endpoint.id}`, { body: { enabled: false }, headers: { "If-Match": etag } }),
      200,
    );
    t.clock.advance(31 * 86_400_000);
    expect(await purge()).toEqual({ webhookEventsPurged: 1 });
    const log = await deliveryLog(t, endpoint.id);
    expect(log.map((d) => d.status)).toEqual(["pending"]);
  });
});

describe("membership.lapsed", () => {
  it("is told once, the day after the grace period ends with no later period, and not for a member who renewed", async () => {
    const t = await testApp(config);
    const receiver = await startReceiver(() => false);
    await subscribe(t, receiver, ["membership.lapsed"]);
    const type = await createMembershipType(t, { graceDays: 30 });
    const [leaving, staying] = [await createMember(t), await createMember(t)];
    await giveMembership(t, leaving, type, "2026-01-01");
    await giveMembership(t, staying, type, "2026-01-01");
    await giveMembership(t, staying, type, "2027-01-01");

    // 2026 ends on 31 December; its grace on 30 January (Stockholm time).
    t.clock.set("2027-01-30T12:00:00.000Z");
    await tick(t);
    expect(receiver.accepted).toHaveLength(0);
    t.clock.set("2027-01-31T12:00:00.000Z");
    await tick(t);
    t.clock.advance(60_000);
    await tick(t);
    const bodies = receiver.accepted.map((r) => JSON.parse(r.body));
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      type: "membership.lapsed",
      data: { memberId: leaving, startsOn: "2026-01-01", endsOn: "2026-12-31", graceUntil: "2027-01-30" },
    });
  });
});
