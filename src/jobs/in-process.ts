import { readFileSync } from "node:fs";
import { Cron } from "croner";
import { parse } from "smol-toml";
import { type JobDeps, runScheduled } from "./cron-triggers.ts";

/** The cron triggers the Worker is deployed with; the Node runtime runs the same ones. */
export function wranglerCrons(path = new URL("../../wrangler.toml", import.meta.url)): string[] {
  const toml = parse(readFileSync(path, "utf8")) as { triggers?: { crons?: string[] } };
  return toml.triggers?.crons ?? [];
}

/** Crons whose schedule matches the given minute (UTC, as Cloudflare runs them). */
export function cronsDueAt(crons: string[], at: Date): string[] {
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  return crons.filter((cron) => new Cron(cron, { timezone: "UTC", paused: true }).match(minute));
}

/** Runs the wrangler.toml schedule inside this process, as `scheduled` does on Workers. */
export function startInProcessCron(deps: JobDeps): { stop(): void } {
  const jobs = wranglerCrons().map(
    (cron) =>
      new Cron(cron, { timezone: "UTC", protect: true }, async (self: Cron) => {
        const scheduledTime = self.currentRun() ?? deps.clock.now();
        const reports = await runScheduled(cron, scheduledTime, deps);
        for (const report of reports) {
          if (!report.ok) console.error(`cron ${cron}: ${report.job} failed: ${report.error}`);
        }
      }),
  );
  return {
    stop: () => {
      for (const job of jobs) job.stop();
    },
  };
}
