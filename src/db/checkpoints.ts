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

export function startCheckpoints(path: string, intervalMs = checkpointIntervalMs): Checkpoints {
  const worker = new Worker(threadUrl, { workerData: { path, intervalMs } satisfies CheckpointThreadData });
  // Never keeps the process alive on its own.
  worker.unref();
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
