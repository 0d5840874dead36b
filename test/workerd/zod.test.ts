/// <reference types="@cloudflare/vitest-plugin/types" />
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
// As the API's modules reach zod in the Worker's build (scripts/worker-source.ts).
import * as z from "zod";

describe("the Worker's zod", () => {
  it("is zod without its locales, as in the deployed bundle (wrangler.toml [alias])", () => {
    expect("locales" in z).toBe(false);
    expect(z.string().safeParse(1).error?.issues[0]?.message).toBe("Invalid input: expected string, received number");
  });

  it("has no JSON Schema converter, and parses as ever (wrangler.toml [alias])", () => {
    expect("toJSONSchema" in z).toBe(false);
    expect(() => z.object({ a: z.string() }).toJSONSchema()).toThrow(/left out of the Worker's zod/);
    expect(z.object({ a: z.string().max(2) }).safeParse({ a: "abc" }).success).toBe(false);
  });

  it("keeps no OpenAPI registry, and a route still validates (wrangler.toml [alias])", async () => {
    const Name = z.string().min(2).openapi({ description: "A name", example: "Anna" });
    expect(Name.openapi({ example: "Bo" })).toBe(Name);
    const app = new OpenAPIHono().openapi(
      createRoute({
        method: "get",
        path: "/hello",
        request: { query: z.object({ name: Name }) },
        responses: { 200: { description: "A greeting" } },
      }),
      (c) => c.text(`hello ${c.req.valid("query").name}`, 200),
    );
    expect(app.openAPIRegistry.definitions).toEqual([]);
    expect(() => app.getOpenAPIDocument({ openapi: "3.0.0", info: { title: "t", version: "1" } })).toThrow(/committed OpenAPI document/);
    expect(await (await app.request("/hello?name=Anna")).text()).toBe("hello Anna");
    expect((await app.request("/hello?name=A")).status).toBe(400);
  });
});
