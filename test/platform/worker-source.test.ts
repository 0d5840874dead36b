/**
 * The Worker's build leaves out what only the OpenAPI document uses (scripts/worker-source.ts):
 * what it takes out and, as much, what it must leave in. The workerd suite runs the API built
 * the same way, so the behaviour of the routes is held there.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { buildWorkerSource } from "../../scripts/build-worker-source.ts";
import { workerSource } from "../../scripts/worker-source.ts";

const directory = mkdtempSync(join(tmpdir(), "grasrot-worker-source-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const committed = JSON.parse(readFileSync(new URL("../../openapi.json", import.meta.url), "utf8")) as { paths: object };
const squash = (text: string) => text.replace(/\s+/g, " ").trim();
/** The text without the marks of calls that only build a schema (held by a test of their own). */
const unmarked = (text: string) => text.replaceAll("/* @__PURE__ */ ", "");

describe("the Worker's source", () => {
  it("takes schema metadata out, in every form, and keeps the schema", () => {
    const text = [
      `const Id = z.string().regex(/x/, "must be an id").openapi({ format: "uuid", example: "a" });`,
      `const Member = z.object({ id: Id.openapi({ param: { name: "id", in: "path" } }) }).openapi("Member");`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
      "const Options = options.strict().openapi(`${name}Options`, { description: `Options of ${name}` });",
    ].join("\n");
    expect(squash(unmarked(workerSource(text, "schemas.ts")))).toBe(
      squash(`const Id = z.string().regex(/x/, "must be an id");
        const Member = z.object({ id: Id });
        const Options = options.strict();`),
    );
  });

  it("keeps the router's own openapi(route, handler), whatever the route is called", () => {
    const text = `export const routes = createRouter().openapi(list, async (c) => c.json([])).openapi(read, handler);`;
    expect(workerSource(text, "routes.ts")).toBe(text);
  });

  it("takes a route definition's prose and responses out, and keeps what the router validates with", () => {
    const text = `const create = defineRoute({
      method: "post",
      path: "/v1/orgs/{org}/notes",
      operationId: "createNote",
      tags,
      summary: "Create a note",
      description: "A note " + "of the organisation.",
      middleware: staff,
      request: {
        params: OrgParams,
        body: { required: true, description: "The note.", content: { "application/json": { schema: z.object({ description: z.string() }) } } },
      },
      responses: { 201: jsonContent(NoteSchema, "The note"), ...problems(...authProblems) },
    });`;
    expect(squash(unmarked(workerSource(text, "routes.ts")))).toBe(
      squash(`const create = defineRoute({
        method: "post",
        path: "/v1/orgs/{org}/notes",
        operationId: "createNote",
        tags,
        middleware: staff,
        request: {
          params: OrgParams,
          body: { required: true, content: { "application/json": { schema: z.object({ description: z.string() }) } } },
        },
      });`),
    );
  });

  it("marks the calls that build a top-level schema as pure, and no other call", () => {
    const text = [
      `import { Timestamp, paginated } from "../http/fields.ts";`,
      `import { Other } from "some-package";`,
      `const Id = z.string().uuid();`,
      `export const Note = z.object({ id: Id.describe("x"), at: Timestamp.nullable(), tags: labels(3) });`,
      `const Page = paginated(Note);`,
      `const Parsed = Note.parse(input);`,
      `const Foreign = Other.extend({});`,
      `function later() { return z.string(); }`,
      `z.config({ jitless: true });`,
    ].join("\n");
    const lines = workerSource(text, "schemas.ts").split("\n");
    expect(lines.slice(2)).toEqual([
      `const Id = /* @__PURE__ */ z.string().uuid();`,
      `export const Note = /* @__PURE__ */ z.object({ id: /* @__PURE__ */ Id.describe("x"), at: /* @__PURE__ */ Timestamp.nullable(), tags: labels(3) });`,
      `const Page = paginated(Note);`,
      `const Parsed = Note.parse(input);`,
      `const Foreign = Other.extend({});`,
      `function later() { return z.string(); }`,
      `z.config({ jitless: true });`,
    ]);
  });

  it("takes indexes and foreign keys out of a table definition, and keeps its columns and composite primary key", () => {
    const text = `export const votes = sqliteTable(
      "votes",
      {
        orgId: text("org_id").notNull().references(() => organisations.id, { onDelete: "cascade" }),
        memberId: text("member_id").references(() => members.id),
        place: integer("place").notNull().default(1),
      },
      (t) => [primaryKey({ columns: [t.orgId, t.place] }), index("votes_member_idx").on(t.memberId), uniqueIndex("votes_place_uq").on(t.place).where(sql\`1\`)],
    );`;
    expect(squash(workerSource(text, "votes.ts"))).toBe(
      squash(`export const votes = sqliteTable(
        "votes",
        {
          orgId: text("org_id").notNull(),
          memberId: text("member_id"),
          place: integer("place").notNull().default(1),
        },
        (t) => [primaryKey({ columns: [t.orgId, t.place] }), ],
      );`),
    );
  });

  it("imports zod as a namespace, on the same line, keeping the other names imported beside z", () => {
    const text = [
      `import { z } from "@hono/zod-openapi";`,
      `import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";`,
      `import { z } from "zod";`,
      `import type { ZodError } from "zod";`,
      `import { z } from "./elsewhere.ts";`,
    ].join("\n");
    expect(workerSource(text, "openapi.ts").split("\n")).toEqual([
      `import * as z from "zod";`,
      `import { createRoute, OpenAPIHono, type RouteConfig,  } from "@hono/zod-openapi"; import * as z from "zod";`,
      `import * as z from "zod";`,
      `import type { ZodError } from "zod";`,
      `import { z } from "./elsewhere.ts";`,
    ]);
  });

  it("lets the bundler drop a schema nothing uses, and keep the ones in use", async () => {
    const schemas = [
      `import { z } from "zod";`,
      `export const Used = z.object({ kept: z.string() });`,
      `export const Unused = z.object({ droppedField: z.string().describe("only a response") }).strict();`,
    ].join("\n");
    const result = await build({
      stdin: { contents: `import { Used } from "./schemas.ts"; console.log(Used);`, resolveDir: directory, loader: "ts" },
      bundle: true,
      write: false,
      format: "esm",
      external: ["zod"],
      logLevel: "silent",
      plugins: [
        {
          name: "schemas",
          setup(context) {
            context.onResolve({ filter: /schemas\.ts$/ }, () => ({ path: "schemas.ts", namespace: "schemas" }));
            context.onLoad({ filter: /.*/, namespace: "schemas" }, () => ({ contents: workerSource(schemas, "schemas.ts"), loader: "ts" }));
          },
        },
      ],
    });
    const code = result.outputFiles[0]?.text ?? "";
    expect(code).toContain("kept");
    expect(code).not.toContain("droppedField");
  });

  it("leaves data alone: a description outside a route definition is the application's own", () => {
    const text = `const template = { description: "Monthly instructions", summary: "Sent on the first" };\nsave({ description: input.description });`;
    expect(workerSource(text, "service.ts")).toBe(text);
  });

  it("keeps every line where it was, so that line numbers in stack traces stay true", () => {
    const text = `const route = defineRoute({\n  summary: "Two\\n lines",\n  description:\n    "a" +\n    "b",\n  method: "get",\n});\nthrow new Error("here");`;
    const lines = workerSource(text, "routes.ts").split("\n");
    expect(lines).toHaveLength(text.split("\n").length);
    expect(lines.at(-1)).toBe(`throw new Error("here");`);
  });

  it("as built for the Worker, carries none of the document's operation summaries and descriptions", async () => {
    const outfile = join(directory, "worker.js");
    await buildWorkerSource(outfile);
    const code = readFileSync(outfile, "utf8");
    const prose = Object.values(committed.paths as Record<string, Record<string, { summary?: string; description?: string }>>)
      .flatMap((operations) => Object.values(operations))
      .flatMap((operation) => [operation.summary, operation.description])
      .filter((text): text is string => typeof text === "string" && !text.includes("\n") && text.length >= 30);
    expect(prose.length).toBeGreaterThan(100);
    // A route made by a helper of the routes' module gets its prose as arguments, which stay (a few).
    expect(prose.filter((text) => code.includes(text)).length).toBeLessThan(prose.length / 50);
    // The code itself is there: the routes and the errors they answer with.
    expect(code).toContain("/v1/orgs/{org}/members/{id}");
    expect(code).toContain("must be an id as returned by the API (a UUID)");
  }, 60_000);
});
