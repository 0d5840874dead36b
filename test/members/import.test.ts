import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType } from "../helpers/members.ts";
import { insertArea, insertGroup } from "./fixtures.ts";

const members = "/v1/orgs/demo/members";
const header =
  "member_number,name,email,phone,street,postal_code,city,country,preferred_language,membership_type,membership_starts_on,paid_at,payment_reference";
const exportHeader = `${header},consent_newsletters,consent_meeting_summons,consent_campaign_news`;
const csv = (...lines: string[]) => `${lines.join("\r\n")}\r\n`;

function importCsv(t: TestApp, text: string, query = "") {
  return t.request("POST", `${members}/import${query}`, { body: text, headers: { "Content-Type": "text/csv; charset=utf-8" } });
}

async function rejected(t: TestApp, text: string) {
  const before = await snapshot(t.database);
  const response = await importCsv(t, text);
  expect(response.status).toBe(422);
  const problem = await problemOf(response);
  expect(await snapshot(t.database)).toBe(before);
  return problem.errors ?? [];
}

type Member = {
  id: string;
  name: string;
  memberNumber: string;
  email: string | null;
  areaId: string | null;
  status: string;
  postalCode: string | null;
};
const listAll = async (t: TestApp) => (await json<{ data: Member[] }>(await t.request("GET", `${members}?limit=200`), 200)).data;

