import { describe, expect, it } from "vitest";
import { operatorKey, problemOf, snapshot, testApp } from "../helpers/app.ts";

async function keyWithRole(t: Awaited<ReturnType<typeof testApp>>, role: string) {
  const response = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: `${role} key`, role } });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; secret: string };
}

async function secondOrganisation(t: Awaited<ReturnType<typeof testApp>>) {
  const response = await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other organisation" } });
  expect(response.status).toBe(201);
  return (await response.json()) as { organisation: { id: string }; adminKey: { id: string; secret: string } };
}

describe("authentication", () => {
  it("asks for a key with 401 and WWW-Authenticate", async () => {
    const t = await testApp();
    const response = await t.request("GET", "/v1/orgs/demo", { key: null });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect((await problemOf(response)).code).toBe("unauthorized");
  });

  it("rejects unknown keys and malformed Authorization headers with 401", async () => {
    const t = await testApp();
    expect((await t.request("GET", "/v1/orgs/demo", { key: "grs_doesnotexist" })).status).toBe(401);
    const basic = await t.app.request("/v1/orgs/demo", { headers: { Authorization: "Basic dXNlcjpwYXNz" } });
    expect(basic.status).toBe(401);
    await problemOf(basic);
  });

  it("stores keys only as hashes", async () => {
    const t = await testApp();
    const key = await keyWithRole(t, "staff");
    const everything = await snapshot(t.database);
    expect(everything).not.toContain(key.secret);
    expect(everything).not.toContain(t.adminKey);
  });
});

describe("tenancy", () => {
  it("answers 404, not 403, for another organisation and its ids", async () => {
    const t = await testApp();
    const other = await secondOrganisation(t);
    const theirKeyOnOurOrg = await t.request("GET", "/v1/orgs/demo", { key: other.adminKey.secret });
    expect(theirKeyOnOurOrg.status).toBe(404);
    const ourKeyOnTheirs = await t.request("GET", "/v1/orgs/other");
    expect(ourKeyOnTheirs.status).toBe(404);
    const theirKeyIdThroughOurOrg = await t.request("GET", `/v1/orgs/demo/api-keys/${other.adminKey.id}`);
    expect(theirKeyIdThroughOurOrg.status).toBe(404);
    const revokeTheirs = await t.request("DELETE", `/v1/orgs/demo/api-keys/${other.adminKey.id}`);
    expect(revokeTheirs.status).toBe(404);
    const unknown = await t.request("GET", "/v1/orgs/no-such-org");
    expect(unknown.status).toBe(404);
    const detailOf = async (r: Response) => ((await r.json()) as { detail: string }).detail;
    expect(await detailOf(theirKeyOnOurOrg)).toBe((await detailOf(unknown)).replace("no-such-org", "demo"));
  });

  it("lists only the organisation's own keys", async () => {
    const t = await testApp();
    const other = await secondOrganisation(t);
    const ours = (await (await t.request("GET", "/v1/orgs/demo/api-keys")).json()) as { data: { id: string }[] };
    expect(ours.data.map((k) => k.id)).not.toContain(other.adminKey.id);
  });
});

describe("roles", () => {
  it("lets a readonly key read but not write", async () => {
    const t = await testApp();
    const readonly = await keyWithRole(t, "readonly");
    expect((await t.request("GET", "/v1/orgs/demo", { key: readonly.secret })).status).toBe(200);
    const before = await snapshot(t.database);
    const patch = await t.request("PATCH", "/v1/orgs/demo", { key: readonly.secret, body: { name: "Taken over" } });
    expect(patch.status).toBe(403);
    expect((await problemOf(patch)).code).toBe("forbidden");
    expect(await snapshot(t.database)).toBe(before);
  });
});

describe("API keys", () => {
  it("shows the secret once, and lists keys without it", async () => {
    const t = await testApp();
    const created = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "Frontend", role: "staff" } });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; secret: string; prefix: string };
    expect(created.headers.get("Location")).toBe(`/v1/orgs/demo/api-keys/${key.id}`);
    expect(key.secret).toMatch(/^grs_[0-9A-Za-z]{32}$/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    const listed = await (await t.request("GET", "/v1/orgs/demo/api-keys")).text();
    expect(listed).not.toContain(key.secret);
    const single = (await (await t.request("GET", `/v1/orgs/demo/api-keys/${key.id}`)).json()) as Record<string, unknown>;
    expect(single).not.toHaveProperty("secret");
    expect(single).toMatchObject({ name: "Frontend", role: "staff", revokedAt: null });
  });

  it("stops a revoked key at once", async () => {
    const t = await testApp();
    const key = await keyWithRole(t, "staff");
    expect((await t.request("GET", "/v1/orgs/demo", { key: key.secret })).status).toBe(200);
    expect((await t.request("DELETE", `/v1/orgs/demo/api-keys/${key.id}`)).status).toBe(204);
    expect((await t.request("GET", "/v1/orgs/demo", { key: key.secret })).status).toBe(401);
    const shown = (await (await t.request("GET", `/v1/orgs/demo/api-keys/${key.id}`)).json()) as { revokedAt: string };
    expect(shown.revokedAt).toBe(t.clock.now().toISOString());
    expect((await t.request("DELETE", `/v1/orgs/demo/api-keys/${key.id}`)).status).toBe(204);
  });

  it("refuses to revoke the last active admin key", async () => {
    const t = await testApp();
    const keys = (await (await t.request("GET", "/v1/orgs/demo/api-keys")).json()) as { data: { id: string }[] };
    const only = keys.data[0]?.id;
    const response = await t.request("DELETE", `/v1/orgs/demo/api-keys/${only}`);
    expect(response.status).toBe(409);
    expect((await problemOf(response)).detail).toContain("last active admin key");
    const second = await keyWithRole(t, "admin");
    expect((await t.request("DELETE", `/v1/orgs/demo/api-keys/${only}`, { key: second.secret })).status).toBe(204);
    expect((await t.request("DELETE", `/v1/orgs/demo/api-keys/${second.id}`, { key: second.secret })).status).toBe(409);
  });

  it("does not let two admins revoking each other at once leave none", async () => {
    const t = await testApp();
    const second = await keyWithRole(t, "admin");
    const keys = (await (await t.request("GET", "/v1/orgs/demo/api-keys")).json()) as { data: { id: string }[] };
    const firstId = keys.data.find((k) => k.id !== second.id)?.id;
    const responses = await Promise.all([
      t.request("DELETE", `/v1/orgs/demo/api-keys/${second.id}`),
      t.request("DELETE", `/v1/orgs/demo/api-keys/${firstId}`, { key: second.secret }),
    ]);
    expect(responses.filter((r) => r.status === 204)).toHaveLength(1);
    const active = await t.database.client.execute("SELECT count(*) AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL");
    expect(Number(active.rows[0]?.n)).toBe(1);
  });

  it("validates the role", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: "x", role: "superuser" } });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors?.[0]?.field).toBe("body.role");
  });
});
