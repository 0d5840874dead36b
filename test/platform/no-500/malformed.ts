/**
 * No request, however malformed, gets a 500: every operation of the OpenAPI document is
 * sent bodies and parameters of the wrong shape, type and size, with an admin key, a
 * member token and no key, and must answer with a 4xx problem (or a success).
 *
 * The operations are shared out by domain over the two files of this folder, of about
 * equal work, so they run in parallel; each operation is one test, on a fresh database, so a
 * failure names its operation.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { committedOpenApi, testApp } from "../../helpers/app.ts";
import { createActiveMember, memberToken } from "../../helpers/members.ts";

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
const queries = ["", "?limit=0", "?limit=abc&cursor=%%%", "?from=yesterday&to=&status=nope&q=%00", `?${"a=1&".repeat(200)}`];

function pathsFor(template: string): string[] {
  return pathValues.map((value) => template.replace(/\{org\}/g, "demo").replace(/\{[^}]+\}/g, encodeURIComponent(value)));
}

/** Who sends a request: the admin key, a member's token, or nobody. */
type Caller = "admin" | "member" | "anonymous";
const callers: Caller[] = ["admin", "member", "anonymous"];

interface MalformedRequest {
  caller: Caller;
  url: string;
  body?: string;
  headers?: Record<string, string>;
  /** How a failure names the request. */
  label: string;
}

/** Every malformed request of one operation: each path value, each caller, each broken query, body and text. */
function requestsFor(method: string, path: string, operation: Operation): MalformedRequest[] {
  const verb = method.toUpperCase();
  const bodies = method === "get" || method === "delete" ? [undefined] : bodiesFor(operation);
  const textTypes = Object.keys(operation.requestBody?.content ?? {}).filter((type) => type.startsWith("text/"));
  const requests: MalformedRequest[] = [];
  for (const url of pathsFor(path)) {
    for (const caller of callers) {
      for (const query of queries) requests.push({ caller, url: `${url}${query}`, label: `${verb} ${url}${query}` });
      for (const body of bodies) {
        requests.push({ caller, url, body: JSON.stringify(body), label: `${verb} ${url} ${String(JSON.stringify(body)).slice(0, 80)}` });
      }
      for (const contentType of textTypes) {
        for (const text of oddTexts) {
          requests.push({
            caller,
            url: `${url}?method=scottish_stv&seats=2`,
            body: text,
            headers: { "Content-Type": contentType },
            label: `${verb} ${url} (${contentType}) ${JSON.stringify(text.slice(0, 40))}`,
          });
        }
      }
    }
  }
  return requests;
}

/** The domains the operations are grouped by. */
export type Domain = "members" | "groups" | "events" | "elections" | "mailings" | "platform";

/** The domain of each first path segment below /v1/orgs/{org}/, and of the paths outside it. */
const domainOfSegment: Record<string, Domain> = {
  members: "members",
  "members.csv": "members",
  "membership-types": "members",
  contacts: "members",
  me: "members",
  groups: "groups",
  areas: "groups",
  "programme-areas": "groups",
  partners: "events",
  events: "events",
  campaigns: "events",
  actions: "events",
  "action-totals": "events",
  reports: "groups",
  "calendar.ics": "events",
  feeds: "events",
  elections: "elections",
  positions: "elections",
  mandates: "elections",
  "/v1/tally": "elections",
  mailings: "mailings",
  "mailing-automations": "mailings",
  "mail-suppressions": "mailings",
  outbox: "mailings",
  unsubscribe: "mailings",
  signups: "members",
  "api-keys": "platform",
  webhooks: "platform",
  auth: "platform",
  "/v1/orgs": "platform",
  "/v1/orgs/{org}": "platform",
  "/v1/health": "platform",
  "/v1/openapi.yaml": "platform",
  "/v1/openapi.json": "platform",
};

const orgPrefix = "/v1/orgs/{org}/";
const domainOf = (path: string): Domain | undefined =>
  domainOfSegment[path.startsWith(orgPrefix) ? (path.slice(orgPrefix.length).split("/")[0] as string) : path];

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    name: `${method.toUpperCase()} ${path}`,
    domain: domainOf(path),
    requests: () => requestsFor(method, path, operation),
    method: method.toUpperCase(),
  })),
);

/** One test per operation of each domain, each on a fresh database. */
export function noServerErrors(...domains: Domain[]): void {
  for (const domain of domains) {
    describe(`no 500s: ${domain}`, () => {
      it.each(operations.filter((operation) => operation.domain === domain))(
        "answers every malformed request to $name with less than 500",
        async ({ method, requests }) => {
          const t = await testApp();
          const member = await createActiveMember(t);
          const keys: Record<Caller, string | null> = { admin: t.adminKey, member: await memberToken(t, member), anonymous: null };
          const failures: string[] = [];
          for (const request of requests()) {
            const response = await t.request(method, request.url, {
              key: keys[request.caller],
              body: request.body,
              headers: request.headers,
            });
            if (response.status >= 500) failures.push(`${request.label} → ${response.status}`);
          }
          expect(failures).toEqual([]);
        },
        120_000,
      );
    });
  }
}

/** What the folder as a whole promises: every operation is in one of its files, and the requests are many. */
export function noServerErrorsCoverage(): void {
  describe("no 500s: every operation", () => {
    it("places every operation of the document in one of the domains", () => {
      expect(operations.filter((operation) => operation.domain === undefined).map((operation) => operation.name)).toEqual([]);
    });

    it("sends more than 10,000 malformed requests in all", () => {
      expect(operations.reduce((sum, operation) => sum + operation.requests().length, 0)).toBeGreaterThan(10_000);
    });
  });
}
