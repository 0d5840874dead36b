import { describe, expect, it } from "vitest";
import { createMemoryMailer, type MailMessage } from "../../src/mail/mailer.ts";
import { createAction, createCampaign } from "../groupwork/helpers.ts";
import { json, type TestApp, testApp } from "../helpers/app.ts";
import { tick } from "./helpers.ts";
import { addToGroup, orgIdOf, seedGroup, seedMembers } from "./seed.ts";

/**
 * The monthly group mailing tells each group what it did in the past calendar month (what it
 * recorded through the API: action reports, income, recruitments) and which of the section's
 * actions are open on the mailing's day.
 */

const to = (mail: MailMessage) => /<([^>]+)>/.exec(mail.to)?.[1] ?? mail.to;

async function enableMonthly(t: TestApp, body: Record<string, unknown> = {}) {
  await json(await t.request("PUT", "/v1/orgs/demo/mailing-automations/monthly_group", { body: { enabled: true, ...body } }), 200);
}

/** The run at 07:00 in Stockholm on 1 December, and the minute after it, when what is left is sent. */
async function runDecember(t: TestApp) {
  const mailer = createMemoryMailer();
  await tick(t, "2026-12-01T06:00:00Z", mailer);
  await tick(t, "2026-12-01T06:01:00Z", mailer);
  return mailer;
}

function mailTo(mailer: ReturnType<typeof createMemoryMailer>, address: string): MailMessage {
  const mails = mailer.sent.filter((m) => to(m) === address);
  expect(mails).toHaveLength(1);
  return mails[0] as MailMessage;
}

/** Two groups with a convener each, and a third that recorded nothing; the test's day is 2026-11-21. */
async function section(t: TestApp) {
  const client = t.database.client;
  const orgId = await orgIdOf(client);
  const north = await seedGroup(client, orgId, { name: "North" });
  const south = await seedGroup(client, orgId, { name: "South" });
  const quiet = await seedGroup(client, orgId, { name: "Quiet" });
  const [ada, bo, cy, recruit] = await seedMembers(client, orgId, [
    { name: "Ada North", email: "ada@example.org" },
    { name: "Bo South", email: "bo@example.org" },
    { name: "Cy Quiet", email: "cy@example.org" },
    { name: "New Recruit", email: "recruit@example.org" },
  ]);
  await addToGroup(client, orgId, north, ada ?? "", "convener");
  await addToGroup(client, orgId, south, bo ?? "", "convener");
  await addToGroup(client, orgId, quiet, cy ?? "", "convener");
  const campaign = await createCampaign(t);
  const open = await createAction(t, campaign, { title: "Free the prisoner", startsOn: "2026-11-01", endsOn: "2026-12-31" });
  const ending = await createAction(t, campaign, {
    kind: "petition",
    title: "Close the camp",
    startsOn: "2026-10-01",
    endsOn: "2026-11-30",
  });
  const report = async (group: string, body: Record<string, unknown>) =>
    json(await t.request("POST", `/v1/orgs/demo/groups/${group}/action-reports`, { body }), 201);
  await report(north, { actionId: open, kind: "letters", quantity: 12, doneOn: "2026-11-20" });
  await report(north, { actionId: ending, kind: "letters", quantity: 3, doneOn: "2026-11-02" });
  await report(north, { actionId: ending, kind: "signatures", quantity: 40, doneOn: "2026-11-10" });
  // October is not the past month of the December mailing.
  await report(north, { actionId: ending, kind: "letters", quantity: 100, doneOn: "2026-10-15" });
  await report(south, { actionId: open, kind: "letters", quantity: 5, doneOn: "2026-11-18" });
  await report(south, { actionId: open, kind: "street_activity", quantity: 2, reach: 300, doneOn: "2026-11-19" });
  const income = async (group: string, body: Record<string, unknown>) =>
    json(await t.request("POST", `/v1/orgs/demo/groups/${group}/income`, { body }), 201);
  await income(north, { amount: 1234.5, currency: "SEK", receivedOn: "2026-11-14", source: "street_collection" });
  await income(north, { amount: 200, currency: "SEK", receivedOn: "2026-11-01", source: "online" });
  await income(north, { amount: 10, currency: "SEK", receivedOn: "2026-10-31", source: "online" });
  await json(
    await t.request("POST", `/v1/orgs/demo/groups/${north}/expenses`, {
      body: { amount: 50, currency: "SEK", spentOn: "2026-11-15", description: "Leaflets" },
    }),
    201,
  );
  await json(
    await t.request("PUT", `/v1/orgs/demo/members/${recruit}/recruitment`, {
      body: { groupId: north, source: "staff", recruitedOn: "2026-11-05" },
    }),
    201,
  );
  return { north, south, quiet };
}

describe("the monthly group mailing's figures and open actions", () => {
  it("gives each group its own figures for the past month and lists the open actions, not an ended one", async () => {
    const t = await testApp();
    await section(t);
    await enableMonthly(t);

    const mailer = await runDecember(t);
    const north = mailTo(mailer, "ada@example.org").text;
    const south = mailTo(mailer, "bo@example.org").text;
    const quiet = mailTo(mailer, "cy@example.org").text;
    expect(north).toContain(
      "North i november 2026:\n- Skrivna brev: 15\n- Insamlade namnunderskrifter: 40\n- Insamlade pengar: 1434.50 SEK\n- Nya medlemmar som värvats: 1\n",
    );
    expect(south).toContain("South i november 2026:\n- Skrivna brev: 5\n- Gatuaktiviteter: 2\n");
    expect(south).not.toContain("Insamlade namnunderskrifter");
    expect(south).not.toContain("Insamlade pengar");
    expect(south).not.toContain("Nya medlemmar");
    expect(quiet).toContain("Quiet i november 2026:\n- Inget registrerat\n");
    for (const text of [north, south, quiet]) {
      expect(text).toContain(
        "Pågående aktioner:\n- Free the prisoner (Stop torture): The minister of justice, till och med 31 december 2026\n",
      );
      expect(text).not.toContain("Close the camp");
    }
  });

  it("fills the figures one by one in a template of the organisation's own", async () => {
    const t = await testApp();
    await section(t);
    await enableMonthly(t, {
      text: "{{group.name}}, {{lastMonth}}: {{figures.letters}} letters, {{figures.signatures}} signatures, {{figures.raised}} raised, {{figures.recruited}} recruited.\n",
    });
    const mailer = await runDecember(t);
    expect(mailTo(mailer, "ada@example.org").text).toBe(
      "North, november 2026: 15 letters, 40 signatures, 1434.50 SEK raised, 1 recruited.\n",
    );
    expect(mailTo(mailer, "bo@example.org").text).toBe("South, november 2026: 5 letters, 0 signatures, 0 raised, 0 recruited.\n");
    const typo = await t.request("PUT", "/v1/orgs/demo/mailing-automations/monthly_group", { body: { text: "{{figures.letter}}" } });
    expect(typo.status).toBe(422);
    expect(typo.headers.get("Content-Type")).toContain("application/problem+json");
  });
});
