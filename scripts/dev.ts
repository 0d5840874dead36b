/**
 * `npm run dev`: the Worker under `wrangler dev` (workerd) against the local database
 * data/grasrot.db, reached through the local bridge (Hrana over HTTP), because workerd
 * cannot open a database file. Production talks to Turso or a libSQL server instead.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { openEmbedded } from "../src/db/embedded.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { startHranaBridge } from "../tools/libsql-bridge/index.ts";

const port = Number(process.env.PORT ?? 8787);
const bridgePort = Number(process.env.BRIDGE_PORT ?? 8788);

mkdirSync("data", { recursive: true });
const client = await openEmbedded("file:data/grasrot.db");
await applyMigrations(client);
const boot = await bootstrapIfEmpty(createDb(client), {
  slug: process.env.GRASROT_ORG,
  adminKey: process.env.GRASROT_ADMIN_KEY,
  now: new Date(),
});
client.close();

const bridge = await startHranaBridge({ directory: "data", defaultDatabase: "grasrot", port: bridgePort });
console.log(`local libSQL bridge on ${bridge.url} (data/grasrot.db; development only)`);
if (boot) console.log(`\n  First start: organisation '${boot.slug}', admin API key (shown only now): ${boot.adminKey}\n`);

const wrangler = spawn("wrangler", ["dev", "--port", String(port), "--var", `LIBSQL_URL:${bridge.url}`, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
const stop = async () => {
  wrangler.kill("SIGTERM");
  await bridge.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", async (code) => {
  await bridge.close();
  process.exit(code ?? 0);
});
