import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership } from "../helpers/members.ts";
import { insertArea, insertGroup } from "./fixtures.ts";

const path = "/v1/orgs/demo/members";
type Member = Record<string, unknown> & { id: string; memberNumber: string; status: string };
type Page = { data: Member[]; nextCursor: string | null };

describe("creating members", () => {
  it("creates a member as the contract says: 201 with id, Location, ETag, status none", async () => {
    const t = await testApp();
    const response = await t.request("POST", path, { body: { name: "Ada Lind", email: "ada@example.org", postalCode: "11455" } });
    expect(response.status).toBe(201);
    const body = await json<Member>(response, 201);
    expect(body).toMatchObject({
      view: "full",
      name: "Ada Lind",
      email: "ada@example.org",
      postalCode: "11455",
      status: "none",
      membership: null,
      // A new organisation opts in: summoned to meetings, no news until the member asks for it.
      consents: { newsletters: false, meetingSummons: true, campaignNews: false },
      areaId: null,
      districtGroupId: null,
    });
    expect(response.headers.get("Location")).toBe(`${path}/${body.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(await json(await t.request("GET", `${path}/${body.id}`), 200)).toEqual(body);
  });

  it("keeps every personal field given", async () => {
    const t = await testApp();
    const fields = {
      name: "Örjan Åström",
      email: "Orjan@Example.org",
      phone: "+46 70 123 45 67",
      street: "Storgatan 1",
      postalCode: "114 55",
      city: "Stockholm",
      country: "se",
      preferredLanguage: "sv-SE",
      consents: { newsletters: false, campaignNews: false },
      memberNumber: "A-17",
    };
    const body = await json<Member>(await t.request("POST", path, { body: fields }), 201);
    expect(body).toMatchObject({ ...fields, country: "SE", consents: { newsletters: false, meetingSummons: true, campaignNews: false } });
  });

  it("refuses a second member with the same e-mail in another case (409) and changes nothing", async () => {
    const t = await testApp();
    await createMember(t, { email: "ada@example.org" });
    const before = await snapshot(t.database);
    const response = await t.request("POST", path, { body: { name: "Other Ada", email: "ADA@Example.ORG" } });
    expect(response.status).toBe(409);
    expect((await problemOf(response)).detail).toContain("e-mail");
    expect(await snapshot(t.database)).toBe(before);
  });

  it("refuses a member number that is taken (409)", async () => {
    const t = await testApp();
    await createMember(t, { memberNumber: "100" });
    const response = await t.request("POST", path, { body: { name: "Bo", email: "bo@example.org", memberNumber: "100" } });
    expect(response.status).toBe(409);
    expect((await problemOf(response)).detail).toContain("100");
  });

  it("assigns the next number above the highest numeric one when none is given", async () => {
    const t = await testApp();
    const first = await json<Member>(await t.request("GET", `${path}/${await createMember(t)}`), 200);
    expect(first.memberNumber).toBe("1");
    await createMember(t, { memberNumber: "0041" });
    await createMember(t, { memberNumber: "B-9000" });
    const next = await json<Member>(await t.request("GET", `${path}/${await createMember(t)}`), 200);
    expect(next.memberNumber).toBe("42");
  });

  it("never hands out one number twice when creations race", async () => {
    const t = await testApp();
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.request("POST", path, { body: { name: `Racer ${i}`, email: `racer${i}@example.org` } })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    const numbers = (await Promise.all(responses.map((r) => json<Member>(r, 201)))).map((m) => m.memberNumber);
    expect(new Set(numbers).size).toBe(8);
    expect(numbers.map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.each([
    ["no name", { email: "x@example.org" }, "body.name"],
    ["an empty name", { name: "  " }, "body.name"],
    ["a bad e-mail", { name: "X", email: "not-an-address" }, "body.email"],
    ["a bad phone", { name: "X", phone: "call me" }, "body.phone"],
    ["a bad country", { name: "X", country: "Sweden" }, "body.country"],
    ["a bad language tag", { name: "X", preferredLanguage: "not a tag!" }, "body.preferredLanguage"],
    ["an erased-style number", { name: "X", memberNumber: "erased-123" }, "body.memberNumber"],
    ["a number with spaces", { name: "X", memberNumber: "1 2" }, "body.memberNumber"],
    ["a consent that is not a boolean", { name: "X", consents: { newsletters: "yes" } }, "body.consents.newsletters"],
    ["an unknown field", { name: "X", status: "current" }, "body"],
  ])("rejects %s with 422 and writes nothing", async (_, body, field) => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const response = await t.request("POST", path, { body });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("answers 415 to a body that is not JSON", async () => {
    const t = await testApp();
    const response = await t.request("POST", path, { body: "name=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(response.status).toBe(415);
  });
});

describe("updating members", () => {
  it("updates with If-Match, bumps the ETag, and answers 412 to a stale one without changing anything", async () => {
    const t = await testApp();
    const id = await createMember(t, { phone: "08-123 45" });
    const response = await t.request("PATCH", `${path}/${id}`, { body: { name: "New Name", phone: null }, headers: { "If-Match": '"1"' } });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(await json(response, 200)).toMatchObject({ name: "New Name", phone: null });
    const before = await snapshot(t.database);
    const stale = await t.request("PATCH", `${path}/${id}`, { body: { name: "Lost Update" }, headers: { "If-Match": '"1"' } });
    expect(stale.status).toBe(412);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("refuses to take another member's e-mail or number (409), but allows a member's own in another case", async () => {
    const t = await testApp();
    await createMember(t, { email: "taken@example.org", memberNumber: "7" });
    const id = await createMember(t, { email: "mine@example.org" });
    expect((await t.request("PATCH", `${path}/${id}`, { body: { email: "Taken@example.org" } })).status).toBe(409);
    expect((await t.request("PATCH", `${path}/${id}`, { body: { memberNumber: "7" } })).status).toBe(409);
    const own = await t.request("PATCH", `${path}/${id}`, { body: { email: "MINE@example.org" } });
    expect(own.status).toBe(200);
    expect((await json(own, 200)).email).toBe("MINE@example.org");
  });

  it("answers 404 for an unknown member and 422 for a malformed id", async () => {
    const t = await testApp();
    expect((await t.request("PATCH", `${path}/01a1fd1e-8c00-7000-8000-000000000000`, { body: { name: "X" } })).status).toBe(404);
    expect((await t.request("GET", `${path}/not-an-id`)).status).toBe(422);
  });
});

describe("listing and searching members", () => {
  /** The names a search lists, walked page by page with its cursor. */
  async function searchedPageByPage(t: Awaited<ReturnType<typeof testApp>>, q: string, limit: number) {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await json<Page>(await t.request("GET", `${path}?q=${q}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`), 200);
      seen.push(...page.data.map((m) => m.name as string));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  }

  async function names(t: Awaited<ReturnType<typeof testApp>>, query: string) {
    const page = await json<Page>(await t.request("GET", `${path}${query}`), 200);
    return page.data.map((m) => m.name);
  }

  it("walks the whole list by name with a cursor, without gaps or repeats", async () => {
    const t = await testApp();
    const all = ["berit", "Anna", "Cecilia", "anders", "Åke", "David", "Bo"];
    for (const name of all) await createMember(t, { name });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await json<Page>(await t.request("GET", `${path}?limit=2${cursor ? `&cursor=${cursor}` : ""}`), 200);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((m) => m.name as string));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["anders", "Anna", "berit", "Bo", "Cecilia", "David", "Åke"]);
  });

  it("searches by a case-insensitive prefix of the name or the e-mail", async () => {
    const t = await testApp();
    await createMember(t, { name: "Anna Berg", email: "anna@example.org" });
    await createMember(t, { name: "Annika Ek", email: "ek@example.org" });
    await createMember(t, { name: "Bo Ström", email: "annan.adress@example.org" });
    await createMember(t, { name: "Åsa Öberg", email: "asa@example.org" });
    await createMember(t, { name: "Carl", email: "carl@example.org" });
    expect(await names(t, "?q=ANN")).toEqual(["Anna Berg", "Annika Ek", "Bo Ström"]);
    expect(await names(t, "?q=anna")).toEqual(["Anna Berg", "Bo Ström"]);
    expect(await names(t, "?q=ek@")).toEqual(["Annika Ek"]);
    expect(await names(t, "?q=%C3%85SA")).toEqual(["Åsa Öberg"]);
    expect(await names(t, "?q=berg")).toEqual([]);
  });

  it("pages through search results in list order", async () => {
    const t = await testApp();
    for (let i = 0; i < 5; i++) await createMember(t, { name: `Kim ${i}`, email: `z${i}@example.org` });
    for (let i = 0; i < 5; i++) await createMember(t, { name: `Zed ${i}`, email: `kim${i}@example.org` });
    await createMember(t, { name: "Other", email: "other@example.org" });
    const seen = await searchedPageByPage(t, "kim", 3);
    expect(seen).toEqual(["Kim 0", "Kim 1", "Kim 2", "Kim 3", "Kim 4", "Zed 0", "Zed 1", "Zed 2", "Zed 3", "Zed 4"]);
  });

  it("pages through people whom both the name and the address match, among those whom one of them matches", async () => {
    const t = await testApp();
    // Matched by name and address, by address alone (sorting before and after), and by name alone.
    for (let i = 0; i < 7; i++) await createMember(t, { name: `Kim ${i}`, email: `kim.${i}@example.org` });
    for (let i = 0; i < 3; i++) await createMember(t, { name: `Ada ${i}`, email: `kimura.${i}@example.org` });
    for (let i = 0; i < 3; i++) await createMember(t, { name: `Zed ${i}`, email: `kim-z.${i}@example.org` });
    await createMember(t, { name: "Kimberly", email: "kb@example.org" });
    await createMember(t, { name: "Bo", email: "bo@example.org" });
    const seen = await searchedPageByPage(t, "kim", 3);
    expect(seen).toEqual([
      "Ada 0",
      "Ada 1",
      "Ada 2",
      ...Array.from({ length: 7 }, (_, i) => `Kim ${i}`),
      "Kimberly",
      "Zed 0",
      "Zed 1",
      "Zed 2",
    ]);
  });

  it("finds exactly the people whom the text begins the name or the address of, however much the two share", async () => {
    const t = await testApp();
    // Names and addresses that share nothing, a little, up to the whole name, and more than eight characters.
    const people = [
      ["Anna Berg", "anna.berg@example.org"],
      ["Anna Bergström", "annab@example.org"],
      ["Annika Ek", "ek@example.org"],
      ["Bo", "bo@example.org"],
      ["Bo Ström", "annan.adress@example.org"],
      ["Annamaria Lind", "annamaria.lind@example.org"],
      ["Annamaria Lindqvist", "lindqvist@example.org"],
      ["Åsa Öberg", "asa@example.org"],
      ["Ek", "ekonomi@example.org"],
      ["Annan", "annan@example.org"],
    ];
    for (const [name, email] of people) await createMember(t, { name, email });
    for (const q of [
      "a",
      "an",
      "ann",
      "anna",
      "anna.",
      "annab",
      "annam",
      "annamaria",
      "annamaria.",
      "annamaria l",
      "bo",
      "bo@",
      "ek",
      "eko",
      "åsa",
      "lindq",
    ]) {
      const expected = people
        .filter(([name, email]) => (name as string).toLowerCase().startsWith(q) || (email as string).startsWith(q))
        .map(([name]) => name as string)
        .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      expect(await searchedPageByPage(t, encodeURIComponent(q), 2), q).toEqual(expected);
    }
  });

  it("filters by exact member number", async () => {
    const t = await testApp();
    await createMember(t, { name: "Ten", memberNumber: "10" });
    await createMember(t, { name: "Hundred", memberNumber: "100" });
    expect(await names(t, "?memberNumber=10")).toEqual(["Ten"]);
  });

  it("filters by status today and by the type of the covering (or most recent) membership", async () => {
    const t = await testApp();
    const active = await createMembershipType(t, { name: "Active" });
    const supporting = await createMembershipType(t, { name: "Supporting", kind: "supporting", graceDays: 365 });
    await giveMembership(t, await createMember(t, { name: "Current" }), active, "2026-01-01");
    await giveMembership(t, await createMember(t, { name: "Grace" }), supporting, "2025-01-01"); // ended 2025-12-31, grace to 2026-12-31
    await giveMembership(t, await createMember(t, { name: "Lapsed" }), active, "2025-01-01"); // grace ended 2026-01-30
    await createMember(t, { name: "Never" });
    await giveMembership(t, await createMember(t, { name: "Not yet" }), active, "2027-01-01");
    const switched = await createMember(t, { name: "Switched" });
    await giveMembership(t, switched, supporting, "2025-01-01");
    await giveMembership(t, switched, active, "2026-01-01");

    expect(await names(t, "?status=current")).toEqual(["Current", "Switched"]);
    expect(await names(t, "?status=grace")).toEqual(["Grace"]);
    expect(await names(t, "?status=lapsed")).toEqual(["Lapsed"]);
    expect(await names(t, "?status=none")).toEqual(["Never", "Not yet"]);
    expect(await names(t, `?typeId=${active}`)).toEqual(["Current", "Lapsed", "Not yet", "Switched"]);
    expect(await names(t, `?typeId=${supporting}`)).toEqual(["Grace"]);
    expect(await names(t, `?typeId=${active}&status=current`)).toEqual(["Current", "Switched"]);
    const switchedView = await json<Member>(await t.request("GET", `${path}/${switched}`), 200);
    expect(switchedView.membership).toMatchObject({ typeId: active, startsOn: "2026-01-01", kind: "active" });
  });

  it("filters by area, district group and the unassigned list to resolve", async () => {
    const t = await testApp();
    const north = await insertArea(t, "N", ["11455", "11456"]);
    const south = await insertArea(t, "S", ["11860"]);
    const district = await insertGroup(t, "district", [north, south]);
    await createMember(t, { name: "North", postalCode: "114 55" });
    await createMember(t, { name: "South", postalCode: "11860" });
    await createMember(t, { name: "Nowhere", postalCode: "99999" });
    await createMember(t, { name: "No address", postalCode: null });
    expect(await names(t, `?areaId=${north}`)).toEqual(["North"]);
    expect(await names(t, `?districtGroupId=${district}`)).toEqual(["North", "South"]);
    expect(await names(t, "?unassigned=true")).toEqual(["No address", "Nowhere"]);
    expect(await names(t, "?unassigned=false")).toEqual(["North", "South"]);
  });

  it("rejects unknown filter values and foreign cursors with 422", async () => {
    const t = await testApp();
    expect((await t.request("GET", `${path}?status=honorary`)).status).toBe(422);
    expect((await t.request("GET", `${path}?unassigned=yes`)).status).toBe(422);
    expect((await t.request("GET", `${path}?cursor=bm90LWEtY3Vyc29y`)).status).toBe(422);
    expect((await t.request("GET", `${path}?limit=0`)).status).toBe(422);
  });
});
