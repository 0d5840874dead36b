/**
 * The API's source as the Worker carries it: without what only the OpenAPI document says.
 *
 * The Worker serves the committed document as text (openapi.yaml, openapi.json), so the
 * routes' prose and the schemas' documentation metadata would be dead weight in its bundle,
 * loaded and parsed by every cold start. This takes them out of each module's text before it
 * is bundled, for the Worker's build (scripts/build-worker-source.ts) and for the workerd
 * test suite alike (vitest.config.ts), so that the suite tests what is deployed:
 *
 * - `schema.openapi({…})` and `schema.openapi("Name", …)` become `schema`: the metadata only
 *   feeds the document generator (the call returns the same schema with metadata attached);
 * - in a route definition (`defineRoute({…})`), `summary`, `description`, `example(s)` and
 *   `responses` go: the router validates requests with the `request` schemas alone.
 *
 * Only text is taken out, never code that runs: what is removed is either a call whose
 * result equals its receiver for parsing, or a property of a route definition that nothing
 * but the document generator reads. Line breaks are kept, so line numbers stay true.
 *
 * Once the route definitions' `responses` are gone, the response schemas are built but never
 * read. A bundler keeps every top-level `const X = z.object(…)` all the same, as it cannot
 * know that building a schema does nothing else. So the calls that build a schema in a
 * module's top-level constants are marked `/* @__PURE__ *\/` (see `schemaCallStarts`): the
 * bundler then drops the schemas nothing uses and keeps the others as they are.
 *
 * The table definitions (drizzle/) lose what only drizzle-kit reads to write migrations: the
 * indexes and foreign keys (`index(…)`, `uniqueIndex(…)`, `.references(…)`); queries never
 * consult them. A composite `primaryKey(…)` stays: relational queries read it.
 *
 * zod is reached as a namespace, `import * as z from "zod"`, not as the `z` object zod and
 * @hono/zod-openapi export (see `zodNamespaceImports`): of a namespace import the bundler
 * keeps only the members the module uses, where the object holds all of zod. The two are
 * the same functions (src/lib/zod-lean/index.ts).
 */
import ts from "typescript";

/** Properties of a route definition (and of the objects nested in it) that only the document reads. */
const documentOnlyProperties = new Set(["summary", "description", "example", "examples", "responses"]);

type Cut = { start: number; end: number };

/** Tells a bundler that the call after it has no effect besides its result (esbuild, Rollup and terser read it). */
const pureAnnotation = "/* @__PURE__ */ ";

/** Whether a call is `receiver.openapi(metadata)` or `receiver.openapi("RefName", …)`, not `router.openapi(route, handler)`. */
function isSchemaMetadataCall(call: ts.CallExpression): call is ts.CallExpression & { expression: ts.PropertyAccessExpression } {
  if (!ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== "openapi") return false;
  const [first] = call.arguments;
  if (!first) return false;
  if (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first)) return true;
  return call.arguments.length === 1 && ts.isObjectLiteralExpression(first);
}

function isRouteDefinition(call: ts.CallExpression): boolean {
  return ts.isIdentifier(call.expression) && call.expression.text === "defineRoute" && call.arguments.length === 1;
}

/**
 * Methods of a schema (or of `z`) whose call does more than build a schema: it parses, or
 * changes zod's settings or a registry. Never marked pure.
 */
const effectfulMethods =
  /^(parse|safeParse|parseAsync|safeParseAsync|spa|decode|encode|safeDecode|safeEncode|decodeAsync|encodeAsync|safeDecodeAsync|safeEncodeAsync|register|meta|config|setErrorMap)$/;

/** The identifier a chain of calls and property accesses starts from (`z` in `z.object({}).strict()`), and whether every method called on the way only builds. */
function chainRoot(node: ts.Expression): { root: string | undefined; buildsOnly: boolean } {
  let buildsOnly = true;
  let at: ts.Expression = node;
  for (;;) {
    if (ts.isCallExpression(at)) at = at.expression;
    else if (ts.isPropertyAccessExpression(at)) {
      if (effectfulMethods.test(at.name.text)) buildsOnly = false;
      at = at.expression;
    } else if (ts.isParenthesizedExpression(at) || ts.isAsExpression(at) || ts.isSatisfiesExpression(at)) at = at.expression;
    else return { root: ts.isIdentifier(at) ? at.text : undefined, buildsOnly };
  }
}

/**
 * Where the calls that build schemas start, in the initializers of the module's top-level
 * constants: calls on `z`, on a schema imported from another module of the API (schemas are
 * named in PascalCase), or on a schema constant of the module itself. Calls inside functions
 * are left alone (they run only when called), and so is any call of anything else: a helper
 * may do more than build.
 */
function schemaCallStarts(source: ts.SourceFile): number[] {
  const schemas = new Set(["z"]);
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!statement.moduleSpecifier.text.startsWith(".")) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings) && !statement.importClause?.isTypeOnly) {
      for (const element of bindings.elements) if (/^[A-Z]/.test(element.name.text) && !element.isTypeOnly) schemas.add(element.name.text);
    }
  }
  const starts = new Set<number>();
  const isSchemaCall = (node: ts.Node): node is ts.CallExpression => {
    if (!ts.isCallExpression(node)) return false;
    const { root, buildsOnly } = chainRoot(node);
    return buildsOnly && root !== undefined && schemas.has(root);
  };
  const mark = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    // `.openapi(…)` goes (see above); the call it was made on starts where it did.
    if (isSchemaCall(node) && !isSchemaMetadataCall(node)) starts.add(node.getStart(source));
    ts.forEachChild(node, mark);
  };
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!declaration.initializer) continue;
      mark(declaration.initializer);
      if (ts.isIdentifier(declaration.name) && isSchemaCall(declaration.initializer)) schemas.add(declaration.name.text);
    }
  }
  return [...starts];
}

