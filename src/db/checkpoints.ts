/**
 * Checkpoints of the embedded file on a thread of their own. In WAL mode, commits append to
 * the write-ahead log, and SQLite copies the log back into the database file (a checkpoint)
 * when a commit finds it past 1,000 pages: inside that commit, on the event loop, since the
 * driver is synchronous. On a large file that copy and its fsync stalled every request of
 * the process for up to a tenth of a second. Checkpointing passively a few times a second
 * from a thread keeps the log short, so that the next writer starts it over and a commit
 * never reaches the threshold itself. If the thread falls behind, SQLite's own checkpoints
 * still run as before. Node only.
 */
import cluster from "node:cluster";
import { Worker } from "node:worker_threads";
import type { CheckpointOutcome, CheckpointThreadData } from "./checkpoint-thread.ts";

const threadUrl = new URL("./checkpoint-thread.ts", import.meta.url);

/** How often the thread checkpoints: a quarter of a second of writes is far below the log's threshold. */
export const checkpointIntervalMs = 250;

export interface Checkpoints {
  /** Called with the outcome of each checkpoint (tests). */
  onCheckpoint(listener: (outcome: CheckpointOutcome) => void): void;
  stop(): Promise<void>;
}

/** The threads running in this process, for `checkpointNow`. */
const running = new Set<Worker>();

export function startCheckpoints(path: string, intervalMs = checkpointIntervalMs): Checkpoints {
  const worker = new Worker(threadUrl, { workerData: { path, intervalMs } satisfies CheckpointThreadData });
  // Never keeps the process alive on its own.
  worker.unref();
  running.add(worker);
  worker.on("exit", () => running.delete(worker));
  worker.on("error", (error) => console.error("the checkpoint thread stopped; SQLite checkpoints on commit again", error));
  return {
    onCheckpoint(listener) {
      worker.on("message", listener);
    },
    stop() {
      return new Promise((resolve) => {
        worker.once("exit", () => resolve());
        worker.postMessage("stop");
      });
    },
  };
}

/** What a worker process of the server's cluster sends the first process, which runs the thread, for `checkpointNow`. */
const checkpointNowMessage = "grasrot:checkpoint-now";

/**
 * Asks for a checkpoint at once rather than at the thread's next turn: a long batch has just
 * left a long log. Otherwise the next write's commit, coming sooner than that, would find the
 * log past SQLite's threshold and copy it all itself, on the event loop (a PATCH right after
 * a 100,000-member import took 240 ms, and held every other request as long). While the
 * thread copies, such a commit leaves the copy to it. In a worker process of the server's
 * cluster, the request goes to the first process, which runs the one thread for the file.
 */
export function checkpointNow(): void {
  for (const worker of running) worker.postMessage("now");
  if (running.size === 0 && cluster.isWorker) process.send?.(checkpointNowMessage);
}

/** In the first process of the server's cluster: its workers' requests for `checkpointNow`. */
export function checkpointWhenWorkersAsk(): void {
  cluster.on("message", (_worker, message) => {
    if (message === checkpointNowMessage) checkpointNow();
  });
}