describe("CSV import", () => {
  it("creates members with their memberships, assigning districts and numbers", async () => {
    const t = await testApp();
    const area = await insertArea(t, "N", ["11455"]);
    await createMembershipType(t, { name: "Active member" });
    const response = await importCsv(
      t,
      csv(
        header,
        '10,"Berg, Anna",anna@example.org,+46 70 1,Storgatan 1,114 55,Stockholm,se,sv-SE,Active member,2026-01-01,2026-01-02,OCR 1',
        ",Bo Ek,bo@example.org,,,,,,,,,,",
        ",Cecilia Ström,cecilia@example.org,,,99999,,,,active MEMBER,2025-01-01,,",
      ),
    );
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await json(response, 200)).toEqual({ created: 3, updated: 0, unchanged: 0, memberships: 2, payments: 0, dryRun: false });
    const list = await listAll(t);
    expect(list.map((m) => [m.name, m.memberNumber, m.status])).toEqual([
      ["Berg, Anna", "10", "current"],
      ["Bo Ek", "11", "none"],
      ["Cecilia Ström", "12", "lapsed"],
    ]);
    expect(list[0]).toMatchObject({ areaId: area, postalCode: "114 55", country: "SE", phone: "+46 70 1" });
    const history = await json<{ data: { reason: string }[] }>(await t.request("GET", `${members}/${list[0]?.id}/district-history`), 200);
    expect(history.data.map((s) => s.reason)).toEqual(["import"]);
  });

  it("changes nothing when the same file is imported again", async () => {
    const t = await testApp();
    await createMembershipType(t, { name: "Active" });
    const file = csv(
      "Name,EMAIL,Membership_Type,membership_starts_on,paid_at",
      "Anna,anna@example.org,Active,2026-01-01,2026-01-05",
      "Bo,bo@example.org,,,",
    );
    expect(await json(await importCsv(t, file), 200)).toMatchObject({ created: 2, memberships: 1 });
    const before = await snapshot(t.database);
    const again = await importCsv(t, file);
    expect(await json(again, 200)).toEqual({ created: 0, updated: 0, unchanged: 2, memberships: 0, payments: 0, dryRun: false });
    expect(await snapshot(t.database)).toBe(before);
  });

  it("updates changed fields of matched members, moves their district, and never clears with an empty cell", async () => {
    const t = await testApp();
    const north = await insertArea(t, "N", ["11455"]);
    const south = await insertArea(t, "S", ["11860"]);
    await insertGroup(t, "district", [south]);
    const byNumber = await createMember(t, {
      memberNumber: "5",
      name: "Anna",
      email: "anna@example.org",
      phone: "08-1",
      postalCode: "11455",
    });
    const byEmail = await createMember(t, { name: "Bo", email: "bo@example.org", postalCode: "11455" });
    const untouched = await createMember(t, { memberNumber: "7", name: "Cilla", email: "cilla@example.org" });
    const response = await importCsv(
      t,
      csv("member_number,name,email,phone,postal_code", "5,Anna Berg,,,11860", "77,Bo,BO@example.org,,", "7,Cilla,cilla@example.org,,"),
    );
    expect(await json(response, 200)).toMatchObject({ created: 0, updated: 2, unchanged: 1 });
    const anna = await json<Member>(await t.request("GET", `${members}/${byNumber}`), 200);
    expect(anna).toMatchObject({ name: "Anna Berg", email: "anna@example.org", phone: "08-1", postalCode: "11860", areaId: south });
    const bo = await json<Member>(await t.request("GET", `${members}/${byEmail}`), 200);
    expect(bo).toMatchObject({ memberNumber: "77", email: "BO@example.org", areaId: north });
    expect((await json<Member>(await t.request("GET", `${members}/${untouched}`), 200)).memberNumber).toBe("7");
    const history = await json<{ data: { reason: string }[] }>(await t.request("GET", `${members}/${byNumber}/district-history`), 200);
    expect(history.data.map((s) => s.reason)).toEqual(["import", "created"]);
  });

  it("adds a membership once, and records a payment given for an existing one", async () => {
    const t = await testApp();
    await createMembershipType(t, { name: "Active" });
    await importCsv(t, csv("email,name,membership_type,membership_starts_on", "a@example.org,A,Active,2026-01-01"));
    const response = await importCsv(
      t,
      csv(
        "email,membership_type,membership_starts_on,paid_at,payment_reference",
        "a@example.org,Active,2026-01-01,2026-02-01,Bank 42",
        "a@example.org,Active,2027-01-01,,",
      ),
    );
    // The same member twice in one file is an error: nothing is written.
    expect(response.status).toBe(422);
    const ok = await importCsv(
      t,
      csv("email,membership_type,membership_starts_on,paid_at,payment_reference", "a@example.org,Active,2026-01-01,2026-02-01,Bank 42"),
    );
    expect(await json(ok, 200)).toMatchObject({ unchanged: 1, memberships: 0, payments: 1 });
    const [member] = await listAll(t);
    const periods = await json<{ data: { paidAt: string; paymentReference: string }[] }>(
      await t.request("GET", `${members}/${member?.id}/memberships`),
      200,
    );
    expect(periods.data).toEqual([expect.objectContaining({ paidAt: "2026-02-01", paymentReference: "Bank 42" })]);
  });

  it("rejects the whole file with an error per row and column, writing nothing", async () => {
    const t = await testApp();
    await createMembershipType(t, { name: "Active" });
    await createMember(t, { email: "taken@example.org", memberNumber: "9" });
    const errors = await rejected(
      t,
      csv(
        header,
        "1,Good Row,good@example.org,,,,,,,,,,",
        "2,Bad Mail,not-an-email,,,,,,,,,,",
        ",,,,,,,,,,,,",
        "3,,new3@example.org,,,,,,,,,,",
        "4,Date,d@example.org,,,,,,,Active,2027-02-29,,",
        "5,Type,t@example.org,,,,,,,Honorary,2026-01-01,,",
        "6,Start,s@example.org,,,,,,,Active,,,",
        "7,Dup,good@example.org,,,,,,,,,,",
        "9,Clash,taken2@example.org,,,,,,Klingon!,,,,",
        ",Nokey,,,,,,,,,,,",
        "10,Short,short@example.org",
        "11,Country,c@example.org,,,,,Sweden,,,,,",
        "12,Pay,p@example.org,,,,,,,,,2026-01-01,",
        "9,Steal,good@example.org,,,,,,,,,,",
      ),
    );
    expect(errors).toEqual([
      { field: "row 3 column email", message: expect.any(String) },
      { field: "row 5 column name", message: "is needed for a new member" },
      { field: "row 6 column membership_starts_on", message: "must be a real date" },
      { field: "row 7 column membership_type", message: "no membership type is named 'Honorary'" },
      { field: "row 8 column membership_starts_on", message: expect.stringContaining("is needed with membership_type") },
      { field: "row 9 column email", message: "the same e-mail address as row 2" },
      { field: "row 10 column preferred_language", message: expect.any(String) },
      { field: "row 11", message: "needs an email or a member_number" },
      { field: "row 12", message: "has 3 fields, the header has 13" },
      { field: "row 13 column country", message: expect.stringContaining("ISO 3166") },
      { field: "row 14 column paid_at", message: "needs a membership_type in the same row" },
      { field: "row 15 column member_number", message: "the same member number as row 10" },
      { field: "row 15 column email", message: "the same e-mail address as row 2" },
      { field: "row 15", message: "matches the same member as row 10" },
    ]);
  });

  it("refuses an e-mail address that belongs to another member", async () => {
    const t = await testApp();
    await createMember(t, { memberNumber: "1", email: "one@example.org" });
    await createMember(t, { memberNumber: "2", email: "two@example.org" });
    const errors = await rejected(t, csv("member_number,email", "1,two@example.org"));
    expect(errors).toEqual([{ field: "row 2 column email", message: "belongs to another member (number 2)" }]);
  });

  it("refuses new memberships of an archived type but accepts existing ones", async () => {
    const t = await testApp();
    const type = await createMembershipType(t, { name: "Old" });
    await importCsv(t, csv("email,name,membership_type,membership_starts_on", "a@example.org,A,Old,2025-01-01"));
    await t.request("POST", `/v1/orgs/demo/membership-types/${type}/archive`);
    expect((await importCsv(t, csv("email,membership_type,membership_starts_on", "a@example.org,Old,2025-01-01"))).status).toBe(200);
    const errors = await rejected(t, csv("email,membership_type,membership_starts_on", "a@example.org,Old,2026-01-01"));
    expect(errors[0]?.message).toContain("archived");
  });

  it.each([
    ["unknown columns", "name,email,shoe_size,colour\r\nA,a@example.org,42,red\r\n", ["row 1 column 3", "row 1 column 4"], "shoe_size"],
    ["a repeated column", "email,name,Email\r\na@example.org,A,b@example.org\r\n", ["row 1 column email"], "twice"],
    ["no key column", "name,phone\r\nA,1234\r\n", ["row 1"], "'email' or 'member_number'"],
    ["an empty file", "", ["row 1"], "empty"],
    ["an unclosed quote", 'name,email\r\n"Anna,a@example.org\r\n', ["row 2 column name"], "not closed"],
    ["a stray quote", 'name,email\r\nAn"na,a@example.org\r\n', ["row 2 column name"], "quote inside an unquoted field"],
    ["text after a closing quote", 'name,email\r\nAnna,"a@example.org"x\r\n', ["row 2 column email"], "follows the closing quote"],
  ])("rejects %s with 422 naming where", async (_, text, fields, message) => {
    const t = await testApp();
    const errors = await rejected(t, text);
    expect(errors.map((e) => e.field)).toEqual(fields);
    expect(errors[0]?.message).toContain(message);
  });

  it("reads a byte-order mark, semicolons, quoted line breaks and upper-case headers", async () => {
    const t = await testApp();
    const text = '\uFEFFNAME;EMAIL\r\n"Anna ""Annie"" Berg";anna@example.org\r\n';
    const response = await importCsv(t, text);
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await listAll(t)).map((m) => m.name)).toEqual(['Anna "Annie" Berg']);
  });

  it("checks without writing on a dry run", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const response = await importCsv(t, csv("name,email", "A,a@example.org", "B,b@example.org"), "?dryRun=true");
    expect(await json(response, 200)).toMatchObject({ created: 2, dryRun: true });
    expect(await snapshot(t.database)).toBe(before);
  });

  it("numbers many new members in sequence above the numbers the file gives", async () => {
    const t = await testApp();
    await createMember(t, { memberNumber: "100" });
    const rows = Array.from({ length: 250 }, (_, i) => (i === 5 ? `500,Given,given@example.org` : `,Person ${i},p${i}@example.org`));
    const response = await importCsv(t, csv("member_number,name,email", ...rows));
    expect(await json(response, 200)).toMatchObject({ created: 250 });
    const numbers = (await t.database.client.execute("SELECT member_number FROM members")).rows.map((r) => Number(r.member_number));
    expect(new Set(numbers).size).toBe(251);
    const assigned = numbers.filter((n) => n !== 100 && n !== 500).sort((a, b) => a - b);
    expect(assigned).toEqual(Array.from({ length: 249 }, (_, i) => 501 + i));
  });

  it("answers 415 to a body that is not CSV", async () => {
    const t = await testApp();
    const response = await t.request("POST", `${members}/import`, { body: { name: "x" } });
    expect(response.status).toBe(415);
  });

  it("accepts files above the general body limit up to its own limit of 10 MiB", async () => {
    // Every other route keeps the general limit of 1 MiB.
    const t = await testApp();
    const street = "S".repeat(190);
    const rows = Array.from({ length: 11_000 }, (_, i) => `Person ${i},p${i}@example.org,${street}`);
    const twoMiB = csv("name,email,street", ...rows);
    expect(twoMiB.length).toBeGreaterThan(2 * 1024 * 1024);
    const accepted = await importCsv(t, twoMiB, "?dryRun=true");
    expect(accepted.status).toBe(200);
    expect(await json(accepted, 200)).toMatchObject({ created: 11_000 });
    const tooBig = await importCsv(t, `name,email\r\n${"x".repeat(11 * 1024 * 1024)}\r\n`);
    expect(tooBig.status).toBe(413);
    expect((await problemOf(tooBig)).code).toBe("payload_too_large");
  });

  it("accepts a file with only a header, changing nothing", async () => {
    const t = await testApp();
    expect(await json(await importCsv(t, "name,email\r\n"), 200)).toEqual({
      created: 0,
      updated: 0,
      unchanged: 0,
      memberships: 0,
      payments: 0,
      dryRun: false,
    });
  });
});

