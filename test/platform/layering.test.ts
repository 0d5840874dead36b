/**
 * Services speak the domain, not HTTP: the API's errors, dates, field rules, cursors and
 * versioned writes live in src/lib/ and src/db/, so a service can be called from a job, a
 * script or a test without the web layer. Only what serves HTTP imports from src/http/:
 * route files and their schemas, the app and its entries, and the few middleware modules
 * named below.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Modules outside src/http/ that are part of the web layer by what they do. */
const webLayer: Record<string, string> = {
  "src/app.ts": "builds the HTTP app",
  "src/worker.ts": "the Workers entry answers a bad configuration with a problem",
  "src/abuse/requests.ts": "middleware that limits requests",
  "src/members/index.ts": "builds the members domain's router",
  "src/contacts/index.ts": "builds the contacts domain's router",
  "src/groups/index.ts": "builds the groups domain's router",
  "src/events/index.ts": "builds the events domain's router",
  "src/programmes/index.ts": "builds the programmes domain's router",
  "src/elections/index.ts": "builds the elections domain's router",
  "src/elections/route-parts.ts": "parts shared by the election routes",
  "src/mailings/index.ts": "builds the mailings domain's router",
  "src/webhooks/index.ts": "builds the webhooks domain's router, and the middleware that delivers after a write",
  "src/groupwork/index.ts": "builds the router of what groups achieve",
  "src/members/access.ts": "route guards for member data",
  "src/jobs/cron-triggers.ts": "housekeeping forgets the idempotency keys that http/idempotency.ts keeps",
};

const isRouteOrSchema = (path: string) => /(^|[/.-])routes\.ts$|\/routes\/[^/]+\.ts$|schemas\.ts$/.test(path);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The repository paths a module imports by relative specifier (static, type-only and dynamic imports alike). */
function importsOf(path: string): string[] {
  const text = readFileSync(join(root, path), "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((match) => match[1] as string);
  return specifiers.map((specifier) => relative(root, resolve(dirname(join(root, path)), specifier)).replaceAll("\\", "/"));
}

describe("layering", () => {
  it("finds the modules it judges, and their imports", () => {
    const files = sourceFiles("src");
    expect(files).toContain("src/lib/problems.ts");
    expect(importsOf("src/http/problem.ts")).toContain("src/lib/problems.ts");
  });

  it("lets no service import from src/http/", () => {
    const offending = sourceFiles("src")
      .filter((path) => !path.startsWith("src/http/") && !isRouteOrSchema(path) && !(path in webLayer))
      .flatMap((path) =>
        importsOf(path)
          .filter((target) => target.startsWith("src/http/"))
          .map((target) => `${path} imports ${target}`),
      );
    expect(offending).toEqual([]);
  });
});
