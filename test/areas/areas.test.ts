import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";

type Area = { id: string; name: string; code: string; postalCodeCount: number; districtGroupId: string | null };

async function createArea(t: TestApp, body: Record<string, unknown>, query = ""): Promise<Area> {
  const response = await t.request("POST", `/v1/orgs/${t.org}/areas${query}`, { body });
  return json<Area>(response, 201);
}

async function codesOf(t: TestApp, areaId: string): Promise<string[]> {
  const response = await t.request("GET", `/v1/orgs/${t.org}/areas/${areaId}/postal-codes?limit=200`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { postalCode: string }[] }).data.map((row) => row.postalCode);
}

describe("areas", () => {
  it("creates an area with normalised postal codes (the contract call)", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs/demo/areas", {
      body: { name: "Östermalm", code: "01", postalCodes: ["114 55", "11456", "11455", " se-114 57 "] },
    });
    expect(response.status).toBe(201);
    const area = (await response.json()) as Area;
    expect(area).toMatchObject({ name: "Östermalm", code: "01", postalCodeCount: 3, districtGroupId: null });
    expect(area.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("Location")).toBe(`/v1/orgs/demo/areas/${area.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(await codesOf(t, area.id)).toEqual(["11455", "11456", "SE-11457"]);

    const read = await t.request("GET", `/v1/orgs/demo/areas/${area.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(area);
  });

  it("refuses a second area with the same code, and changes nothing", async () => {
    const t = await testApp();
    await createArea(t, { name: "Norrmalm", code: "02" });
    const before = await snapshot(t.database);
    const response = await t.request("POST", "/v1/orgs/demo/areas", { body: { name: "Other", code: "02", postalCodes: ["11122"] } });
    expect(response.status).toBe(409);
    expect((await problemOf(response)).detail).toContain("'02'");
    expect(await snapshot(t.database)).toBe(before);
  });

  it("refuses a postal code that lies in another area with 409 naming the code and the area", async () => {
    const t = await testApp();
    const first = await createArea(t, { name: "Norrmalm", code: "02", postalCodes: ["111 22"] });
    const before = await snapshot(t.database);
    const response = await t.request("POST", "/v1/orgs/demo/areas", {
      body: { name: "City", code: "03", postalCodes: ["11122", "11133"] },
    });
    expect(response.status).toBe(409);
    const problem = (await problemOf(response)) as Awaited<ReturnType<typeof problemOf>> & { conflicts: unknown[] };
    expect(problem.detail).toContain("11122");
    expect(problem.detail).toContain("Norrmalm");
    expect(problem.conflicts).toEqual([{ postalCode: "11122", areaId: first.id, areaCode: "02" }]);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("moves a postal code from another area with move=true", async () => {
    const t = await testApp();
    const first = await createArea(t, { name: "Norrmalm", code: "02", postalCodes: ["11122", "11123"] });
    const second = await createArea(t, { name: "City", code: "03", postalCodes: ["11122"] }, "?move=true");
    expect(await codesOf(t, second.id)).toEqual(["11122"]);
    expect(await codesOf(t, first.id)).toEqual(["11123"]);
    const add = await t.request("POST", `/v1/orgs/demo/areas/${first.id}/postal-codes?move=true`, { body: { postalCodes: ["11122"] } });
    expect(add.status).toBe(200);
    expect(await add.json()).toMatchObject({ added: 1, removed: 0, moved: [{ postalCode: "11122", fromAreaId: second.id }] });
    expect(await codesOf(t, second.id)).toEqual([]);
  });

  it("lists areas by code, paginated, and finds the area of a postal code", async () => {
    const t = await testApp();
    for (const code of ["03", "01", "02"]) await createArea(t, { name: `Area ${code}`, code, postalCodes: [`1${code}00`] });
    const first = await t.request("GET", "/v1/orgs/demo/areas?limit=2");
    const page1 = (await first.json()) as { data: Area[]; nextCursor: string };
    expect(page1.data.map((a) => a.code)).toEqual(["01", "02"]);
    const second = await t.request("GET", `/v1/orgs/demo/areas?limit=2&cursor=${page1.nextCursor}`);
    const page2 = (await second.json()) as { data: Area[]; nextCursor: string | null };
    expect(page2.data.map((a) => a.code)).toEqual(["03"]);
    expect(page2.nextCursor).toBeNull();
    const found = await t.request("GET", "/v1/orgs/demo/areas?postalCode=102%2000");
    expect(((await found.json()) as { data: Area[] }).data.map((a) => a.code)).toEqual(["02"]);
    const none = await t.request("GET", "/v1/orgs/demo/areas?postalCode=99999");
    expect(((await none.json()) as { data: Area[] }).data).toEqual([]);
  });

  it("updates name and code with If-Match, 412 when stale", async () => {
    const t = await testApp();
    const area = await createArea(t, { name: "Norrmalm", code: "02" });
    await createArea(t, { name: "City", code: "03" });
    const renamed = await t.request("PATCH", `/v1/orgs/demo/areas/${area.id}`, {
      body: { name: "Norrmalm-Vasastan" },
      headers: { "If-Match": '"1"' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get("ETag")).toBe('"2"');
    const before = await snapshot(t.database);
    const stale = await t.request("PATCH", `/v1/orgs/demo/areas/${area.id}`, { body: { name: "X" }, headers: { "If-Match": '"1"' } });
    expect(stale.status).toBe(412);
    const taken = await t.request("PATCH", `/v1/orgs/demo/areas/${area.id}`, { body: { code: "03" } });
    expect(taken.status).toBe(409);
    const unknownField = await t.request("PATCH", `/v1/orgs/demo/areas/${area.id}`, { body: { postalCodes: [] } });
    expect(unknownField.status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("deletes an area and its postal codes", async () => {
    const t = await testApp();
    const area = await createArea(t, { name: "Norrmalm", code: "02", postalCodes: ["11122"] });
    expect((await t.request("DELETE", `/v1/orgs/demo/areas/${area.id}`)).status).toBe(204);
    expect((await t.request("GET", `/v1/orgs/demo/areas/${area.id}`)).status).toBe(404);
    // The code is free again.
    await createArea(t, { name: "City", code: "03", postalCodes: ["11122"] });
  });

  it("refuses invalid input with 422 and changes nothing", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    for (const body of [
      { name: "", code: "01" },
      { name: "A", code: "" },
      { name: "A", code: "with space" },
      { name: "A", code: "01", postalCodes: "11455" },
      { name: "A", code: "01", extra: true },
    ]) {
      const response = await t.request("POST", "/v1/orgs/demo/areas", { body });
      expect(response.status, JSON.stringify(body)).toBe(422);
    }
    const badCodes = await t.request("POST", "/v1/orgs/demo/areas", {
      body: { name: "A", code: "01", postalCodes: ["11455", "12#4", ""] },
    });
    expect(badCodes.status).toBe(422);
    expect((await problemOf(badCodes)).errors?.map((e) => e.field)).toEqual(["body.postalCodes.1", "body.postalCodes.2"]);
    expect((await t.request("GET", "/v1/orgs/demo/areas/not-an-id")).status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);
  });
});

describe("postal code import", () => {
  it("replaces the set from JSON and reports what changed", async () => {
    const t = await testApp();
    const area = await createArea(t, { name: "Norrmalm", code: "02", postalCodes: ["11122", "11123"] });
    const response = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: { postalCodes: ["111 23", "11124", "11125"] },
      headers: { "If-Match": '"1"' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(await response.json()).toEqual({ areaId: area.id, postalCodeCount: 3, added: 2, removed: 1, moved: [], membersReassigned: 0 });
    expect(await codesOf(t, area.id)).toEqual(["11123", "11124", "11125"]);
    const stale = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: { postalCodes: [] },
      headers: { "If-Match": '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(await codesOf(t, area.id)).toEqual(["11123", "11124", "11125"]);
    const cleared = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, { body: { postalCodes: [] } });
    expect(await cleared.json()).toMatchObject({ postalCodeCount: 0, removed: 3 });
  });

  it("imports a CSV with one code per line", async () => {
    const t = await testApp();
    const area = await createArea(t, { name: "Norrmalm", code: "02" });
    const response = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: '\uFEFF111 22\r\n11123\r\n\r\n"111 24"\r\n',
      headers: { "Content-Type": "text/csv; charset=utf-8" },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await codesOf(t, area.id)).toEqual(["11122", "11123", "11124"]);
  });

  it("imports a CSV with a postal_code column among others, semicolon separated", async () => {
    const t = await testApp();
    const area = await createArea(t, { name: "Norrmalm", code: "02" });
    const csv = 'district;Postal Code;note\nNorrmalm;111 22;"a; b"\nNorrmalm;11123;\n';
    const response = await t.request("POST", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: csv,
      headers: { "Content-Type": "text/csv" },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ added: 2, postalCodeCount: 2 });
    expect(await codesOf(t, area.id)).toEqual(["11122", "11123"]);
  });

  it("refuses a CSV with invalid codes, naming each line, and changes nothing", async () => {
    const t = await testApp();
    const area = await createArea(t, { name: "Norrmalm", code: "02", postalCodes: ["11100"] });
    const before = await snapshot(t.database);
    const csv = "postal_code\n11122\n11#23\n\n1\n11124\n";
    const response = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: csv,
      headers: { "Content-Type": "text/csv" },
    });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.errors?.map((e) => e.field)).toEqual(["line 3", "line 5"]);
    expect(problem.detail).toContain("nothing was changed");
    expect(await snapshot(t.database)).toBe(before);

    const strayQuote = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: 'postal_code\n11122\n111"23\n',
      headers: { "Content-Type": "text/csv" },
    });
    expect(strayQuote.status).toBe(422);
    expect((await problemOf(strayQuote)).errors?.[0]?.field).toBe("line 3");
    expect(await snapshot(t.database)).toBe(before);

    const noColumn = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: "district,zipper\nA,11122\n",
      headers: { "Content-Type": "text/csv" },
    });
    expect(noColumn.status).toBe(422);
    expect((await problemOf(noColumn)).errors?.[0]?.field).toBe("line 1");
    const wrongType = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: "11122",
      headers: { "Content-Type": "text/plain" },
    });
    expect(wrongType.status).toBe(415);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("refuses codes held by another area in a bulk import, all or nothing", async () => {
    const t = await testApp();
    const other = await createArea(t, { name: "City", code: "03", postalCodes: ["11133"] });
    const area = await createArea(t, { name: "Norrmalm", code: "02", postalCodes: ["11122"] });
    const before = await snapshot(t.database);
    const response = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: "11123\n11133\n",
      headers: { "Content-Type": "text/csv" },
    });
    expect(response.status).toBe(409);
    expect((await problemOf(response)).detail).toMatch(/11133.*City/);
    expect(await snapshot(t.database)).toBe(before);
    const moved = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes?move=true`, {
      body: "11123\n11133\n",
      headers: { "Content-Type": "text/csv" },
    });
    expect(moved.status).toBe(200);
    expect(await codesOf(t, other.id)).toEqual([]);
    expect(await codesOf(t, area.id)).toEqual(["11123", "11133"]);
  });

  it("removes one postal code", async () => {
    const t = await testApp();
    const area = await createArea(t, { name: "Norrmalm", code: "02", postalCodes: ["11122", "11123"] });
    expect((await t.request("DELETE", `/v1/orgs/demo/areas/${area.id}/postal-codes/111%2022`)).status).toBe(204);
    expect(await codesOf(t, area.id)).toEqual(["11123"]);
    expect((await t.request("DELETE", `/v1/orgs/demo/areas/${area.id}/postal-codes/11122`)).status).toBe(404);
  });

  it("paginates an area's postal codes", async () => {
    const t = await testApp();
    const codes = Array.from({ length: 5 }, (_, i) => `1000${i}`);
    const area = await createArea(t, { name: "Big", code: "09", postalCodes: codes });
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const response = await t.request("GET", `/v1/orgs/demo/areas/${area.id}/postal-codes?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      const body = (await response.json()) as { data: { postalCode: string }[]; nextCursor: string | null };
      seen.push(...body.data.map((row) => row.postalCode));
      cursor = body.nextCursor;
    }
    expect(seen).toEqual(codes);
  });
});

describe("large imports", () => {
  it("imports ten thousand postal codes in one request, and refuses more", async () => {
    const t = await testApp();
    const area = await createArea(t, { name: "Everywhere", code: "99" });
    const codes = Array.from({ length: 10_000 }, (_, i) => String(10000 + i));
    const response = await t.request("PUT", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: `postal_code\n${codes.join("\n")}\n`,
      headers: { "Content-Type": "text/csv" },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ postalCodeCount: 10_000, added: 10_000 });
    const before = await snapshot(t.database);
    const tooMany = await t.request("POST", `/v1/orgs/demo/areas/${area.id}/postal-codes`, {
      body: `${[...codes.map((c) => `A${c}`), "B1"].join("\n")}\n`,
      headers: { "Content-Type": "text/csv" },
    });
    expect(tooMany.status).toBe(422);
    expect(await snapshot(t.database)).toBe(before);
  });
});