describe("CSV export", () => {
  it("exports the list in the import's columns and imports back unchanged", async () => {
    const t = await testApp();
    await insertArea(t, "N", ["11455"]);
    const type = await createMembershipType(t, { name: "Active, full" });
    const anna = await createMember(t, {
      name: '=HYPERLINK("http://evil") Anna',
      email: "anna@example.org",
      phone: "+46 70 123 45 67",
      street: "Storgatan 1\nFlat 3",
      postalCode: "114 55",
      city: "Stockholm",
      country: "SE",
      preferredLanguage: "sv-SE",
    });
    await t.request("POST", `${members}/${anna}/memberships`, {
      body: { typeId: type, startsOn: "2026-01-01", paidAt: "2026-01-02T10:00:00Z", paymentReference: "Ref; 1" },
    });
    await createMember(t, { name: "Bo", email: null, memberNumber: "B-2" });

    const response = await t.request("GET", "/v1/orgs/demo/members.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/csv");
    const text = await response.text();
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(exportHeader);
    expect(text).toContain("'=HYPERLINK");
    expect(text).toContain("+46 70 123 45 67");

    const before = await snapshot(t.database);
    const reimport = await importCsv(t, text);
    expect(await json(reimport, 200)).toEqual({ created: 0, updated: 0, unchanged: 2, memberships: 0, payments: 0, dryRun: false });
    expect(await snapshot(t.database)).toBe(before);
  });

  it("writes consents as yes/no, and imports them back: setting, withdrawing, and leaving them alone when empty", async () => {
    const t = await testApp();
    await createMember(t, { name: "Anna", email: "anna@example.org", consents: { newsletters: true, campaignNews: false } });
    const text = await (await t.request("GET", "/v1/orgs/demo/members.csv")).text();
    expect(text.split("\r\n")[1]?.endsWith(",yes,yes,no")).toBe(true);

    const changed = csv(
      "email,name,consent_newsletters,consent_meeting_summons,consent_campaign_news",
      "anna@example.org,,NO,,ja",
      "new@example.org,New,0,true,",
    );
    expect(await json(await importCsv(t, changed), 200)).toMatchObject({ created: 1, updated: 1 });
    const consents = async (email: string) =>
      (await json<{ data: (Member & { consents: unknown })[] }>(await t.request("GET", `${members}?q=${email}`), 200)).data[0]?.consents;
    expect(await consents("anna@example.org")).toEqual({ newsletters: false, meetingSummons: true, campaignNews: true });
    // An empty cell of a new member takes the organisation's default: a new organisation sends no campaign news unasked.
    expect(await consents("new@example.org")).toEqual({ newsletters: false, meetingSummons: true, campaignNews: false });

    const errors = await rejected(t, csv("email,consent_newsletters", "anna@example.org,maybe"));
    expect(errors).toEqual([{ field: "row 2 column consent_newsletters", message: expect.stringContaining("yes or no") }]);
  });

  it("writes for Swedish Excel on ?dialect=excel: a UTF-8 byte-order mark, semicolons, CRLF; and that file imports back unchanged", async () => {
    const t = await testApp();
    await createMember(t, { name: "Åsa Öberg; Jr", email: "asa@example.org", city: "Göteborg", phone: "+46 70 123 45 67" });
    await createMember(t, { name: '=cmd|" /C calc"!A0', email: "x@example.org" });

    const response = await t.request("GET", "/v1/orgs/demo/members.csv?dialect=excel");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    const lines = text.slice(1).split("\r\n");
    expect(lines[0]).toBe(exportHeader.replaceAll(",", ";"));
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe("");
    expect(text.replaceAll("\r\n", "")).not.toContain("\n");
    // By name: the guarded formula sorts first; a cell holding the delimiter is quoted.
    expect(lines[1]).toMatch(/^\d+;"'=cmd\|"" \/C calc""!A0";x@example.org;/);
    expect(lines[2]).toMatch(/^\d+;"Åsa Öberg; Jr";asa@example.org;\+46 70 123 45 67;/);

    const rfc = await (await t.request("GET", "/v1/orgs/demo/members.csv")).text();
    expect(rfc.startsWith(`${exportHeader}\r\n`)).toBe(true);

    const before = await snapshot(t.database);
    const reimport = await t.request("POST", `${members}/import`, { body: text, headers: { "Content-Type": "text/csv" } });
    expect(await json(reimport, 200)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await snapshot(t.database)).toBe(before);
    expect((await t.request("GET", "/v1/orgs/demo/members.csv?dialect=word")).status).toBe(422);
  });

  it("applies the list's filters and streams past one chunk", async () => {
    const t = await testApp();
    const rows = Array.from(
      { length: 1105 },
      (_, i) => `,Person ${String(i).padStart(4, "0")},p${i}@example.org,${i % 2 === 0 ? "11455" : ""}`,
    );
    expect((await importCsv(t, csv("member_number,name,email,postal_code", ...rows))).status).toBe(200);
    const all = (await (await t.request("GET", "/v1/orgs/demo/members.csv")).text()).trim().split("\r\n");
    expect(all).toHaveLength(1106);
    expect(new Set(all).size).toBe(1106);
    expect(all[1]).toContain("Person 0000");
    expect(all[1105]).toContain("Person 1104");
    const filtered = (await (await t.request("GET", "/v1/orgs/demo/members.csv?q=person%20000")).text()).trim().split("\r\n");
    expect(filtered).toHaveLength(11);
    expect((await t.request("GET", "/v1/orgs/demo/members.csv?status=bogus")).status).toBe(422);
  });
});
