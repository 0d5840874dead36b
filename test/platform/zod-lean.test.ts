/**
 * The Worker's bundle replaces zod by src/lib/zod-lean (wrangler.toml [alias]): the same
 * modules of the installed zod, without the namespaces the API never uses. Held here to the
 * installed zod, so an upgrade that adds to zod's namespace cannot go missing on Workers.
 */
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import * as full from "zod";
import * as lean from "../../src/lib/zod-lean/index.ts";

const compiler = ["INVALID", "ZodCompileAsyncError", "ZodCompileUnsupportedError", "compile", "withParser"];
const dropped = ["fromJSONSchema", "locales", ...compiler];

describe("zod as the Worker has it", () => {
  it("exports everything zod exports but the locales, fromJSONSchema and the compiler, and nothing else", () => {
    expect(
      Object.keys(full)
        .filter((name) => !(name in lean))
        .sort(),
    ).toEqual([...dropped].sort());
    expect(Object.keys(lean).filter((name) => !(name in full))).toEqual([]);
    expect(
      Object.keys(full.z.core)
        .filter((name) => !(name in lean.z.core))
        .sort(),
    ).toEqual(["locales", ...compiler, "compileFn"].sort());
    expect(Object.keys(lean.z.core).filter((name) => !(name in full.z.core))).toEqual([]);
  });

  it("is the installed zod itself, not a copy: the same classes and functions", () => {
    const installed = new Map(Object.entries(full));
    for (const [name, value] of Object.entries(lean)) {
      if (["z", "default", "core", "iso", "coerce"].includes(name)) continue; // namespaces of their own
      expect(value, name).toBe(installed.get(name));
    }
    expect(lean.z.core.$ZodType).toBe(full.z.core.$ZodType);
    expect(lean.z.iso.datetime).toBe(full.z.iso.datetime);
    expect(lean.z.coerce.number).toBe(full.z.coerce.number);
  });

  it("still speaks English, the language of the API's errors", () => {
    const result = lean.z.object({ name: lean.z.string() }).safeParse({ name: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Invalid input: expected string, received number");
  });

  it("is what wrangler.toml puts in place of zod", () => {
    const toml = parseToml(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8")) as { alias?: Record<string, string> };
    expect(toml.alias?.zod).toBe("./src/lib/zod-lean/index.ts");
  });
});