/** The end of a property including the comma after it, so that the object stays well-formed. */
function endWithComma(source: ts.SourceFile, property: ts.Node): number {
  const text = source.text;
  let end = property.getEnd();
  let at = end;
  while (at < text.length && /\s/.test(text[at] as string)) at++;
  if (text[at] === ",") end = at + 1;
  return end;
}

/** Removes document-only properties of a route definition's object literals (not of what calls inside it build). */
function cutRouteProperties(source: ts.SourceFile, node: ts.Expression, cuts: Cut[], visit: (node: ts.Node) => void): void {
  if (ts.isObjectLiteralExpression(node)) {
    for (const property of node.properties) {
      const name = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
      const documentOnly = (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) && name !== undefined;
      if (documentOnly && documentOnlyProperties.has(name)) {
        cuts.push({ start: property.getStart(source), end: endWithComma(source, property) });
      } else if (ts.isPropertyAssignment(property)) {
        cutRouteProperties(source, property.initializer, cuts, visit);
      } else {
        visit(property);
      }
    }
    return;
  }
  if (ts.isArrayLiteralExpression(node)) {
    for (const element of node.elements) cutRouteProperties(source, element, cuts, visit);
    return;
  }
  visit(node);
}

/** What of a table definition only drizzle-kit reads: builders in its extra configuration, and a column's method. */
const migrationOnlyBuilders = new Set(["index", "uniqueIndex"]);
const migrationOnlyColumnMethod = "references";

/** The cuts that take indexes and foreign keys out of a `sqliteTable(name, columns, extra)` call. */
function cutTableDefinition(source: ts.SourceFile, call: ts.CallExpression, cuts: Cut[]): void {
  const [, columns, extra] = call.arguments;
  if (columns) {
    const visitColumn = (node: ts.Node): void => {
      if (ts.isFunctionLike(node)) return;
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === migrationOnlyColumnMethod
      ) {
        // `column.references(() => …)` → `column`, as for `.openapi(…)`.
        cuts.push({ start: node.expression.expression.getEnd(), end: node.getEnd() });
        visitColumn(node.expression.expression);
        return;
      }
      ts.forEachChild(node, visitColumn);
    };
    visitColumn(columns);
  }
  if (extra && ts.isArrowFunction(extra) && ts.isArrayLiteralExpression(extra.body)) {
    for (const element of extra.body.elements) {
      const { root } = ts.isCallExpression(element) ? chainRoot(element) : { root: undefined };
      if (root && migrationOnlyBuilders.has(root)) cuts.push({ start: element.getStart(source), end: endWithComma(source, element) });
    }
  }
}

/** Where a module imports zod's `z` object by name, whence it comes. */
const zodObjectSources = new Set(["zod", "@hono/zod-openapi"]);

/**
 * `import { z } from "zod"` (or from "@hono/zod-openapi", beside other names) becomes
 * `import * as z from "zod"`, on the same line: the edits that make it so.
 */
function zodNamespaceImports(source: ts.SourceFile): { start: number; end: number; insert: string }[] {
  const edits: { start: number; end: number; insert: string }[] = [];
  const namespaceImport = `import * as z from "zod";`;
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    const bindings = clause?.namedBindings;
    if (!zodObjectSources.has(statement.moduleSpecifier.text) || !clause || clause.isTypeOnly || !bindings || !ts.isNamedImports(bindings))
      continue;
    const z = bindings.elements.find(
      (element) => element.name.text === "z" && !element.isTypeOnly && (element.propertyName?.text ?? "z") === "z",
    );
    if (!z) continue;
    if (bindings.elements.length === 1 && !clause.name) {
      edits.push({ start: statement.getStart(source), end: statement.getEnd(), insert: namespaceImport });
    } else {
      edits.push({ start: z.getStart(source), end: endWithComma(source, z), insert: "" });
      edits.push({ start: statement.getEnd(), end: statement.getEnd(), insert: ` ${namespaceImport}` });
    }
  }
  return edits;
}

/** The module's text without what only the OpenAPI document uses (see above). */
export function workerSource(text: string, fileName: string): string {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const cuts: Cut[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isSchemaMetadataCall(node)) {
      // `receiver.openapi(…)` → `receiver`: cut from the dot to the closing parenthesis.
      cuts.push({ start: node.expression.expression.getEnd(), end: node.getEnd() });
      visit(node.expression.expression);
      return;
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "sqliteTable") {
      cutTableDefinition(source, node, cuts);
      return;
    }
    if (ts.isCallExpression(node) && isRouteDefinition(node)) {
      visit(node.expression);
      cutRouteProperties(source, node.arguments[0] as ts.Expression, cuts, visit);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // A call inside a cut goes with it; the others are marked where they start.
  const pure = schemaCallStarts(source)
    .filter((start) => !cuts.some((cut) => cut.start <= start && start < cut.end))
    .map((start) => ({ start, end: start, insert: pureAnnotation }));
  const edits = [...cuts.map((cut) => ({ ...cut, insert: "" })), ...pure, ...zodNamespaceImports(source)].sort(
    (a, b) => a.start - b.start || a.end - b.end,
  );
  if (edits.length === 0) return text;
  let result = "";
  let at = 0;
  for (const edit of edits) {
    result += text.slice(at, edit.start) + edit.insert + text.slice(edit.start, edit.end).replace(/[^\n]/g, "");
    at = edit.end;
  }
  return result + text.slice(at);
}
