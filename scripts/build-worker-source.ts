/**
 * Writes the Worker's own code, stripped of what only the OpenAPI document uses
 * (scripts/worker-source.ts), as one module that wrangler then bundles with the libraries
 * (wrangler.toml's `main`). wrangler runs this in its [build] command, before every
 * `wrangler dev` and `wrangler deploy`. Libraries stay imports: wrangler resolves them as it
 * would from src/worker.ts (its [alias]).
 */
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { workerSource } from "./worker-source.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
export const workerSourceFile = resolve(root, "dist/worker-source/worker.js");
const sourceDirectory = resolve(root, "src");
/** The table definitions, which lose what only drizzle-kit reads. */
const schemaDirectory = resolve(root, "drizzle");

export async function buildWorkerSource(outfile = workerSourceFile): Promise<void> {
  await build({
    entryPoints: [resolve(sourceDirectory, "worker.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    packages: "external",
    external: ["node:*", "cloudflare:*"],
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [
      {
        name: "worker-source",
        setup(context) {
          context.onLoad({ filter: /\.ts$/ }, async (args) => {
            const text = await readFile(args.path, "utf8");
            const inSource = [sourceDirectory, schemaDirectory].some((directory) => !relative(directory, args.path).startsWith(".."));
            return { contents: inSource ? workerSource(text, args.path) : text, loader: "ts" };
          });
        },
      },
    ],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildWorkerSource();
