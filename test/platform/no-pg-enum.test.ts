/**
 * The Worker's bundle replaces drizzle's PostgreSQL enum module by src/lib/no-pg-enum.ts
 * (wrangler.toml [alias]): held here to drizzle's own answer, so that an upgrade changing how
 * drizzle marks its enums cannot go unnoticed.
 */
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { pgEnum } from "drizzle-orm/pg-core";
import { isPgEnum as drizzleIsPgEnum } from "drizzle-orm/pg-core/columns/enum";
import { text } from "drizzle-orm/sqlite-core";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { isPgEnum } from "../../src/lib/no-pg-enum.ts";

describe("drizzle's PostgreSQL enum test as the Worker has it", () => {
  it("answers as drizzle does, for an enum and for what a SQLite query holds", () => {
    const values = [pgEnum("mood", ["sad", "happy"]), text("name"), sql`1`, () => 1, "text", 1, null, undefined];
    expect(values.map(isPgEnum)).toEqual(values.map(drizzleIsPgEnum));
    expect(isPgEnum(values[0])).toBe(true);
  });

  it("is what wrangler.toml puts in place of the module drizzle's sql.js imports", () => {
    const toml = parseToml(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8")) as { alias?: Record<string, string> };
    expect(toml.alias?.["../pg-core/columns/enum.js"]).toBe("./src/lib/no-pg-enum.ts");
    expect(readFileSync(new URL("../../node_modules/drizzle-orm/sql/sql.js", import.meta.url), "utf8")).toContain(
      'import { isPgEnum } from "../pg-core/columns/enum.js";',
    );
  });
});
