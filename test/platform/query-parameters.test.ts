import { describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";

interface Problem {
  status: number;
  code: string;
  errors?: { field: string; message: string }[];
}

describe("query parameters an operation does not declare", () => {
  it("are refused with a 422 naming each one, on list routes and single resources alike", async () => {
    const t = await testApp();
    const cases = [
      { path: `/v1/orgs/${t.org}/members?focusTag=x`, names: ["query.focusTag"] },
      {
        path: `/v1/orgs/${t.org}/events?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&tag=a&colour=b`,
        names: ["query.tag", "query.colour"],
      },
      { path: `/v1/orgs/${t.org}?verbose=true`, names: ["query.verbose"] },
      { path: `/v1/orgs/${t.org}/groups?limit=5&sort=name`, names: ["query.sort"] },
      { path: "/v1/health?deep=1", names: ["query.deep"] },
    ];
    for (const { path, names } of cases) {
      const response = await t.request("GET", path);
      expect(response.status, path).toBe(422);
      expect(response.headers.get("Content-Type")).toBe("application/problem+json");
      const problem = (await response.json()) as Problem;
      expect(problem.code).toBe("validation_failed");
      expect(problem.errors?.map((error) => error.field).sort()).toEqual([...names].sort());
    }
  });

  it("say which parameters the operation takes", async () => {
    const t = await testApp();
    const problem = (await (await t.request("GET", `/v1/orgs/${t.org}/membership-types?archive=true`)).json()) as Problem;
    expect(problem.errors).toEqual([{ field: "query.archive", message: expect.stringContaining("it takes limit, cursor, archived") }]);
    const none = (await (await t.request("GET", `/v1/orgs/${t.org}?x=1`)).json()) as Problem;
    expect(none.errors?.[0]?.message).toContain("it takes none");
  });

  it("are refused on writes too, and nothing is written", async () => {
    const t = await testApp();
    const response = await t.request("POST", `/v1/orgs/${t.org}/membership-types?dryRun=true`, {
      body: { name: "Ordinary", kind: "active", fee: { amount: 200, currency: "SEK" }, period: { type: "calendar_year" } },
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as Problem).errors?.map((error) => error.field)).toEqual(["query.dryRun"]);
    const list = (await (await t.request("GET", `/v1/orgs/${t.org}/membership-types`)).json()) as { data: unknown[] };
    expect(list.data).toEqual([]);
  });

  it("leave declared parameters working as before", async () => {
    const t = await testApp();
    expect((await t.request("GET", `/v1/orgs/${t.org}/members?limit=5&status=current`)).status).toBe(200);
    expect((await t.request("GET", `/v1/orgs/${t.org}/membership-types?archived=false`)).status).toBe(200);
  });

  it("are still checked after the caller is: an anonymous request is a 401, not a 422", async () => {
    const t = await testApp();
    expect((await t.request("GET", `/v1/orgs/${t.org}/members?focusTag=x`, { key: null })).status).toBe(401);
  });
});

describe("boolean query parameters", () => {
  it("take true and false, and refuse anything else with a 422 naming the parameter", async () => {
    const t = await testApp();
    for (const value of ["true", "false"]) {
      expect((await t.request("GET", `/v1/orgs/${t.org}/members?unassigned=${value}`)).status).toBe(200);
    }
    for (const value of ["1", "yes", "", "TRUE"]) {
      const response = await t.request("GET", `/v1/orgs/${t.org}/membership-types?archived=${value}`);
      expect(response.status, value).toBe(422);
      const problem = (await response.json()) as Problem;
      expect(problem.errors).toEqual([{ field: "query.archived", message: "must be true or false" }]);
    }
  });
});
