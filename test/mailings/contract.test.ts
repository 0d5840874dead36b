import { describe, expect, it } from "vitest";
import { problemOf, testApp } from "../helpers/app.ts";
import { recordStatements } from "../helpers/statements.ts";
import { createMailing, tick } from "./helpers.ts";
import { orgIdOf, seedMembers } from "./seed.ts";

describe("the mailings contract", () => {
  it("creates a mailing for all members and sends it through the outbox at its time", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    await seedMembers(t.database.client, orgId, [
      { name: "Åsa Berg", email: "asa@example.org" },
      { name: "Bo Ek", email: "bo@example.org", endsOn: "2026-10-31", graceUntil: "2026-11-30" },
      { name: "Lapsed", email: "lapsed@example.org", endsOn: "2025-12-31", graceUntil: "2026-01-30" },
      { name: "No consent", email: "nope@example.org", consentNewsletters: false },
      { name: "Never member", email: "never@example.org", noMembership: true },
    ]);
    const response = await t.request("POST", `/v1/orgs/${t.org}/mailings`, {
      body: {
        subject: "News for {{member.firstName}}",
        text: "Hello {{member.name}} of {{org.name}}.\nUnsubscribe: {{unsubscribeUrl}}",
        category: "newsletters",
        audience: { type: "all_members" },
        sendAt: "2026-11-21T09:00:00Z",
      },
    });
    expect(response.status).toBe(201);
    const mailing = (await response.json()) as { id: string; status: string };
    expect(mailing.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(mailing.status).toBe("scheduled");
    expect(response.headers.get("Location")).toBe(`/v1/orgs/demo/mailings/${mailing.id}`);

    await tick(t, "2026-11-21T08:59:00Z");
    expect(((await (await t.request("GET", `/v1/orgs/demo/outbox`)).json()) as { data: unknown[] }).data).toHaveLength(0);

    await tick(t, "2026-11-21T09:00:00Z");
    const outbox = (await (await t.request("GET", `/v1/orgs/demo/outbox`)).json()) as {
      data: { id: string; to: string; toName: string | null; subject: string }[];
      nextCursor: string | null;
    };
    expect(outbox.nextCursor).toBeNull();
    expect(outbox.data.map((m) => `${m.toName} ${m.to}`).sort()).toEqual(["Bo Ek bo@example.org", "Åsa Berg asa@example.org"]);
    expect(outbox.data.map((m) => m.subject).sort()).toEqual(["News for Bo", "News for Åsa"]);

    const one = (await (await t.request("GET", `/v1/orgs/demo/outbox/${outbox.data[0]?.id}`)).json()) as {
      headers: Record<string, string>;
      text: string;
      raw: string;
    };
    expect(one.headers["List-Unsubscribe"]).toMatch(/^<https:\/\/api\.example\.org\/v1\/orgs\/demo\/unsubscribe\/[0-9a-z]+\.[\w-]+>$/);
    expect(one.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(one.text).toContain("of Demo organisation");
    expect(one.raw).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    expect(one.raw).toMatch(/Content-Type: multipart\/alternative|Content-Type: text\/plain; charset=utf-8/);

    const read = (await (await t.request("GET", `/v1/orgs/demo/mailings/${mailing.id}`)).json()) as {
      status: string;
      progress: Record<string, number>;
    };
    expect(read.status).toBe("sent");
    expect(read.progress).toMatchObject({ total: 3, sent: 2, suppressed: 1, pending: 0, failed: 0 });
    const suppressed = (await (await t.request("GET", `/v1/orgs/demo/mailings/${mailing.id}/deliveries?status=suppressed`)).json()) as {
      data: { reason: string }[];
    };
    expect(suppressed.data.map((d) => d.reason)).toEqual(["no_consent"]);
  });

  it("refuses unknown template variables and unknown groups with 422", async () => {
    const t = await testApp();
    const response = await t.request("POST", `/v1/orgs/${t.org}/mailings`, {
      body: { subject: "Hi {{member.nmae}}", text: "x", category: "newsletters", audience: { type: "all_members" } },
    });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.errors?.[0]?.field).toBe("body.subject");
    expect(problem.errors?.[0]?.message).toContain("{{member.nmae}}");

    const group = await t.request("POST", `/v1/orgs/${t.org}/mailings`, {
      body: {
        subject: "Hi",
        text: "x",
        category: "newsletters",
        audience: { type: "group", groupId: "0190d3c4-0000-7000-8000-000000000000" },
      },
    });
    expect(group.status).toBe(422);
    expect((await problemOf(group)).errors?.[0]?.field).toBe("body.audience.groupId");

    const cron = await t.request("POST", `/v1/orgs/${t.org}/mailings`, {
      body: { subject: "Hi", text: "x", category: "newsletters", audience: { type: "all_members" }, recurrence: "every monday" },
    });
    expect(cron.status).toBe(422);
  });

  it("keeps drafts, previews them, and sends nothing for a cancelled mailing", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    await seedMembers(t.database.client, orgId, [{ name: "Cai Dahl", email: "cai@example.org" }, { email: null }]);
    const draft = await createMailing(t, {
      subject: "S",
      text: "Hi {{member.firstName}}",
      category: "statutory",
      audience: { type: "all_members" },
    });
    expect(draft.status).toBe("draft");
    // The audience is counted and sampled by long reads, on a thread of their own: the app's own connection reads no members for it.
    const onTheLoop = recordStatements(t);
    const preview = (await (await t.request("GET", `/v1/orgs/demo/mailings/${draft.id}/preview`)).json()) as {
      recipients: number;
      audienceSize: number;
      sample: { to: string; text: string; headers: Record<string, string> };
    };
    expect(preview).toMatchObject({ recipients: 1, audienceSize: 2, sample: { to: "Cai Dahl <cai@example.org>", text: "Hi Cai" } });
    expect(onTheLoop.filter(({ sql }) => sql.includes("AS mailed") || sql.includes("AS group_id"))).toEqual([]);
    expect(preview.sample.headers["List-Unsubscribe"]).toBeUndefined();

    const scheduled = await t.request("PATCH", `/v1/orgs/demo/mailings/${draft.id}`, {
      body: { status: "scheduled", sendAt: "2026-11-21T10:00:00Z" },
      headers: { "If-Match": '"1"' },
    });
    expect(scheduled.status).toBe(200);
    expect(
      (await t.request("PATCH", `/v1/orgs/demo/mailings/${draft.id}`, { body: { subject: "T" }, headers: { "If-Match": '"1"' } })).status,
    ).toBe(412);
    expect((await t.request("POST", `/v1/orgs/demo/mailings/${draft.id}/cancel`)).status).toBe(200);
    await tick(t, "2026-11-21T10:00:00Z");
    const outbox = (await (await t.request("GET", `/v1/orgs/demo/outbox`)).json()) as { data: unknown[] };
    expect(outbox.data).toHaveLength(0);
  });
});
