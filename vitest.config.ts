import { readFileSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/** The Worker imports openapi.yaml as text (a wrangler Text rule); Vite needs to be told the same. */
const yamlAsText: Plugin = {
  name: "yaml-as-text",
  load(id) {
    return id.endsWith(".yaml") ? `export default ${JSON.stringify(readFileSync(id, "utf8"))};` : undefined;
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [yamlAsText],
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/workerd/**"],
          environment: "node",
        },
      },
      {
        plugins: [
          yamlAsText,
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
        test: {
          name: "workerd",
          include: ["test/workerd/**/*.test.ts"],
          globalSetup: ["test/workerd/global-setup.ts"],
        },
      },
    ],
  },
});
