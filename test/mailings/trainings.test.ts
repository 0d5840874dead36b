import { describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids.ts";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { type TestApp, testApp } from "../helpers/app.ts";
import { tick } from "./helpers.ts";
import { orgIdOf, seedMembers } from "./seed.ts";

/** Training announcements: a training once, however many sessions it has, to those who may apply for it. */

async function createTraining(t: TestApp, fields: Record<string, unknown>) {
  const response = await t.request("POST", "/v1/orgs/demo/events", {
    body: {
      kind: "training",
      timeZone: "Europe/Stockholm",
      visibility: "members",
      startsAt: "2026-12-01T17:00:00.000Z",
      endsAt: "2026-12-01T19:00:00.000Z",
      ...fields,
    },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

describe("training announcements", () => {
  it("announce a three-session course once, to members who have not applied, and not a training nobody can register for", async () => {
    const t = await testApp();
    const client = t.database.client;
    const orgId = await orgIdOf(client);
    const [, bo] = await seedMembers(client, orgId, [
      { name: "Ada Member", email: "ada@example.org" },
      { name: "Bo Applied", email: "bo@example.org" },
    ]);
    const course = await createTraining(t, {
      title: "Organising course",
      recurrence: { rrule: "FREQ=WEEKLY;COUNT=3" },
      registration: { mode: "application" },
    });
    await createTraining(t, { title: "Drop-in study circle", registration: { mode: "none" } });
    await client.execute({
      sql: `INSERT INTO event_registrations (id, org_id, event_id, member_id, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'applied', '2026-11-21T08:00:00Z', '2026-11-21T08:00:00Z')`,
      args: [newId(), orgId, course, bo ?? ""],
    });
    const configure = await t.request("PUT", "/v1/orgs/demo/mailing-automations/training_announcement", { body: { enabled: true } });
    expect(configure.status, await configure.clone().text()).toBe(200);

    const mailer = createMemoryMailer();
    // Mondays 08:00 in Stockholm: the course's sessions are all within the lead time of the first run.
    for (const at of ["2026-11-23T07:00:00Z", "2026-11-23T07:01:00Z", "2026-11-30T07:00:00Z", "2026-11-30T07:01:00Z"]) {
      await tick(t, at, mailer);
    }
    expect(mailer.sent.map((m) => `${m.to}: ${m.subject}`)).toEqual(["Ada Member <ada@example.org>: Utbildning: Organising course"]);
  });
});
