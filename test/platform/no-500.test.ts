/**
 * No request, however malformed, gets a 500: every operation of the OpenAPI document is
 * sent bodies and parameters of the wrong shape, type and size, with an admin key, a
 * member token and no key, and must answer with a 4xx problem (or a success).
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { committedOpenApi, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; $ref?: string; items?: Schema };
type Operation = { requestBody?: { content: Record<string, { schema: Schema }> }; parameters?: { name: string; in: string }[] };
const document = parse(committedOpenApi) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

function resolve(schema: Schema | undefined): Schema | undefined {
  if (schema?.$ref) return document.components.schemas[schema.$ref.split("/").pop() as string];
  return schema;
}

/** Values of every wrong kind, for a whole body and for each of its fields. */
const oddValues: unknown[] = [
  null,
  "",
  "x".repeat(5000),
  -1,
  1e308,
  0.5,
  true,
  [],
  {},
  [null],
  { nested: { deeper: [1, "a"] } },
  "2026-02-30",
  "../../etc",
  "\u0000",
];

function bodiesFor(operation: Operation): unknown[] {
  const json = operation.requestBody?.content["application/json"];
  const bodies: unknown[] = [...oddValues];
  const schema = resolve(json?.schema);
  for (const field of Object.keys(schema?.properties ?? {})) {
    for (const value of oddValues) bodies.push({ [field]: value });
  }
  return bodies;
}

/** Broken text for routes that take CSV or BLT. */
const oddTexts = [
  "",
  "\u0000",
  'a,b\n"unterminated',
  "name,email\n,,,,,,\n",
  "4 2\n-9\n1 9 0\n0\n",
  '3 1\n1 1 2 3 0\n0\n"A"\n',
  "x".repeat(100_000),
  "\uFEFF;;;\r\n\r",
];

const uuid = "01a1fc82-9876-7000-8000-000000000000";
const pathValues = ["demo", uuid, "not-an-id", "%00", "x".repeat(300)];

function pathsFor(template: string): string[] {
  return pathValues.map((value) => template.replace(/\{org\}/g, "demo").replace(/\{[^}]+\}/g, encodeURIComponent(value)));
}

describe("no 500s", () => {
  const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );

  it("answers every malformed request to every operation with less than 500", async () => {
    const t = await testApp();
    const member = await createActiveMember(t);
    const keys = [t.adminKey, await memberToken(t, member), null];
    const failures: string[] = [];
    let requests = 0;
    for (const { path, method, op } of operations) {
      const queries = ["", "?limit=0", "?limit=abc&cursor=%%%", "?from=yesterday&to=&status=nope&q=%00", `?${"a=1&".repeat(200)}`];
      const bodies = method === "get" || method === "delete" ? [undefined] : bodiesFor(op);
      for (const url of pathsFor(path)) {
        for (const key of keys) {
          for (const query of queries) {
            const response = await t.request(method.toUpperCase(), `${url}${query}`, { key });
            requests++;
            if (response.status >= 500) failures.push(`${method.toUpperCase()} ${url}${query} → ${response.status}`);
          }
          for (const body of bodies) {
            const response = await t.request(method.toUpperCase(), url, { key, body: JSON.stringify(body) });
            requests++;
            if (response.status >= 500)
              failures.push(`${method.toUpperCase()} ${url} ${JSON.stringify(body).slice(0, 80)} → ${response.status}`);
          }
          for (const contentType of Object.keys(op.requestBody?.content ?? {}).filter((type) => type.startsWith("text/"))) {
            for (const text of oddTexts) {
              const response = await t.request(method.toUpperCase(), `${url}?method=scottish_stv&seats=2`, {
                key,
                body: text,
                headers: { "Content-Type": contentType },
              });
              requests++;
              if (response.status >= 500)
                failures.push(`${method.toUpperCase()} ${url} (${contentType}) ${JSON.stringify(text.slice(0, 40))} → ${response.status}`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(10_000);
  }, 600_000);
});
