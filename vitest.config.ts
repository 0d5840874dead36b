import { readFileSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

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

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [documentsAsText],
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/workerd/**"],
          environment: "node",
        },
      },
      {
        plugins: [
          documentsAsText,
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
        // The Worker's bundle has zod without its locales (wrangler.toml [alias]); so do its tests.
        resolve: { alias: [{ find: /^zod$/, replacement: new URL("./src/lib/zod-lean/index.ts", import.meta.url).pathname }] },
        test: {
          name: "workerd",
          include: ["test/workerd/**/*.test.ts"],
          globalSetup: ["test/workerd/global-setup.ts"],
        },
      },
    ],
  },
});
