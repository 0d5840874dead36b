/**
 * The Worker's bundle replaces zod by src/lib/zod-lean (wrangler.toml [alias]): the same
 * modules of the installed zod, without the namespaces the API never uses. Held here to the
 * installed zod, so an upgrade that adds to zod's namespace cannot go missing on Workers.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as full from "zod";
import * as lean from "../../src/lib/zod-lean/index.ts";
import * as noJsonSchema from "../../src/lib/zod-lean/no-json-schema.ts";

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? entry.name === "zod-lean"
        ? []
        : sourceFiles(join(directory, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(directory, entry.name)]
        : [],
  );
}

const compiler = ["INVALID", "ZodCompileAsyncError", "ZodCompileUnsupportedError", "compile", "withParser"];
const dropped = ["fromJSONSchema", "locales", "toJSONSchema", "core", ...compiler];

describe("zod as the Worker has it", () => {
  it("exports everything zod exports but the locales, fromJSONSchema, the compiler, toJSONSchema and core, and nothing else", () => {
    expect(
      Object.keys(full)
        .filter((name) => !(name in lean))
        .sort(),
    ).toEqual([...dropped].sort());
    expect(Object.keys(lean).filter((name) => !(name in full))).toEqual([]);
  });

  it("leaves out only what src/ never uses as a value: z.core for its types, no JSON Schema", () => {
    const uses: string[] = [];
    for (const file of sourceFiles(new URL("../../src/", import.meta.url).pathname)) {
      const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        // A type (z.core.$ZodType) is a qualified name; a value is a property access.
        if (ts.isPropertyAccessExpression(node) && ["core", "toJSONSchema", "fromJSONSchema", "locales"].includes(node.name.text)) {
          if (/^z\b|zod/.test(node.expression.getText(source)) || node.name.text === "toJSONSchema")
            uses.push(`${file}: ${node.getText(source)}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(uses).toEqual([]);
  });

  it("has, for zod's JSON Schema converter, a module of the same names that refuses to convert", async () => {
    const names = async (path: string) => Object.keys(await import(path)).sort();
    const converter = [
      ...(await names("../../node_modules/zod/v4/core/json-schema-processors.js")),
      ...(await names("../../node_modules/zod/v4/core/to-json-schema.js")),
    ].sort();
    expect(Object.keys(noJsonSchema).sort()).toEqual(converter);
    expect(() => noJsonSchema.createToJSONSchemaMethod()()).toThrow(/left out of the Worker's zod/);
    const toml = parseToml(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8")) as { alias?: Record<string, string> };
    expect(toml.alias?.["../core/json-schema-processors.js"]).toBe("./src/lib/zod-lean/no-json-schema.ts");
    expect(toml.alias?.["../core/to-json-schema.js"]).toBe("./src/lib/zod-lean/no-json-schema.ts");
  });

  it("is the installed zod itself, not a copy: the same classes and functions", () => {
    const installed = new Map(Object.entries(full));
    for (const [name, value] of Object.entries(lean)) {
      if (["z", "default", "core", "iso", "coerce"].includes(name)) continue; // namespaces of their own
      expect(value, name).toBe(installed.get(name));
    }
    expect(lean.iso.datetime).toBe(full.z.iso.datetime);
    expect(lean.coerce.number).toBe(full.z.coerce.number);
  });

  it("is imported by src/ as `z` alone, which the Worker's build turns into a namespace import", () => {
    const renamed: string[] = [];
    for (const file of sourceFiles(new URL("../../src/", import.meta.url).pathname)) {
      const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
      for (const statement of source.statements) {
        if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
        if (!["zod", "@hono/zod-openapi"].includes(statement.moduleSpecifier.text)) continue;
        const bindings = statement.importClause?.namedBindings;
        if (statement.importClause?.name || (bindings && ts.isNamespaceImport(bindings)))
          renamed.push(`${file}: ${statement.getText(source)}`);
        if (bindings && ts.isNamedImports(bindings))
          for (const element of bindings.elements)
            if (element.propertyName?.text === "z" || (element.name.text === "z") !== ((element.propertyName ?? element.name).text === "z"))
              renamed.push(`${file}: ${element.getText(source)}`);
      }
    }
    expect(renamed).toEqual([]);
  });

  it("has a z object of ZodType alone, which @hono/zod-openapi extends, and says what to do when asked for more", () => {
    expect(lean.z.ZodType).toBe(full.ZodType);
    expect(() => lean.z.object).toThrow(/import \* as z from "zod"/);
  });

  it("still speaks English, the language of the API's errors", () => {
    const result = lean.object({ name: lean.string() }).safeParse({ name: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Invalid input: expected string, received number");
  });

  it("is what wrangler.toml puts in place of zod", () => {
    const toml = parseToml(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8")) as { alias?: Record<string, string> };
    expect(toml.alias?.zod).toBe("./src/lib/zod-lean/index.ts");
  });
});
