/// <reference types="@cloudflare/vitest-plugin/types" />
import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";

describe("the Worker's zod", () => {
  it("is zod without its locales, as in the deployed bundle (wrangler.toml [alias])", () => {
    expect("locales" in z).toBe(false);
    expect(z.string().safeParse(1).error?.issues[0]?.message).toBe("Invalid input: expected string, received number");
  });
});
