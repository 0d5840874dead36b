import { readFileSync } from "node:fs";
import { Cron } from "croner";
import { parse } from "smol-toml";
import { defaultConfig } from "../deps.ts";
import { type DeliverDeps, type DeliverReport, drainDue, drainLanes } from "../mailings/deliver.ts";
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

export interface MailSender {
  /** Starts sending if it is not already; if it is, makes it look again for mailings that started meanwhile. */
  wake(): void;
  /** Settles once the sender has nothing left to do (tests, benchmarks). */
  idle(): Promise<void>;
  /** Lets the rounds in hand finish and be recorded, begins no other; settles then, or after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** How long a shutdown waits for the rounds in hand (an SMTP round is a few messages; a provider batch one request). */
export const stopGraceMs = 15_000;

/**
 * Node's in-process sender: once woken (by the tick, or by whoever started a mailing), it
 * sends until nothing is due, `lanes` rounds side by side, rather than one chunk a minute.
 * Never two drains at once: a wake during a drain makes the running one look again.
 */
export function createMailSender(
  deps: DeliverDeps,
  options: { lanes?: number; onDrained?: (report: DeliverReport) => void } = {},
): MailSender {
  let running: Promise<void> | undefined;
  let woken = false;
  let stopping = false;
  const takeWake = () => {
    const was = woken;
    woken = false;
    return was;
  };
  async function drainWhileWoken() {
    do {
      woken = false;
      const report = await drainDue(deps, { lanes: options.lanes ?? drainLanes, shouldRefresh: takeWake, shouldStop: () => stopping });
      options.onDrained?.(report);
    } while (woken && !stopping);
  }
  return {
    wake() {
      if (stopping) return;
      if (running) {
        woken = true;
        return;
      }
      running = drainWhileWoken()
        .catch((error) => console.error("mail sender failed; the next tick wakes it again", error))
        .finally(() => {
          running = undefined;
        });
    },
    idle: () => running ?? Promise.resolve(),
    async stop(graceMs = stopGraceMs) {
      stopping = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([running ?? Promise.resolve(), grace]);
      clearTimeout(timer);
    },
  };
}

/**
 * Runs the wrangler.toml schedule inside this process, as `scheduled` does on Workers, with
 * the in-process mail sender. `stop` ends the schedule and settles once the sender's rounds
 * in hand are recorded, so a restart sends nobody twice.
 */
export function startInProcessCron(deps: JobDeps): { stop(): Promise<void>; mailSender: MailSender } {
  const mailSender = createMailSender({ ...deps, config: deps.config ?? defaultConfig });
  const jobs = wranglerCrons().map(
    (cron) =>
      new Cron(cron, { timezone: "UTC", protect: true }, async (self: Cron) => {
        const scheduledTime = self.currentRun() ?? deps.clock.now();
        const reports = await runScheduled(cron, scheduledTime, { ...deps, mailSender });
        for (const report of reports) {
          if (!report.ok) console.error(`cron ${cron}: ${report.job} failed: ${report.error}`);
        }
      }),
  );
  return {
    mailSender,
    stop: () => {
      for (const job of jobs) job.stop();
      return mailSender.stop();
    },
  };
}
