/**
 * How `npm start` runs the Node entry (package.json's `start` script), for the tests and
 * benchmarks that start the server as a child process: they run what a deployment runs,
 * with the same Node options, and cannot drift from it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root, where `startArguments` run. */
export const projectRoot = fileURLToPath(new URL("..", import.meta.url));

/** The Node options and the entry of `npm start`, to run with this Node (`process.execPath`) from the project's root. */
export function startArguments(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { scripts: { start: string } };
  const [program, ...args] = scripts.start.split(/\s+/);
  if (program !== "node") throw new Error(`npm start is expected to run node, not: ${scripts.start}`);
  return args;
}
