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
 */
import ts from "typescript";

/** Properties of a route definition (and of the objects nested in it) that only the document reads. */
const documentOnlyProperties = new Set(["summary", "description", "example", "examples", "responses"]);

type Cut = { start: number; end: number };

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
    if (ts.isCallExpression(node) && isRouteDefinition(node)) {
      visit(node.expression);
      cutRouteProperties(source, node.arguments[0] as ts.Expression, cuts, visit);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (cuts.length === 0) return text;
  cuts.sort((a, b) => a.start - b.start);
  let result = "";
  let at = 0;
  for (const cut of cuts) {
    result += text.slice(at, cut.start) + text.slice(cut.start, cut.end).replace(/[^\n]/g, "");
    at = cut.end;
  }
  return result + text.slice(at);
}
