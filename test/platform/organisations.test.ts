import { describe, expect, it } from "vitest";
import { operatorKey, problemOf, snapshot, testApp } from "../helpers/app.ts";

describe("organisations", () => {
  it("reads the organisation with its ETag", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/orgs/demo");
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(await response.json()).toMatchObject({ slug: "demo", timeZone: "Europe/Stockholm", locale: "sv-SE", contact: { email: null } });
  });

  it("updates name, time zone, locale and contact, bumping the ETag", async () => {
    const t = await testApp();
    t.clock.advance(60_000);
    const response = await t.request("PATCH", "/v1/orgs/demo", {
      body: {
        name: "Solidarity Forum",
        timeZone: "Europe/Oslo",
        locale: "nb-NO",
        contact: { email: "info@forum.example", phone: "+46 8 123 45" },
      },
      headers: { "If-Match": '"1"' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      name: "Solidarity Forum",
      timeZone: "Europe/Oslo",
      locale: "nb-NO",
      contact: { email: "info@forum.example", phone: "+46 8 123 45", address: null, website: null },
      updatedAt: t.clock.now().toISOString(),
    });
    const clear = await t.request("PATCH", "/v1/orgs/demo", { body: { contact: { phone: null } } });
    expect(((await clear.json()) as { contact: Record<string, unknown> }).contact).toMatchObject({
      email: "info@forum.example",
      phone: null,
    });
  });

  it("refuses a stale If-Match with 412 and keeps the newer data", async () => {
    const t = await testApp();
    expect((await t.request("PATCH", "/v1/orgs/demo", { body: { name: "First" }, headers: { "If-Match": '"1"' } })).status).toBe(200);
    const before = await snapshot(t.database);
    const stale = await t.request("PATCH", "/v1/orgs/demo", { body: { name: "Second" }, headers: { "If-Match": '"1"' } });
    expect(stale.status).toBe(412);
    expect((await problemOf(stale)).code).toBe("precondition_failed");
    expect(await snapshot(t.database)).toBe(before);
    const garbage = await t.request("PATCH", "/v1/orgs/demo", { body: { name: "Third" }, headers: { "If-Match": "yesterday" } });
    expect(garbage.status).toBe(412);
    const any = await t.request("PATCH", "/v1/orgs/demo", { body: { name: "Fourth" }, headers: { "If-Match": "*" } });
    expect(any.status).toBe(200);
  });

  it("lets exactly one of two updates with the same If-Match win", async () => {
    const t = await testApp();
    const [a, b] = await Promise.all(
      ["A", "B"].map((name) => t.request("PATCH", "/v1/orgs/demo", { body: { name }, headers: { "If-Match": '"1"' } })),
    );
    expect([a?.status, b?.status].sort()).toEqual([200, 412]);
  });
});

describe("operator", () => {
  it("creates an organisation whose admin key works at once", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs", {
      key: operatorKey,
      body: {
        slug: "vp-malmo",
        name: "Party branch Malmö",
        timeZone: "Europe/Stockholm",
        locale: "sv-SE",
        contact: { email: "malmo@example.org" },
      },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("Location")).toBe("/v1/orgs/vp-malmo");
    const created = (await response.json()) as { organisation: { slug: string }; adminKey: { secret: string; role: string } };
    expect(created.adminKey.role).toBe("admin");
    const read = await t.request("GET", "/v1/orgs/vp-malmo", { key: created.adminKey.secret });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ slug: "vp-malmo", contact: { email: "malmo@example.org" } });
  });

  it("refuses a taken slug with 409", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "demo", name: "Again" } });
    expect(response.status).toBe(409);
  });

  it("keeps operator routes from organisation keys and wrong operator keys", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    expect((await t.request("POST", "/v1/orgs", { body: { slug: "x1", name: "X" } })).status).toBe(401);
    expect((await t.request("POST", "/v1/orgs", { key: null, body: { slug: "x1", name: "X" } })).status).toBe(401);
    expect((await t.request("GET", "/v1/orgs", { key: "operator-key-for-tests-WRONG" })).status).toBe(401);
    expect(await snapshot(t.database)).toBe(before);
  });

  it("is disabled when no operator key is configured", async () => {
    const t = await testApp({ operatorKey: undefined });
    const response = await t.request("POST", "/v1/orgs", { key: "anything-at-all-here", body: { slug: "x1", name: "X" } });
    expect(response.status).toBe(403);
  });

  it("lists organisations by slug, page by page", async () => {
    const t = await testApp();
    for (const slug of ["zeta", "alpha", "mid"]) {
      expect((await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug, name: slug } })).status).toBe(201);
    }
    const first = (await (await t.request("GET", "/v1/orgs?limit=2", { key: operatorKey })).json()) as {
      data: { slug: string }[];
      nextCursor: string;
    };
    expect(first.data.map((o) => o.slug)).toEqual(["alpha", "demo"]);
    const second = (await (await t.request("GET", `/v1/orgs?limit=2&cursor=${first.nextCursor}`, { key: operatorKey })).json()) as {
      data: { slug: string }[];
      nextCursor: string | null;
    };
    expect(second.data.map((o) => o.slug)).toEqual(["mid", "zeta"]);
    expect(second.nextCursor).toBeNull();
  });
});
