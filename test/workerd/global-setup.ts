/**
 * Runs in Node before the workerd suite: starts the local bridge (Hrana over HTTP) over a
 * temporary directory and prepares a migrated, bootstrapped template database that each
 * test copies. Inside workerd the Worker reaches it with @libsql/client/http, as in production.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { prepareDocsAssets } from "../../scripts/docs-assets.ts";
import { bootstrapIfEmpty } from "../../src/bootstrap.ts";
import { openEmbedded } from "../../src/db/embedded.ts";
import { createDb } from "../../src/db/index.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { startHranaBridge } from "../../tools/libsql-bridge/index.ts";

export const workerdAdminKey = "grs_workerd-suite-admin-key-0123456789";

declare module "vitest" {
  export interface ProvidedContext {
    bridgeUrl: string;
    templateDatabaseUrl: string;
    sharedDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // wrangler.toml's [assets]: made by wrangler's build command when deploying, here for the tests.
  prepareDocsAssets();
  const directory = mkdtempSync(join(tmpdir(), "grasrot-workerd-"));
  const template = await openEmbedded(`file:${join(directory, "template.db")}`);
  await applyMigrations(template);
  await bootstrapIfEmpty(createDb(template), { slug: "demo", adminKey: workerdAdminKey, now: new Date() });
  template.close();

  const bridge = await startHranaBridge({ directory });
  const shared = await bridge.bridge.createDatabase({ name: "shared", template: "template" });
  project.provide("bridgeUrl", bridge.url);
  project.provide("templateDatabaseUrl", bridge.databaseUrl("template"));
  project.provide("sharedDatabaseUrl", bridge.databaseUrl(shared));

  return async () => {
    await bridge.close();
    rmSync(directory, { recursive: true, force: true });
  };
}
