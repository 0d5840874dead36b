import { describe, expect, it } from "vitest";
import { createMemoryMailer } from "../../src/mail/mailer.ts";
import { committedOpenApiJson, testApp } from "../helpers/app.ts";
import { createMailing, tick } from "../mailings/helpers.ts";
import { orgIdOf, seedMembers } from "../mailings/seed.ts";

interface Operation {
  operationId: string;
  requestBody?: { required?: boolean; content: Record<string, unknown> };
}

const document = JSON.parse(committedOpenApiJson) as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
);
const withBody = operations.filter(({ operation }) => operation.requestBody);

/** A concrete path for a templated one: the demo organisation, and ids that exist nowhere. */
const concrete = (path: string) =>
  path
    .replace("{org}", "demo")
    .replace(/\{[A-Za-z]+\}/g, (name) => (name === "{token}" ? "1.AAAA" : "00000000-0000-4000-8000-000000000000"));

describe("request bodies as the document declares them", () => {
  it("says which bodies are optional, and these are the only ones", () => {
    const optional = withBody
      .filter(({ operation }) => operation.requestBody?.required !== true)
      .map(({ operation }) => operation.operationId);
    expect(optional.sort()).toEqual(["enrolContact", "unsubscribe"]);
  });

  it("accepts a request without a body wherever the body is optional (never a 415)", async () => {
    const t = await testApp();
    for (const { path, method, operation } of withBody.filter(({ operation }) => operation.requestBody?.required !== true)) {
      const response = await t.request(method, concrete(path));
      expect(response.status, operation.operationId).not.toBe(415);
      expect(response.status, operation.operationId).toBeLessThan(500);
    }
  });

  it("refuses a request without a body wherever the body is required (415 saying what to send)", async () => {
    const t = await testApp();
    for (const { path, method, operation } of withBody.filter(({ operation }) => operation.requestBody?.required === true)) {
      const response = await t.request(method, concrete(path));
      expect(response.status, operation.operationId).toBe(415);
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem.code).toBe("unsupported_media_type");
      expect(problem.detail).toContain(Object.keys(operation.requestBody?.content ?? {})[0]);
    }
  });

  it("marks the bodies of JSON or a file (CSV, BLT) required, as the server treats them", () => {
    const byId = new Map(withBody.map(({ operation }) => [operation.operationId, operation.requestBody]));
    for (const id of ["tally", "enterPaperBallots", "replaceAreaPostalCodes", "addAreaPostalCodes"]) {
      expect(byId.get(id)?.required, id).toBe(true);
      expect(Object.keys(byId.get(id)?.content ?? {}).length, id).toBe(2);
    }
  });

  it("unsubscribes with a one-click POST that carries no body", async () => {
    const t = await testApp();
    const orgId = await orgIdOf(t.database.client);
    const [ada] = await seedMembers(t.database.client, orgId, [{ name: "Ada", email: "ada@example.org" }]);
    const mailer = createMemoryMailer();
    await createMailing(t, {
      subject: "N1",
      text: "{{unsubscribeUrl}}",
      category: "newsletters",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    await tick(t, "2026-11-21T09:00:00Z", mailer);
    const link = /^<(.+)>$/.exec(mailer.sent[0]?.headers?.["List-Unsubscribe"] ?? "")?.[1] ?? "";
    const response = await t.request("POST", new URL(link).pathname, { key: null });
    expect(response.status).toBe(200);
    const consent = await t.database.client.execute({
      sql: "SELECT consent_newsletters AS n FROM members WHERE id = ?",
      args: [ada ?? ""],
    });
    expect(Number(consent.rows[0]?.n)).toBe(0);
  });

  it("still refuses a body of an undeclared type where the body is optional", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs/demo/unsubscribe/1.AAAA", { key: null, body: { any: "json" } });
    expect(response.status).toBe(415);
  });
});
