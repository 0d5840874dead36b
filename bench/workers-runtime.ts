/**
 * The Worker as wrangler.toml builds it, run by wrangler's local runtime (workerd, through
 * miniflare) over an embedded libSQL file reached through the local bridge: Hrana over HTTP,
 * as the Worker reaches Turso in production. The bridge counts what the Worker sends it, so a
 * bench can tell the statements and round trips of a request or of a whole run. For
 * benchmarks only (bench:mailings:workers, bench:http); offline and quiet.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { unstable_startWorker } from "wrangler";
import { type RunningHranaBridge, startHranaBridge } from "../tools/libsql-bridge/index.ts";

export interface BridgedWorker {
  worker: Awaited<ReturnType<typeof unstable_startWorker>>;
  /** Where the Worker listens, on 127.0.0.1. */
  url: string;
  bridge: RunningHranaBridge;
  /** Statements and round trips the database has been sent so far (see the bridge's README). */
  counts(): { statements: number; roundTrips: number };
  /** Stops the Worker (and workerd) and the bridge. */
  close(): Promise<void>;
}

/**
 * Starts the bridge over `<directory>/<database>.db` and the Worker with LIBSQL_URL pointing at
 * it, plus `bindings` (plain text); wrangler's local state goes to `<directory>/wrangler-state`.
 */
export async function startBridgedWorker(options: {
  directory: string;
  database: string;
  bindings?: Record<string, string>;
}): Promise<BridgedWorker> {
  // No fetch of Cloudflare's `Request.cf` sample, no metrics, no log line per request or queue batch.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  process.env.WRANGLER_SEND_METRICS ??= "false";
  process.env.WRANGLER_LOG ??= "warn";
  const state = join(options.directory, "wrangler-state");
  mkdirSync(state, { recursive: true });
  const bridge = await startHranaBridge({ directory: options.directory, defaultDatabase: options.database });
  const bindings = { LIBSQL_URL: bridge.url, ...options.bindings };
  let worker: BridgedWorker["worker"] | undefined;
  try {
    worker = await unstable_startWorker({
      config: "wrangler.toml",
      bindings: Object.fromEntries(Object.entries(bindings).map(([name, value]) => [name, { type: "plain_text", value }])),
      dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, watch: false, persist: state },
    });
    await worker.ready;
    const url = (await worker.url).origin;
    const started = worker;
    return {
      worker: started,
      url,
      bridge,
      counts() {
        const counts = bridge.bridge.counts(options.database);
        if (!counts) throw new Error(`the bridge has no database ${options.database}`);
        return counts;
      },
      async close() {
        await started.dispose();
        await bridge.close();
      },
    };
  } catch (error) {
    await worker?.dispose();
    await bridge.close();
    throw error;
  }
}
