import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createMember } from "../helpers/members.ts";
import { keyWithRole } from "../members/fixtures.ts";

const contacts = "/v1/orgs/demo/contacts";
const members = "/v1/orgs/demo/members";
const header =
  "name,email,phone,street,postal_code,city,country,preferred_language,gender,birth_year,consent_newsletters,consent_meeting_summons,consent_campaign_news";

const csv = (...lines: string[]) => `${lines.join("\r\n")}\r\n`;
const importContacts = (t: TestApp, body: string, query = "") =>
  t.request("POST", `${contacts}/import${query}`, { body, headers: { "Content-Type": "text/csv" } });

type Person = { id: string; name: string; isMember: boolean; source: string; gender?: string | null; birthYear?: number | null };
const people = async (t: TestApp) => (await json<{ data: Person[] }>(await t.request("GET", contacts), 200)).data;

describe("the contacts CSV", () => {
  it("exports every person in the import's columns, statistics and consents included, to staff and admin keys", async () => {
    const t = await testApp();
    await createMember(t, { name: "Anna Member", email: "anna@example.org", consents: { newsletters: true } });
    await t.request("POST", contacts, {
      body: { name: "Bo Contact", email: "bo@example.org", gender: "man", birthYear: 1999, country: "gt", preferredLanguage: "es" },
    });
    const response = await t.request("GET", `${contacts}/export.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="demo-contacts.csv"');
    expect((await response.text()).split("\r\n")).toEqual([
      header,
      "Anna Member,anna@example.org,,,11455,,,,,,yes,yes,no",
      "Bo Contact,bo@example.org,,,,,GT,es,man,1999,no,yes,no",
      "",
    ]);
    const onlyContacts = await (await t.request("GET", `${contacts}/export.csv?member=false`)).text();
    expect(onlyContacts).not.toContain("anna@example.org");
    expect((await t.request("GET", `${contacts}/export.csv`, { key: await keyWithRole(t, "readonly") })).status).toBe(403);
  });

  it("imports contacts (source import, not members), updates people matched by e-mail, and changes nothing the second time", async () => {
    const t = await testApp();
    const member = await createMember(t, { name: "Cilla", email: "cilla@example.org" });
    const file = csv(
      header,
      "Cilla,CILLA@example.org,,,,,,,woman,1980,,,",
      "Dan,dan@example.org,,,,,SE,sv,man,2004,yes,,",
      "Eli,eli@example.org,,,,,,,,,,,",
    );
    const dry = await importContacts(t, file, "?dryRun=true");
    expect(await json(dry, 200)).toEqual({ created: 2, updated: 1, unchanged: 0, memberships: 0, payments: 0, dryRun: true });
    expect(await importContacts(t, file).then((r) => json(r, 200))).toMatchObject({ created: 2, updated: 1, unchanged: 0 });

    const byName = Object.fromEntries((await people(t)).map((p) => [p.name, p]));
    expect(byName.Cilla).toMatchObject({ id: member, isMember: true, source: "staff", gender: "woman", birthYear: 1980 });
    expect(byName.Dan).toMatchObject({ isMember: false, source: "import", gender: "man", birthYear: 2004 });
    expect(byName.Dan).toMatchObject({ consents: { newsletters: true, meetingSummons: true, campaignNews: false } });
    expect(byName.Eli).toMatchObject({ isMember: false, source: "import" });
    expect(await (await t.request("GET", "/v1/orgs/demo/members.csv")).text()).not.toContain("dan@example.org");

    const before = await snapshot(t.database);
    expect(await json(await importContacts(t, file), 200)).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    // The export imports back unchanged.
    const exported = await (await t.request("GET", `${contacts}/export.csv`)).text();
    expect(await json(await importContacts(t, exported), 200)).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await snapshot(t.database)).toBe(before);
  });

  it("refuses a file with errors as a whole, naming each row and column", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const response = await importContacts(
      t,
      csv(
        "name,email,gender,birth_year",
        "Ann,ann@example.org,female,1990",
        "Bea,bea@example.org,woman,90",
        ",cid@example.org,,",
        "Dag,,,",
      ),
    );
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors).toEqual([
      { field: "row 2 column gender", message: expect.any(String) },
      { field: "row 3 column birth_year", message: "must be a year such as 1994" },
      { field: "row 4 column name", message: "is needed for a new contact" },
      { field: "row 5", message: "needs an email" },
    ]);
    const membersColumns = await importContacts(t, csv("member_number,name,email", "1,Ann,ann@example.org"));
    expect(membersColumns.status).toBe(422);
    expect((await problemOf(membersColumns)).errors?.[0]?.field).toBe("row 1 column 1");
    expect(await snapshot(t.database)).toBe(before);
  });

  it("enrols a contact the member import matches by e-mail, under the same id", async () => {
    const t = await testApp();
    await createMember(t, { email: "first@example.org" });
    const contact = await json<{ id: string }>(
      await t.request("POST", contacts, { body: { name: "Frida", email: "frida@example.org" } }),
      201,
    );
    const response = await t.request("POST", `${members}/import`, {
      body: csv("name,email,city", "Frida,FRIDA@example.org,Lund"),
      headers: { "Content-Type": "text/csv" },
    });
    expect(await json(response, 200)).toMatchObject({ created: 0, updated: 1 });
    expect(await json(await t.request("GET", `${members}/${contact.id}`), 200)).toMatchObject({ memberNumber: "2", city: "Lund" });
    expect(await json(await t.request("GET", `${contacts}/${contact.id}`), 200)).toMatchObject({ isMember: true });
  });
});
