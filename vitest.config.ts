import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";
import { workerSource } from "./scripts/worker-source.ts";

/**
 * The Worker imports openapi.yaml and openapi.json as text (wrangler.toml's Text rule), to
 * serve them as they are; Vite needs to be told the same, before its own JSON handling.
 */
const documentsAsText: Plugin = {
  name: "documents-as-text",
  enforce: "pre",
  load(id) {
    return id.endsWith(".yaml") || id.endsWith("/openapi.json") ? `export default ${JSON.stringify(readFileSync(id, "utf8"))};` : undefined;
  },
};

/** The Worker's build leaves out what only the OpenAPI document uses (scripts/worker-source.ts); so do its tests. */
const sourceDirectories = [new URL("./src/", import.meta.url).pathname, new URL("./drizzle/", import.meta.url).pathname];
const asTheWorkerBuildsIt: Plugin = {
  name: "as-the-worker-builds-it",
  enforce: "pre",
  transform(code, id) {
    return sourceDirectories.some((directory) => id.startsWith(directory)) && id.endsWith(".ts") ? workerSource(code, id) : undefined;
  },
};

export default defineConfig({
  test: {
    // `npm run coverage`: statements of src/ the node suite runs (the Worker's own entry is
    // covered by the workerd suite, which v8 coverage cannot see inside workerd).
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
      reportsDirectory: "coverage",
      reportOnFailure: true,
    },
    projects: [
      {
        plugins: [documentsAsText],
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/workerd/**"],
          environment: "node",
          // Every file has databases and ports of its own, so files can run side by side. Vitest's
          // default, one worker fewer than the cores, would run them one at a time on two cores.
          maxWorkers: Math.max(2, availableParallelism() - 1),
          // Projects with different numbers of workers must run in groups of their own.
          sequence: { groupOrder: 0 },
        },
      },
      {
        plugins: [
          documentsAsText,
          asTheWorkerBuildsIt,
          cloudflareTest(async ({ inject }) => ({
            main: "./src/worker.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                LIBSQL_URL: inject("sharedDatabaseUrl"),
                GRASROT_OPERATOR_KEY: "operator-key-for-workerd-tests",
              },
            },
          })),
        ],
        // The Worker's bundle has zod without its locales and JSON Schema, no OpenAPI registry and no PostgreSQL enums (wrangler.toml [alias]); so do its tests.
        resolve: {
          alias: [
            { find: /^zod$/, replacement: new URL("./src/lib/zod-lean/index.ts", import.meta.url).pathname },
            {
              find: /^\.\.\/core\/(json-schema-processors|to-json-schema)\.js$/,
              replacement: new URL("./src/lib/zod-lean/no-json-schema.ts", import.meta.url).pathname,
            },
            { find: /^@asteasolutions\/zod-to-openapi$/, replacement: new URL("./src/lib/zod-openapi-lean.ts", import.meta.url).pathname },
            { find: /^\.\.\/pg-core\/columns\/enum\.js$/, replacement: new URL("./src/lib/no-pg-enum.ts", import.meta.url).pathname },
          ],
        },
        test: {
          name: "workerd",
          include: ["test/workerd/**/*.test.ts"],
          globalSetup: ["test/workerd/global-setup.ts"],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
