/**
 * Text is stored as sent or refused: a NUL would cut a name short in the database and a
 * lone surrogate would become U+FFFD, so every string field of every JSON body (and every
 * query parameter) refuses control characters and lone surrogates with a 422 naming the
 * field. Tabs and line breaks are accepted only in multi-line fields.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { committedOpenApi, operatorKey, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  $ref?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
};
type Operation = { requestBody?: { content: Record<string, { schema: Schema }> } };
const document = parse(committedOpenApi) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const resolve = (schema: Schema): Schema =>
  schema.$ref ? (document.components.schemas[schema.$ref.split("/").pop() as string] as Schema) : schema;

/** Every position of a string in bodies of this schema, as a path of keys and array indexes. */
function stringFields(schema: Schema, path: string[] = [], seen = new Set<Schema>()): string[][] {
  const resolved = resolve(schema);
  if (seen.has(resolved)) return [];
  const inner = new Set(seen).add(resolved);
  const types = ([] as string[]).concat(resolved.type ?? []);
  const out: string[][] = [];
  for (const option of [...(resolved.oneOf ?? []), ...(resolved.anyOf ?? []), ...(resolved.allOf ?? [])]) {
    out.push(...stringFields(option, path, inner));
  }
  for (const [key, property] of Object.entries(resolved.properties ?? {})) out.push(...stringFields(property, [...path, key], inner));
  if (typeof resolved.additionalProperties === "object")
    out.push(...stringFields(resolved.additionalProperties, [...path, "extra"], inner));
  if (types.includes("array") && resolved.items) out.push(...stringFields(resolved.items, [...path, "0"], inner));
  if (types.includes("string")) out.push(path);
  return [...new Map(out.map((field) => [field.join("."), field])).values()];
}

/** The smallest body with `value` at `path`. */
function bodyWith(path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  return /^\d+$/.test(head) ? [bodyWith(rest, value)] : { [head]: bodyWith(rest, value) };
}

const sampleParams: Record<string, string> = {
  org: "demo",
  postalCode: "11455",
  start: "2026-12-01T17:00:00.000Z",
  hash: "0".repeat(64),
  kind: "monthly_group",
  token: "cal_0123456789abcdefghijABCDEFGHIJ01",
  sessionStart: "2026-12-01T17:00:00.000Z",
};

/** Bodies of numbers alone: nothing in them is text. */
const withoutText = new Set(["PUT /v1/orgs/{org}/reports/participation/settings"]);

describe("text in requests", () => {
  it("refuses a NUL and a lone surrogate in every string field of every JSON body, naming the field, and changes nothing", async () => {
    const t = await testApp();
    const member = await createActiveMember(t);
    const keys = [t.adminKey, await memberToken(t, member), operatorKey, null];
    const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody?.content["application/json"])
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          schema: op.requestBody?.content["application/json"]?.schema as Schema,
        })),
    );
    expect(operations.length).toBeGreaterThan(40);

    const before = await snapshot(t.database);
    const wrong: string[] = [];
    let sent = 0;
    for (const { method, path, schema } of operations) {
      if (withoutText.has(`${method} ${path}`)) continue;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => sampleParams[name] ?? member);
      const fields = stringFields(schema);
      expect(fields.length, `${method} ${path} has string fields`).toBeGreaterThan(0);
      for (const field of fields) {
        for (const [what, value] of [
          ["a NUL", "Mid\u0000dle"],
          ["a lone surrogate", "Lone \ud800 half"],
        ] as const) {
          // JSON.stringify writes both as escapes (\u0000, \ud800), as a client's JSON would.
          const body = JSON.stringify(bodyWith(field, value));
          let response: Response | undefined;
          for (const key of keys) {
            response = await t.request(method, url, { key, body });
            if (response.status !== 401 && response.status !== 403) break;
          }
          sent++;
          const status = response?.status ?? 0;
          const problem = response && status >= 400 ? await problemOf(response) : undefined;
          const name = ["body", ...field].join(".");
          const named = problem?.errors?.find((error) => error.field === name);
          if (status !== 422 || !named || !/control characters|well-formed Unicode/.test(named.message)) {
            wrong.push(`${method} ${path} with ${what} in ${name} → ${status} ${problem?.detail ?? ""}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(sent).toBeGreaterThan(300);
    expect(await snapshot(t.database)).toBe(before);
  }, 300_000);

  it("keeps line breaks and tabs for multi-line fields only, and any well-formed text as sent", async () => {
    const t = await testApp();
    const described = await t.request("POST", "/v1/orgs/demo/groups", {
      body: { name: "Readers 🌻", kind: "interest", description: "First line\r\n\tindented second line" },
    });
    expect(described.status, await described.clone().text()).toBe(201);
    expect(await described.json()).toMatchObject({ name: "Readers 🌻", description: "First line\r\n\tindented second line" });

    const before = await snapshot(t.database);
    for (const [name, character] of [
      ["line feed", "\n"],
      ["tab", "\t"],
      ["carriage return", "\r"],
      ["DEL", "\u007f"],
      ["C1 next line", "\u0085"],
      ["escape", "\u001b"],
      ["lone low surrogate", "\udc00"],
    ]) {
      const response = await t.request("POST", "/v1/orgs/demo/members", {
        body: { name: `Anna${character}Berg`, email: "anna@example.org" },
      });
      expect(response.status, name).toBe(422);
      expect((await problemOf(response)).errors).toEqual([{ field: "body.name", message: expect.stringMatching(/position 5/) }]);
    }
    expect(await snapshot(t.database)).toBe(before);
  });

  it("names the nested field and every bad field at once, with the other problems of the body", async () => {
    const t = await testApp();
    const response = await t.request("POST", "/v1/orgs/demo/events", {
      body: { title: "Meet\u0000ing", kind: "lecture", location: { address: "Main St\u0000 1" }, timeZone: "Mars/Olympus" },
    });
    expect(response.status).toBe(422);
    const fields = (await problemOf(response)).errors?.map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(["body.title", "body.location.address", "body.timeZone", "body.startsAt"]));
  });

  it("refuses control characters in query parameters", async () => {
    const t = await testApp();
    for (const q of ["%00", "a%C2%85b", "a%0Ab"]) {
      const response = await t.request("GET", `/v1/orgs/demo/members?q=${q}`);
      expect(response.status, q).toBe(422);
      expect((await problemOf(response)).errors?.[0]?.field).toBe("query.q");
    }
    expect((await t.request("GET", "/v1/orgs/demo/members?q=%C3%A5sa")).status).toBe(200);
  });

  it("refuses a NUL in a CSV import cell, naming its row and column, and imports nothing", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const response = await t.request("POST", "/v1/orgs/demo/members/import", {
      body: "name,email\nMid\u0000dle,mid@example.org\n",
      headers: { "Content-Type": "text/csv; charset=utf-8" },
    });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors).toContainEqual({
      field: "row 2 column name",
      message: expect.stringMatching(/control characters/),
    });
    expect(await snapshot(t.database)).toBe(before);
  });
});
